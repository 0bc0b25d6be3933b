// Strategic merge patch: the patches kubectl 1.32 sends (kubectl-wire.md §5
// and §9), every directive, and malformed patches.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "api/patch/patch.h"
#include "api/schema/schema.h"

namespace skiff::api {
namespace {

using nlohmann::json;

json J(const char* text) { return json::parse(text); }

const ObjectType& TypeNamed(const char* name) {
  const ObjectType* t = FindType(name);
  REQUIRE(t != nullptr);
  return *t;
}

json MustPatch(const json& original, const char* patch, const char* type) {
  Result<json> r = ApplyStrategicMergePatch(original, J(patch), TypeNamed(type));
  INFO("patch " << patch << ": " << r.status().ToString());
  REQUIRE(r.ok());
  return *r;
}

Status MustFail(const json& original, const char* patch, const char* type) {
  Result<json> r = ApplyStrategicMergePatch(original, J(patch), TypeNamed(type));
  INFO("patch " << patch);
  REQUIRE_FALSE(r.ok());
  return r.status();
}

json WebDeployment() {
  return J(R"({
    "apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"web","namespace":"default","uid":"u1","resourceVersion":"7",
                "labels":{"app":"web","team":"a"},
                "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"old\n"}},
    "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
      "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},
      "template":{"metadata":{"labels":{"app":"web"},"annotations":{"keep":"me"}},
        "spec":{
          "containers":[
            {"name":"main","image":"nginx:1","args":["--a"],
             "env":[{"name":"A","value":"1"},{"name":"B","value":"2"},{"name":"C","value":"3"}],
             "ports":[{"containerPort":80,"protocol":"TCP"},{"containerPort":443,"protocol":"TCP"}],
             "volumeMounts":[{"name":"v1","mountPath":"/data"}],
             "resources":{"limits":{"cpu":"1"}},
             "terminationMessagePolicy":"File"},
            {"name":"sidecar","image":"busybox","command":["sleep","inf"]}],
          "volumes":[{"name":"v1","emptyDir":{}}],
          "tolerations":[{"key":"k1","operator":"Exists"}],
          "restartPolicy":"Always"}}},
    "status":{"replicas":2}})");
}

TEST_CASE("smp: kubectl apply update (replicas, image, args, env removed)", "[patch]") {
  json d = WebDeployment();
  json out = MustPatch(d, R"({
    "metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"new\n"}},
    "spec":{"replicas":3,"template":{"spec":{
      "$setElementOrder/containers":[{"name":"main"},{"name":"sidecar"}],
      "containers":[{"args":["--x"],"env":null,"image":"nginx:1.27","name":"main"}]}}}})",
                       "Deployment");
  CHECK(out["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] ==
        "new\n");
  CHECK(out["metadata"]["labels"] == d["metadata"]["labels"]);
  CHECK(out["spec"]["replicas"] == 3);
  const json& containers = out["spec"]["template"]["spec"]["containers"];
  REQUIRE(containers.size() == 2);
  json main = d["spec"]["template"]["spec"]["containers"][0];
  main["args"] = J(R"(["--x"])");
  main["image"] = "nginx:1.27";
  main.erase("env");
  CHECK(containers[0] == main);
  CHECK(containers[1] == d["spec"]["template"]["spec"]["containers"][1]);
  CHECK(out["status"] == d["status"]);
  CHECK(out.dump().find('$') == std::string::npos);
}

