// Defaulting: upstream's values for each kind, and idempotence.
#include "api/defaults/defaults.h"

#include <catch2/catch.hpp>
#include <string>

#include "api/defaults/image_ref.h"
#include "tests/api/validation_fixtures.h"

namespace skiff::api {
namespace {

using nlohmann::json;

using testing::Kind;

json Defaulted(const char* kind, json obj) {
  ApplyDefaults(Kind(kind), obj);
  return obj;
}

json Parse(const char* text) { return json::parse(text); }

TEST_CASE("image tags decide the pull policy", "[defaults]") {
  using defaults::ImageTag;
  CHECK(ImageTag("nginx") == "latest");
  CHECK(ImageTag("nginx:latest") == "latest");
  CHECK(ImageTag("nginx:1.27") == "1.27");
  CHECK(ImageTag("registry.example.com:5000/team/app") == "latest");
  CHECK(ImageTag("registry.example.com:5000/team/app:v2") == "v2");
  CHECK(ImageTag("app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef") ==
        "");
  CHECK(
      ImageTag("app:1.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef") ==
      "1.0");
  CHECK(ImageTag("") == "");
  CHECK(ImageTag("Nginx") == "");

  struct Case {
    const char* image;
    const char* policy;
  };
  for (const Case& c :
       {Case{"nginx", "Always"}, Case{"nginx:latest", "Always"}, Case{"nginx:1.27", "IfNotPresent"},
        Case{"nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
             "IfNotPresent"},
        Case{"localhost:5000/app", "Always"}}) {
    json pod = Parse(R"({"spec":{"containers":[{"name":"a"}]}})");
    pod["spec"]["containers"][0]["image"] = c.image;
    INFO(c.image);
    CHECK(Defaulted("Pod", pod)["spec"]["containers"][0]["imagePullPolicy"] == c.policy);
  }
  // An explicit policy is kept.
  json pod =
      Parse(R"({"spec":{"containers":[{"name":"a","image":"nginx","imagePullPolicy":"Never"}]}})");
  CHECK(Defaulted("Pod", pod)["spec"]["containers"][0]["imagePullPolicy"] == "Never");
}

TEST_CASE("pod defaults", "[defaults]") {
  json pod = Defaulted("Pod", Parse(R"({
    "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"},
    "spec": {
      "containers": [{
        "name": "app", "image": "nginx:1.27",
        "ports": [{"containerPort": 80}],
        "env": [{"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}],
        "resources": {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "500m"}},
        "livenessProbe": {"httpGet": {"port": 80}},
        "readinessProbe": {"exec": {"command": ["true"]}, "periodSeconds": 3, "timeoutSeconds": 0}
      }],
      "volumes": [{"name": "scratch"}, {"name": "cfg", "configMap": {"name": "c"}},
                  {"name": "sec", "secret": {"secretName": "s", "defaultMode": 256}},
                  {"name": "host", "hostPath": {"path": "/var/log"}},
                  {"name": "tok", "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}]}}]
    }
  })"));
  const json& spec = pod["spec"];
  CHECK(spec["restartPolicy"] == "Always");
  CHECK(spec["terminationGracePeriodSeconds"] == 30);
  CHECK(spec["dnsPolicy"] == "ClusterFirst");
  CHECK(spec["schedulerName"] == "default-scheduler");
  CHECK(spec["securityContext"] == json::object());
  CHECK(spec["enableServiceLinks"] == true);
  const json& c = spec["containers"][0];
  CHECK(c["terminationMessagePath"] == "/dev/termination-log");
  CHECK(c["terminationMessagePolicy"] == "File");
  CHECK(c["imagePullPolicy"] == "IfNotPresent");
  CHECK(c["ports"][0]["protocol"] == "TCP");
  CHECK_FALSE(c["ports"][0].contains("hostPort"));
  CHECK(c["env"][0]["valueFrom"]["fieldRef"]["apiVersion"] == "v1");
  // Requests default to limits, keeping explicit requests.
  CHECK(c["resources"]["requests"] == Parse(R"({"cpu":"500m","memory":"1Gi"})"));
  CHECK(c["livenessProbe"] == Parse(R"({"httpGet":{"port":80,"path":"/","scheme":"HTTP"},
      "timeoutSeconds":1,"periodSeconds":10,"successThreshold":1,"failureThreshold":3})"));
  CHECK(c["readinessProbe"]["periodSeconds"] == 3);
  CHECK(c["readinessProbe"]["timeoutSeconds"] == 1);  // 0 means unset upstream
  const json& v = spec["volumes"];
  CHECK(v[0]["emptyDir"] == json::object());
  CHECK(v[1]["configMap"]["defaultMode"] == 420);
  CHECK(v[2]["secret"]["defaultMode"] == 256);
  CHECK(v[3]["hostPath"]["type"] == "");
  CHECK(v[4]["projected"]["defaultMode"] == 420);
  CHECK(v[4]["projected"]["sources"][0]["serviceAccountToken"]["expirationSeconds"] == 3600);
}

TEST_CASE("pod with host networking gets host ports", "[defaults]") {
  json pod = Defaulted("Pod", Parse(R"({"spec":{"hostNetwork":true,
      "containers":[{"name":"a","image":"x","ports":[{"containerPort":8080},{"containerPort":9090,"hostPort":9090}]}]}})"));
  CHECK(pod["spec"]["containers"][0]["ports"][0]["hostPort"] == 8080);
  CHECK(pod["spec"]["containers"][0]["ports"][1]["hostPort"] == 9090);
}

TEST_CASE("service defaults", "[defaults]") {
  json svc = Defaulted("Service", testing::ValidService());
  const json& spec = svc["spec"];
  CHECK(spec["type"] == "ClusterIP");
  CHECK(spec["sessionAffinity"] == "None");
  CHECK(spec["internalTrafficPolicy"] == "Cluster");
  CHECK(spec["ipFamilyPolicy"] == "SingleStack");
  CHECK(spec["ipFamilies"] == json::array({"IPv4"}));
  CHECK_FALSE(spec.contains("externalTrafficPolicy"));
  CHECK(spec["ports"][0]["protocol"] == "TCP");
  CHECK(spec["ports"][0]["targetPort"] == "http");
  CHECK(spec["ports"][1]["targetPort"] == 8443);

  json np = Defaulted("Service", Parse(R"({"spec":{"type":"LoadBalancer","ports":[{"port":80}],
      "sessionAffinity":"ClientIP"}})"));
  CHECK(np["spec"]["ports"][0]["targetPort"] == 80);
  CHECK(np["spec"]["externalTrafficPolicy"] == "Cluster");
  CHECK(np["spec"]["allocateLoadBalancerNodePorts"] == true);
  CHECK(np["spec"]["sessionAffinityConfig"]["clientIP"]["timeoutSeconds"] == 10800);

  json ext = Defaulted("Service", Parse(R"({"spec":{"type":"ExternalName","externalName":"x.com",
      "sessionAffinityConfig":{"clientIP":{"timeoutSeconds":5}}}})"));
  CHECK_FALSE(ext["spec"].contains("internalTrafficPolicy"));
  CHECK_FALSE(ext["spec"].contains("ipFamilyPolicy"));
  CHECK_FALSE(ext["spec"].contains("sessionAffinityConfig"));  // dropped when affinity is None