TEST_CASE("smp: kubectl apply with every directive it emits (kubectl-wire.md 5.2)", "[patch]") {
  json d = WebDeployment();
  json out = MustPatch(d, R"({
    "metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"new\n"},"labels":{"team":null}},
    "spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":null,"type":"Recreate"},
      "template":{"spec":{
        "$setElementOrder/containers":[{"name":"main"}],
        "$setElementOrder/volumes":[{"name":"v1"}],
        "containers":[{"$setElementOrder/env":[{"name":"B"},{"name":"C"}],
                       "$setElementOrder/ports":[{"containerPort":80}],
                       "env":[{"name":"B","value":"3"},{"name":"C","value":"4"},{"$patch":"delete","name":"A"}],
                       "image":"nginx:2","name":"main",
                       "ports":[{"$patch":"delete","containerPort":443}]},
                      {"$patch":"delete","name":"sidecar"}],
        "volumes":[{"$retainKeys":["configMap","name"],"configMap":{"name":"web-config"},"emptyDir":null,"name":"v1"}]}}}})",
                       "Deployment");
  CHECK(out["metadata"]["labels"] == J(R"({"app":"web"})"));
  CHECK(out["spec"]["strategy"] == J(R"({"type":"Recreate"})"));
  const json& spec = out["spec"]["template"]["spec"];
  REQUIRE(spec["containers"].size() == 1);
  const json& main = spec["containers"][0];
  CHECK(main["name"] == "main");
  CHECK(main["image"] == "nginx:2");
  CHECK(main["env"] == J(R"([{"name":"B","value":"3"},{"name":"C","value":"4"}])"));
  CHECK(main["ports"] == J(R"([{"containerPort":80,"protocol":"TCP"}])"));
  CHECK(main["volumeMounts"] == J(R"([{"name":"v1","mountPath":"/data"}])"));
  CHECK(main["args"] == J(R"(["--a"])"));
  CHECK(spec["volumes"] == J(R"([{"name":"v1","configMap":{"name":"web-config"}}])"));
  CHECK(spec["tolerations"] == d["spec"]["template"]["spec"]["tolerations"]);
  CHECK(out.dump().find('$') == std::string::npos);
}

TEST_CASE("smp: kubectl apply of a Service port change (merge by port)", "[patch]") {
  json svc = J(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
    "spec":{"clusterIP":"10.0.0.5","selector":{"app":"web"},
            "ports":[{"name":"http","port":80,"targetPort":80,"protocol":"TCP"}]}})");
  json out = MustPatch(svc, R"({"metadata":{"annotations":{"a":"b"}},
    "spec":{"$setElementOrder/ports":[{"port":8080}],
            "ports":[{"name":"http","port":8080,"targetPort":80},{"$patch":"delete","port":80}]}})",
                       "Service");
  CHECK(out["spec"]["ports"] == J(R"([{"name":"http","port":8080,"targetPort":80}])"));
  CHECK(out["spec"]["clusterIP"] == "10.0.0.5");
  CHECK(out["metadata"]["annotations"] == J(R"({"a":"b"})"));
}

TEST_CASE("smp: kubectl apply of a ConfigMap (map keys set and deleted)", "[patch]") {
  json cm = J(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"web-config"},
                  "data":{"color":"blue","size":"small","shape":"round"}})");
  json out = MustPatch(cm, R"({"data":{"color":null,"size":"large"},
                               "metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"x"}}})",
                       "ConfigMap");
  CHECK(out["data"] == J(R"({"size":"large","shape":"round"})"));
  CHECK(out["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] == "x");
}

TEST_CASE("smp: kubectl set image, rollout restart, cordon", "[patch]") {
  json d = WebDeployment();
  SECTION("set image changes one container and keeps both in order") {
    json out = MustPatch(d, R"({"spec":{"template":{"spec":{
      "$setElementOrder/containers":[{"name":"main"},{"name":"sidecar"}],
      "containers":[{"image":"busybox:2","name":"sidecar"}]}}}})",
                         "Deployment");
    const json& cs = out["spec"]["template"]["spec"]["containers"];
    REQUIRE(cs.size() == 2);
    CHECK(cs[0] == d["spec"]["template"]["spec"]["containers"][0]);
    CHECK(cs[1]["name"] == "sidecar");
    CHECK(cs[1]["image"] == "busybox:2");
    CHECK(cs[1]["command"] == J(R"(["sleep","inf"])"));
  }
  SECTION("rollout restart adds an annotation to the template") {
    json out = MustPatch(d, R"({"spec":{"template":{"metadata":{"annotations":
      {"kubectl.kubernetes.io/restartedAt":"2026-11-28T20:14:07Z"}}}}})",
                         "Deployment");
    CHECK(out["spec"]["template"]["metadata"]["annotations"] ==
          J(R"({"keep":"me","kubectl.kubernetes.io/restartedAt":"2026-11-28T20:14:07Z"})"));
    json expect = d;
    expect["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"] =
        "2026-11-28T20:14:07Z";
    CHECK(out == expect);
  }
  SECTION("cordon sets unschedulable on a Node") {
    json node = J(R"({"apiVersion":"v1","kind":"Node","metadata":{"name":"n2"},
                      "spec":{"podCIDR":"10.1.0.0/24","taints":[{"key":"a","effect":"NoSchedule"}]}})");
    json out = MustPatch(node, R"({"spec":{"unschedulable":true}})", "Node");
    CHECK(out["spec"] == J(R"({"podCIDR":"10.1.0.0/24","unschedulable":true,
                               "taints":[{"key":"a","effect":"NoSchedule"}]})"));
  }
}

TEST_CASE("smp: lists with a merge key merge, other lists are replaced", "[patch]") {
  json d = WebDeployment();
  SECTION(
      "ports merge by containerPort; a new port goes before the server-only ones, as upstream") {
    json out = MustPatch(d, R"({"spec":{"template":{"spec":{"containers":[
      {"name":"main","ports":[{"containerPort":443,"name":"https"},{"containerPort":9090}]}]}}}})",
                         "Deployment");
    CHECK(
        out["spec"]["template"]["spec"]["containers"][0]["ports"] ==
        J(R"([{"containerPort":80,"protocol":"TCP"},{"containerPort":443,"protocol":"TCP","name":"https"},
                {"containerPort":9090}])"));
    json out2 = MustPatch(d, R"({"spec":{"template":{"spec":{"containers":[
      {"name":"main","ports":[{"containerPort":8080}]}]}}}})",
                          "Deployment");
    CHECK(
        out2["spec"]["template"]["spec"]["containers"][0]["ports"] ==
        J(R"([{"containerPort":8080},{"containerPort":80,"protocol":"TCP"},{"containerPort":443,"protocol":"TCP"}])"));
  }
  SECTION("$setElementOrder places a new container where the list says") {
    json out = MustPatch(d, R"({"spec":{"template":{"spec":{
      "$setElementOrder/containers":[{"name":"main"},{"name":"new"},{"name":"sidecar"}],
      "containers":[{"name":"new","image":"redis"}]}}}})",
                         "Deployment");
    const json& cs = out["spec"]["template"]["spec"]["containers"];
    REQUIRE(cs.size() == 3);
    CHECK(cs[0]["name"] == "main");
    CHECK(cs[1] == J(R"({"name":"new","image":"redis"})"));
    CHECK(cs[2]["name"] == "sidecar");
  }
  SECTION("env var removal by $patch: delete keeps the others in order") {
    json out = MustPatch(d, R"({"spec":{"template":{"spec":{"containers":[
      {"name":"main","env":[{"$patch":"delete","name":"B"}]}]}}}})",
                         "Deployment");
    CHECK(out["spec"]["template"]["spec"]["containers"][0]["env"] ==
          J(R"([{"name":"A","value":"1"},{"name":"C","value":"3"}])"));
  }
  SECTION("volumeMounts merge by mountPath, volumes by name") {
    json out = MustPatch(d, R"({"spec":{"template":{"spec":{
      "volumes":[{"name":"v2","secret":{"secretName":"s"}}],
      "containers":[{"name":"main","volumeMounts":[{"name":"v2","mountPath":"/data","readOnly":true}]}]}}}})",
                         "Deployment");
    CHECK(out["spec"]["template"]["spec"]["containers"][0]["volumeMounts"] ==
          J(R"([{"name":"v2","mountPath":"/data","readOnly":true}])"));
    CHECK(out["spec"]["template"]["spec"]["volumes"] ==
          J(R"([{"name":"v2","secret":{"secretName":"s"}},{"name":"v1","emptyDir":{}}])"));
  }
  SECTION("tolerations, args and command are atomic: replaced whole") {
    json out = MustPatch(d, R"({"spec":{"template":{"spec":{
      "tolerations":[{"key":"k2","operator":"Exists"}],
      "containers":[{"name":"sidecar","command":["true"]}]}}}})",
                         "Deployment");
    CHECK(out["spec"]["template"]["spec"]["tolerations"] ==
          J(R"([{"key":"k2","operator":"Exists"}])"));
    CHECK(out["spec"]["template"]["spec"]["containers"][1]["command"] == J(R"(["true"])"));
  }
  SECTION("a container added by patch carries no directives or nulls") {
    json out = MustPatch(d, R"({"spec":{"template":{"spec":{"containers":[
      {"name":"new","image":"x","env":[{"name":"E","value":"1"},{"$patch":"delete","name":"Z"}],
       "resources":{"limits":null},"ports":[{"containerPort":1}]}]}}}})",
                         "Deployment");
    const json& cs = out["spec"]["template"]["spec"]["containers"];
    REQUIRE(cs.size() == 3);
    CHECK(cs[0] == J(R"({"name":"new","image":"x","env":[{"name":"E","value":"1"}],"resources":{},
                         "ports":[{"containerPort":1}]})"));
  }
}