  json headless = Defaulted("Service", Parse(R"({"spec":{"clusterIP":"None"}})"));
  CHECK(headless["spec"]["ipFamilyPolicy"] == "RequireDualStack");
}

TEST_CASE("deployment and replicaset defaults", "[defaults]") {
  json d = Defaulted("Deployment", testing::ValidDeployment());
  d["spec"].erase("replicas");
  d = Defaulted("Deployment", d);
  const json& spec = d["spec"];
  CHECK(spec["replicas"] == 1);
  CHECK(
      spec["strategy"] ==
      Parse(
          R"({"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}})"));
  CHECK(spec["revisionHistoryLimit"] == 10);
  CHECK(spec["progressDeadlineSeconds"] == 600);
  const json& pod_spec = spec["template"]["spec"];
  CHECK(pod_spec["restartPolicy"] == "Always");
  CHECK(pod_spec["dnsPolicy"] == "ClusterFirst");
  CHECK(pod_spec["containers"][0]["imagePullPolicy"] == "IfNotPresent");
  CHECK(pod_spec["containers"][0]["ports"][0]["protocol"] == "TCP");
  // Pod-only defaults are not applied to templates, as upstream.
  CHECK_FALSE(pod_spec.contains("enableServiceLinks"));

  json recreate = Defaulted("Deployment", Parse(R"({"spec":{"strategy":{"type":"Recreate"}}})"));
  CHECK_FALSE(recreate["spec"]["strategy"].contains("rollingUpdate"));