TEST_CASE("smp: metadata lists: finalizers as a set, ownerReferences by uid", "[patch]") {
  json pod = J(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","finalizers":["a","b"],
    "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs","uid":"u1","controller":true}]},
    "spec":{"containers":[{"name":"c","image":"i"}],"hostAliases":[{"ip":"1.2.3.4","hostnames":["a"]}]}})");
  SECTION("finalizers merge without duplicates") {
    json out = MustPatch(pod, R"({"metadata":{"finalizers":["b","c"]}})", "Pod");
    CHECK(out["metadata"]["finalizers"] == J(R"(["a","b","c"])"));
  }
  SECTION("$deleteFromPrimitiveList removes finalizers") {
    json out = MustPatch(pod, R"({"metadata":{"$deleteFromPrimitiveList/finalizers":["a","zzz"]}})",
                         "Pod");
    CHECK(out["metadata"]["finalizers"] == J(R"(["b"])"));
  }
  SECTION("$setElementOrder orders a primitive merge list") {
    json out = MustPatch(
        pod, R"({"metadata":{"$setElementOrder/finalizers":["c","b","a"],"finalizers":["c"]}})",
        "Pod");
    CHECK(out["metadata"]["finalizers"] == J(R"(["c","b","a"])"));
  }
  SECTION("ownerReferences merge by uid") {
    json out =
        MustPatch(pod, R"({"metadata":{"ownerReferences":[{"uid":"u1","blockOwnerDeletion":true},
      {"apiVersion":"v1","kind":"Node","name":"n","uid":"u2"}]}})",
                  "Pod");
    const json& refs = out["metadata"]["ownerReferences"];
    REQUIRE(refs.size() == 2);
    CHECK(refs[0]["name"] == "rs");
    CHECK(refs[0]["blockOwnerDeletion"] == true);
    CHECK(refs[1]["uid"] == "u2");
  }
  SECTION("hostAliases merge by ip") {
    json out =
        MustPatch(pod, R"({"spec":{"hostAliases":[{"ip":"1.2.3.4","hostnames":["b"]}]}})", "Pod");
    CHECK(out["spec"]["hostAliases"] == J(R"([{"ip":"1.2.3.4","hostnames":["b"]}])"));
  }
  SECTION("pod status conditions merge by type") {
    json p = pod;
    p["status"] = J(R"({"phase":"Running","conditions":[{"type":"Ready","status":"False"},
                                                       {"type":"PodScheduled","status":"True"}]})");
    json out =
        MustPatch(p, R"({"status":{"conditions":[{"type":"Ready","status":"True"}]}})", "Pod");
    CHECK(out["status"]["conditions"] ==
          J(R"([{"type":"Ready","status":"True"},{"type":"PodScheduled","status":"True"}])"));
  }
}

TEST_CASE("smp: $patch replace, delete and merge", "[patch]") {
  json d = WebDeployment();
  SECTION("$patch: replace on a map replaces it") {
    json out =
        MustPatch(d, R"({"spec":{"selector":{"$patch":"replace","matchLabels":{"tier":"x"}}}})",
                  "Deployment");
    CHECK(out["spec"]["selector"] == J(R"({"matchLabels":{"tier":"x"}})"));
  }
  SECTION("$patch: replace in a list replaces the whole list") {
    json out = MustPatch(d, R"({"spec":{"template":{"spec":{"containers":[
      {"$patch":"replace"},{"name":"only","image":"x"}]}}}})",
                         "Deployment");
    CHECK(out["spec"]["template"]["spec"]["containers"] == J(R"([{"name":"only","image":"x"}])"));
  }
  SECTION("$patch: delete on a map removes it") {
    json out = MustPatch(d, R"({"spec":{"strategy":{"$patch":"delete"}}})", "Deployment");
    CHECK_FALSE(out["spec"].contains("strategy"));
    CHECK(out["spec"]["replicas"] == 2);
  }
  SECTION("$patch: merge is the default") {
    json out = MustPatch(
        d, R"({"spec":{"selector":{"$patch":"merge","matchLabels":{"tier":"x"}}}})", "Deployment");
    CHECK(out["spec"]["selector"] == J(R"({"matchLabels":{"app":"web","tier":"x"}})"));
  }
  SECTION("$retainKeys clears the keys it does not list") {
    json out = MustPatch(d, R"({"spec":{"strategy":{"$retainKeys":["rollingUpdate","type"],
                                                    "rollingUpdate":{"maxSurge":1}}}})",
                         "Deployment");
    CHECK(out["spec"]["strategy"] ==
          J(R"({"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":"25%"}})"));
    json out2 = MustPatch(d, R"({"spec":{"strategy":{"$retainKeys":["type"]}}})", "Deployment");
    CHECK(out2["spec"]["strategy"] == J(R"({"type":"RollingUpdate"})"));
  }
}

TEST_CASE("smp: malformed patches are BadRequest naming the path", "[patch]") {
  json d = WebDeployment();
  struct Case {
    const char* patch;
    const char* fragment;
  };
  const Case cases[] = {
      {R"({"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}})",
       "spec.template.spec.containers[0]: missing merge key \"name\""},
      {R"({"spec":{"template":{"spec":{"containers":[{"$patch":"delete"}]}}}})",
       "spec.template.spec.containers[0]: missing merge key"},
      {R"({"spec":{"strategy":{"$patch":"explode"}}})",
       "spec.strategy.$patch: unknown patch directive"},
      {R"({"spec":{"template":{"spec":{"containers":[{"name":"main","$patch":"sideways"}]}}}})",
       "spec.template.spec.containers[0].$patch"},
      {R"({"spec":{"strategy":{"$retainKeys":"type"}}})",
       "spec.strategy.$retainKeys: must be a list"},
      {R"({"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":{}}}})", "\"rollingUpdate\""},
      {R"({"spec":{"template":{"spec":{"$setElementOrder/containers":{"name":"main"}}}}})",
       "spec.template.spec.$setElementOrder/containers: must be a list"},
      {R"({"spec":{"template":{"spec":{"$setElementOrder/containers":[{"image":"x"}]}}}})",
       "$setElementOrder/containers[0]: missing merge key"},
      {R"({"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"main"}],
           "containers":[{"name":"main","image":"a"},{"name":"sidecar","image":"b"}]}}}})",
       "not in the order"},
      {R"({"metadata":{"$deleteFromPrimitiveList/finalizers":"a"}})",
       "metadata.$deleteFromPrimitiveList/finalizers"},
      {R"({"metadata":{"$bogus":1}})", "metadata.$bogus: unknown patch directive"},
      {R"({"metadata":{"finalizers":["a",{"b":1}]}})", "metadata.finalizers: list element types"},
      {R"({"metadata":{"finalizers":[["a"]]}})", "lists of lists"},
      {R"([1,2])", "must be a JSON object"},
  };
  for (const Case& c : cases) {
    Status s = MustFail(d, c.patch, "Deployment");
    INFO(c.patch << " -> " << s.ToString());
    CHECK(s.code() == Code::kBadRequest);
    CHECK(s.message().find(c.fragment) != std::string::npos);
  }
}

TEST_CASE("smp: an original without the patched parents gets them", "[patch]") {
  json out = MustPatch(J(R"({"metadata":{"name":"x"}})"),
                       R"({"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"a"}],
                           "containers":[{"name":"a","image":"i","env":[{"$patch":"delete","name":"Q"}]}]}}}})",
                       "Deployment");
  CHECK(
      out ==
      J(R"({"metadata":{"name":"x"},"spec":{"template":{"spec":{"containers":[{"name":"a","image":"i","env":[]}]}}}})"));
}

}  // namespace
}  // namespace skiff::api