  json rs = testing::ValidReplicaSet();
  rs["spec"].erase("replicas");
  rs = Defaulted("ReplicaSet", rs);
  CHECK(rs["spec"]["replicas"] == 1);
  CHECK(rs["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] == 30);
  CHECK_FALSE(rs["spec"].contains("strategy"));
}

TEST_CASE("secret, namespace, node and endpoints defaults", "[defaults]") {
  json secret =
      Defaulted("Secret", Parse(R"({"data":{"a":"eA=="},"stringData":{"a":"new","b":"hello"}})"));
  CHECK(secret["type"] == "Opaque");
  CHECK(secret["data"] == Parse(R"({"a":"bmV3","b":"aGVsbG8="})"));
  CHECK_FALSE(secret.contains("stringData"));
  CHECK(Defaulted("Secret", Parse(R"({"type":"kubernetes.io/tls"})"))["type"] ==
        "kubernetes.io/tls");

  json ns = Defaulted("Namespace", Parse(R"({"metadata":{"name":"team-a"}})"));
  CHECK(ns["spec"]["finalizers"] == json::array({"kubernetes"}));
  CHECK(ns["status"]["phase"] == "Active");
  CHECK(ns["metadata"]["labels"]["kubernetes.io/metadata.name"] == "team-a");
  // A cleared finalizer list stays cleared (the namespace controller empties it).
  json cleared = Defaulted("Namespace", Parse(R"({"metadata":{"name":"x"},"spec":{"finalizers":[]},
      "status":{"phase":"Terminating"}})"));
  CHECK(cleared["spec"]["finalizers"] == json::array());
  CHECK(cleared["status"]["phase"] == "Terminating");

  json node = Defaulted("Node", Parse(R"({"status":{"capacity":{"cpu":"4","memory":"8Gi"}}})"));
  CHECK(node["status"]["allocatable"] == node["status"]["capacity"]);
  json node2 =
      Defaulted("Node", Parse(R"({"status":{"capacity":{"cpu":"4"},"allocatable":{"cpu":"3"}}})"));
  CHECK(node2["status"]["allocatable"]["cpu"] == "3");

  json ep = Defaulted(
      "Endpoints", Parse(R"({"subsets":[{"ports":[{"port":80},{"port":53,"protocol":"UDP"}]}]})"));
  CHECK(ep["subsets"][0]["ports"][0]["protocol"] == "TCP");
  CHECK(ep["subsets"][0]["ports"][1]["protocol"] == "UDP");
}

TEST_CASE("defaulting is idempotent for every kind", "[defaults]") {
  const std::pair<const char*, json> objects[] = {
      {"Pod", testing::ValidPod()},
      {"Pod", Parse(R"({"spec":{"hostNetwork":true,"containers":[{"name":"a","image":"x",
          "ports":[{"containerPort":1}],"resources":{"limits":{"cpu":"1"}}}],"volumes":[{"name":"v"}]}})")},
      {"Service", testing::ValidService()},
      {"Service",
       Parse(
           R"({"spec":{"type":"LoadBalancer","sessionAffinity":"ClientIP","ports":[{"port":1}]}})")},
      {"Deployment", testing::ValidDeployment()},
      {"ReplicaSet", testing::ValidReplicaSet()},
      {"Secret", Parse(R"({"stringData":{"k":"v"}})")},
      {"Namespace", Parse(R"({"metadata":{"name":"n"}})")},
      {"Node", Parse(R"({"metadata":{"name":"n"},"status":{"capacity":{"cpu":"1"}}})")},
      {"Endpoints", Parse(R"({"subsets":[{"ports":[{"port":1}]}]})")},
      {"ConfigMap", Parse(R"({"data":{"a":"b"}})")},
      {"Event", Parse(R"({"involvedObject":{"kind":"Pod"}})")},
      {"ServiceAccount", Parse(R"({"metadata":{"name":"sa"}})")},
      {"Lease", Parse(R"({"spec":{"holderIdentity":"x"}})")},
  };
  for (const auto& [kind, obj] : objects) {
    json once = Defaulted(kind, obj);
    json twice = Defaulted(kind, once);
    INFO(kind << ": " << once.dump());
    CHECK(once == twice);
  }
  // Every kind in the table is covered.
  for (const auto& k : AllKinds()) {
    bool covered = false;
    for (const auto& [kind, obj] : objects) covered = covered || k.kind == kind;
    INFO(k.kind);
    CHECK(covered);
  }
}

TEST_CASE("defaulting leaves wrongly typed members alone", "[defaults]") {
  json pod = Parse(R"({"spec":{"containers":"x","volumes":[1,"a"],"securityContext":5}})");
  json before = pod;
  ApplyDefaults(Kind("Pod"), pod);
  CHECK(pod["spec"]["containers"] == "x");
  CHECK(pod["spec"]["volumes"] == before["spec"]["volumes"]);
  CHECK(pod["spec"]["securityContext"] == 5);
  json d = Parse(R"({"spec":"oops"})");
  ApplyDefaults(Kind("Deployment"), d);
  CHECK(d["spec"] == "oops");
  json not_object = json::array();
  ApplyDefaults(Kind("Service"), not_object);
  CHECK(not_object == json::array());
}

}  // namespace
}  // namespace skiff::api
