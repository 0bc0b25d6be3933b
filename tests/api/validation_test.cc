// Validation of Service, Deployment, ReplicaSet, ConfigMap, Secret, Namespace,
// Node, Endpoints, Event, ServiceAccount and Lease; create and update rules.
#include "api/validation/validation.h"

#include <catch2/catch.hpp>
#include <string>

#include "api/defaults/defaults.h"
#include "tests/api/validation_fixtures.h"

namespace skiff::api {
namespace {

using nlohmann::json;

using testing::Dump;
using testing::Has;
using testing::Kind;
using T = FieldErrorType;

struct Case {
  const char* name;
  const char* patch;  // JSON merge patch on the valid object
  T type;
  const char* field;
};

// Applies each patch to `valid` and checks the expected error is reported.
void RunCases(const char* kind, const json& valid, std::initializer_list<Case> cases) {
  for (const Case& c : cases) {
    json obj = valid;
    obj.merge_patch(json::parse(c.patch));
    FieldErrors errs = Validate(Kind(kind), obj);
    INFO(kind << ": " << c.name << "\n" << Dump(errs));
    CHECK(Has(errs, c.type, c.field));
  }
}

void CheckValid(const char* kind, json obj) {
  FieldErrors errs = Validate(Kind(kind), obj);
  INFO(kind << " before defaulting\n" << Dump(errs));
  CHECK(errs.empty());
  ApplyDefaults(Kind(kind), obj);
  errs = Validate(Kind(kind), obj);
  INFO(kind << " after defaulting: " << obj.dump() << "\n" << Dump(errs));
  CHECK(errs.empty());
}

json Parse(const char* text) { return json::parse(text); }

const char* kConfigMap = R"({"apiVersion":"v1","kind":"ConfigMap",
  "metadata":{"name":"web-config","namespace":"default"},
  "data":{"nginx.conf":"server {}","MODE":"prod"},"binaryData":{"logo.png":"iVBORw0KGgo="}})";
const char* kSecret = R"({"apiVersion":"v1","kind":"Secret",
  "metadata":{"name":"db","namespace":"default"},"type":"Opaque",
  "data":{"password":"c2VjcmV0"},"stringData":{"user":"admin"}})";
const char* kNamespace = R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a"}})";
const char* kNode = R"({"apiVersion":"v1","kind":"Node","metadata":{"name":"node-1.example.com",
  "labels":{"kubernetes.io/hostname":"node-1"}},
  "spec":{"podCIDR":"10.244.1.0/24","podCIDRs":["10.244.1.0/24"],
          "taints":[{"key":"node-role.kubernetes.io/control-plane","effect":"NoSchedule"}]},
  "status":{"capacity":{"cpu":"4","memory":"8Gi","pods":"110"},
            "addresses":[{"type":"InternalIP","address":"192.168.1.10"}]}})";
const char* kEndpoints = R"({"apiVersion":"v1","kind":"Endpoints",
  "metadata":{"name":"web","namespace":"default"},
  "subsets":[{"addresses":[{"ip":"10.244.1.5","nodeName":"node-1","targetRef":{"kind":"Pod","name":"web-0"}}],
              "notReadyAddresses":[{"ip":"10.244.1.6"}],
              "ports":[{"name":"http","port":80,"protocol":"TCP"},{"name":"https","port":443}]}]})";
const char* kEvent = R"({"apiVersion":"v1","kind":"Event",
  "metadata":{"name":"web-0.17a2b3c4d5e6f7a8","namespace":"default"},
  "involvedObject":{"kind":"Pod","namespace":"default","name":"web-0"},
  "reason":"Scheduled","message":"assigned","type":"Normal","count":1})";
const char* kServiceAccount = R"({"apiVersion":"v1","kind":"ServiceAccount",
  "metadata":{"name":"builder","namespace":"ci"},"imagePullSecrets":[{"name":"regcred"}]})";
const char* kLease = R"({"apiVersion":"coordination.k8s.io/v1","kind":"Lease",
  "metadata":{"name":"skiff-controllers","namespace":"kube-system"},
  "spec":{"holderIdentity":"host-a_1234","leaseDurationSeconds":15,"leaseTransitions":2}})";

TEST_CASE("realistic objects of every kind are valid", "[validation]") {
  CheckValid("Pod", testing::ValidPod());
  CheckValid("Service", testing::ValidService());
  CheckValid("Deployment", testing::ValidDeployment());
  CheckValid("ReplicaSet", testing::ValidReplicaSet());
  CheckValid("ConfigMap", Parse(kConfigMap));
  CheckValid("Secret", Parse(kSecret));
  CheckValid("Namespace", Parse(kNamespace));
  CheckValid("Node", Parse(kNode));
  CheckValid("Endpoints", Parse(kEndpoints));
  CheckValid("Event", Parse(kEvent));
  CheckValid("ServiceAccount", Parse(kServiceAccount));
  CheckValid("Lease", Parse(kLease));
  CheckValid("Service", Parse(R"({"metadata":{"name":"db","namespace":"x"},
    "spec":{"clusterIP":"None","selector":{"app":"db"}}})"));
  CheckValid("Service", Parse(R"({"metadata":{"name":"ext","namespace":"x"},
    "spec":{"type":"ExternalName","externalName":"db.example.com."}})"));
  CheckValid("Service", Parse(R"({"metadata":{"name":"np","namespace":"x"},
    "spec":{"type":"NodePort","ports":[{"port":80,"nodePort":30080}],"clusterIP":"10.96.0.10"}})"));
}

TEST_CASE("metadata scope and name rules per kind", "[validation]") {
  // Cluster-scoped kinds may not have a namespace.
  json ns = Parse(kNamespace);
  ns["metadata"]["namespace"] = "default";
  FieldErrors errs = Validate(Kind("Namespace"), ns);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].ToString() == "metadata.namespace: Forbidden: not allowed on this type");
  // Namespace names are DNS labels, Node names subdomains, Service names DNS-1035 labels.
  ns = Parse(kNamespace);
  ns["metadata"]["name"] = "team.a";
  errs = Validate(Kind("Namespace"), ns);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].ToString() == "metadata.name: Invalid value: \"team.a\": must not contain dots");
  json svc = testing::ValidService();
  svc["metadata"]["name"] = "1web";
  CHECK(Has(Validate(Kind("Service"), svc), T::kInvalid, "metadata.name"));
  json node = Parse(kNode);
  node["metadata"]["name"] = "node-1.example.com";
  CHECK(Validate(Kind("Node"), node).empty());
  // Required name renders with upstream's detail.
  json cm = Parse(kConfigMap);
  cm["metadata"].erase("name");
  errs = Validate(Kind("ConfigMap"), cm);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].ToString() == "metadata.name: Required value: name or generateName is required");
}

TEST_CASE("generateName is checked with its trailing dash tolerated", "[validation]") {
  json cm = Parse(kConfigMap);
  cm["metadata"].erase("name");
  cm["metadata"]["generateName"] = "web-config-";
  CHECK(Validate(Kind("ConfigMap"), cm).empty());
  cm["metadata"]["generateName"] = "Web-";
  FieldErrors errs = Validate(Kind("ConfigMap"), cm);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].field == "metadata.generateName");
  CHECK(errs[0].type == T::kInvalid);
}

TEST_CASE("new-style events need their reporting fields", "[validation]") {
  json ev = Parse(kEvent);
  ev["eventTime"] = "2026-01-01T00:00:00.000000Z";
  FieldErrors errs = Validate(Kind("Event"), ev);
  INFO(Dump(errs));
  CHECK(Has(errs, T::kRequired, "reportingComponent"));
  CHECK(Has(errs, T::kRequired, "reportingInstance"));
  CHECK(Has(errs, T::kRequired, "action"));
  ev["reportingComponent"] = "skiff.io/scheduler";
  ev["reportingInstance"] = "host-a";
  ev["action"] = "Binding";
  errs = Validate(Kind("Event"), ev);
  INFO(Dump(errs));
  CHECK(errs.empty());
}

TEST_CASE("labels, annotations, owner references", "[validation]") {
  RunCases(
      "ConfigMap", Parse(kConfigMap),
      {{"bad label key", R"({"metadata":{"labels":{"a/b/c":"x"}}})", T::kInvalid,
        "metadata.labels"},
       {"bad label value", R"({"metadata":{"labels":{"a":"-x"}}})", T::kInvalid, "metadata.labels"},
       {"bad annotation key", R"({"metadata":{"annotations":{"/x":"y"}}})", T::kInvalid,
        "metadata.annotations"},
       {"owner reference without uid",
        R"({"metadata":{"ownerReferences":[{"apiVersion":"v1","kind":"Pod","name":"p"}]}})",
        T::kInvalid, "metadata.ownerReferences.uid"},
       {"negative generation", R"({"metadata":{"generation":-1}})", T::kInvalid,
        "metadata.generation"}});
  json cm = Parse(kConfigMap);
  cm["metadata"]["annotations"]["example.com/big"] = std::string(256 * 1024, 'x');
  FieldErrors errs = Validate(Kind("ConfigMap"), cm);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].ToString() == "metadata.annotations: Too long: may not be more than 262144 bytes");
  // Uppercase annotation keys are fine (checked lower-cased), unlike label prefixes.
  cm = Parse(kConfigMap);
  cm["metadata"]["annotations"] = {{"Example.COM/Key", "v"}};
  CHECK(Validate(Kind("ConfigMap"), cm).empty());
}

TEST_CASE("service rules", "[validation][service]") {
  RunCases(
      "Service", testing::ValidService(),
      {{"no ports", R"({"spec":{"ports":[]}})", T::kRequired, "spec.ports"},
       {"port zero", R"({"spec":{"ports":[{"port":0}]}})", T::kInvalid, "spec.ports[0].port"},
       {"name required when several", R"({"spec":{"ports":[{"port":80},{"name":"b","port":81}]}})",
        T::kRequired, "spec.ports[0].name"},
       {"duplicate name", R"({"spec":{"ports":[{"name":"a","port":80},{"name":"a","port":81}]}})",
        T::kDuplicate, "spec.ports[1].name"},
       {"bad protocol", R"({"spec":{"ports":[{"port":80,"protocol":"ICMP"}]}})", T::kNotSupported,
        "spec.ports[0].protocol"},
       {"bad target port name", R"({"spec":{"ports":[{"port":80,"targetPort":"HTTP_PORT"}]}})",
        T::kInvalid, "spec.ports[0].targetPort"},
       {"bad target port number", R"({"spec":{"ports":[{"port":80,"targetPort":70000}]}})",
        T::kInvalid, "spec.ports[0].targetPort"},
       {"bad type", R"({"spec":{"type":"Public"}})", T::kNotSupported, "spec.type"},
       {"nodePort on ClusterIP", R"({"spec":{"ports":[{"port":80,"nodePort":30001}]}})",
        T::kForbidden, "spec.ports[0].nodePort"},
       {"nodePort out of range",
        R"({"spec":{"type":"NodePort","ports":[{"port":80,"nodePort":80}]}})", T::kInvalid,
        "spec.ports[0].nodePort"},
       {"bad clusterIP", R"({"spec":{"clusterIP":"10.96.0"}})", T::kInvalid, "spec.clusterIP"},
       {"bad selector", R"({"spec":{"selector":{"app":"-x"}}})", T::kInvalid, "spec.selector"},
       {"bad session affinity", R"({"spec":{"sessionAffinity":"Cookie"}})", T::kNotSupported,
        "spec.sessionAffinity"},
       {"headless NodePort", R"({"spec":{"type":"NodePort","clusterIP":"None"}})", T::kInvalid,
        "spec.clusterIPs[0]"},
       {"ExternalName without name", R"({"spec":{"type":"ExternalName","ports":null}})",
        T::kRequired, "spec.externalName"},
       {"ClientIP timeout",
        R"({"spec":{"sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":0}}}})",
        T::kInvalid, "spec.sessionAffinityConfig.clientIP.timeoutSeconds"},
       {"affinity config with None",
        R"({"spec":{"sessionAffinity":"None","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":5}}}})",
        T::kForbidden, "spec.sessionAffinityConfig"},
       {"bad external IP", R"({"spec":{"externalIPs":["1.2.3"]}})", T::kInvalid,
        "spec.externalIPs[0]"},
       {"bad internalTrafficPolicy", R"({"spec":{"internalTrafficPolicy":"Nearby"}})",
        T::kNotSupported, "spec.internalTrafficPolicy"}});
  json svc = testing::ValidService();
  svc["spec"]["ports"][0]["port"] = 0;
  FieldErrors errs = Validate(Kind("Service"), svc);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].ToString() ==
        "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive");
  // Headless services need no ports.
  svc = testing::ValidService();
  svc["spec"]["ports"] = json::array();
  svc["spec"]["clusterIP"] = "None";
  CHECK(Validate(Kind("Service"), svc).empty());
}

TEST_CASE("service clusterIP is immutable once set", "[validation][service]") {
  json old = testing::ValidService();
  ApplyDefaults(Kind("Service"), old);
  old["spec"]["clusterIP"] = "10.96.0.10";
  old["spec"]["clusterIPs"] = {"10.96.0.10"};
  json updated = old;
  updated["spec"]["ports"][0]["port"] = 8080;
  CHECK(ValidateUpdate(Kind("Service"), updated, old).empty());
  updated["spec"]["clusterIP"] = "10.96.0.11";
  updated["spec"]["clusterIPs"] = {"10.96.0.11"};
  FieldErrors errs = ValidateUpdate(Kind("Service"), updated, old);
  INFO(Dump(errs));
  CHECK(Has(errs, T::kInvalid, "spec.clusterIP"));
  CHECK(Has(errs, T::kInvalid, "spec.clusterIPs[0]"));
  // Unless the type changes to ExternalName, which releases it.
  updated = old;
  updated["spec"] = Parse(R"({"type":"ExternalName","externalName":"x.example.com",
                              "sessionAffinity":"None"})");
  errs = ValidateUpdate(Kind("Service"), updated, old);
  INFO(Dump(errs));
  CHECK(errs.empty());
}

TEST_CASE("deployment rules", "[validation][apps]") {
  json valid = testing::ValidDeployment();
  ApplyDefaults(Kind("Deployment"), valid);
  RunCases(
      "Deployment", valid,
      {{"selector missing", R"({"spec":{"selector":null}})", T::kRequired, "spec.selector"},
       {"selector empty", R"({"spec":{"selector":{"matchLabels":null}}})", T::kInvalid,
        "spec.selector"},
       {"selector bad operator",
        R"({"spec":{"selector":{"matchExpressions":[{"key":"app","operator":"Near"}]}}})",
        T::kInvalid, "spec.selector.matchExpressions[0].operator"},
       {"In without values",
        R"({"spec":{"selector":{"matchExpressions":[{"key":"app","operator":"In"}]}}})",
        T::kRequired, "spec.selector.matchExpressions[0].values"},
       {"selector mismatch", R"({"spec":{"selector":{"matchLabels":{"app":"db"}}}})", T::kInvalid,
        "spec.template.metadata.labels"},
       {"negative replicas", R"({"spec":{"replicas":-1}})", T::kInvalid, "spec.replicas"},
       {"template restartPolicy", R"({"spec":{"template":{"spec":{"restartPolicy":"Never"}}}})",
        T::kNotSupported, "spec.template.spec.restartPolicy"},
       {"strategy type", R"({"spec":{"strategy":{"type":"BlueGreen","rollingUpdate":null}}})",
        T::kNotSupported, "spec.strategy"},
       {"both zero",
        R"({"spec":{"strategy":{"rollingUpdate":{"maxUnavailable":0,"maxSurge":"0%"}}}})",
        T::kInvalid, "spec.strategy.rollingUpdate.maxUnavailable"},
       {"bad percent", R"({"spec":{"strategy":{"rollingUpdate":{"maxSurge":"25"}}}})", T::kInvalid,
        "spec.strategy.rollingUpdate.maxSurge"},
       {"over 100%", R"({"spec":{"strategy":{"rollingUpdate":{"maxUnavailable":"150%"}}}})",
        T::kInvalid, "spec.strategy.rollingUpdate.maxUnavailable"},
       {"recreate with rollingUpdate", R"({"spec":{"strategy":{"type":"Recreate"}}})",
        T::kForbidden, "spec.strategy.rollingUpdate"},
       {"negative history", R"({"spec":{"revisionHistoryLimit":-1}})", T::kInvalid,
        "spec.revisionHistoryLimit"},
       {"negative minReady", R"({"spec":{"minReadySeconds":-1}})", T::kInvalid,
        "spec.minReadySeconds"},
       {"deadline not above minReady",
        R"({"spec":{"minReadySeconds":600,"progressDeadlineSeconds":600}})", T::kInvalid,
        "spec.progressDeadlineSeconds"},
       {"template container name",
        R"({"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}})", T::kRequired,
        "spec.template.spec.containers[0].name"},
       {"template activeDeadlineSeconds",
        R"({"spec":{"template":{"spec":{"activeDeadlineSeconds":5}}}})", T::kForbidden,
        "spec.template.spec.activeDeadlineSeconds"}});
  json d = valid;
  d["spec"]["selector"] = Parse(R"({"matchLabels":{"app":"x"}})");
  d["spec"]["template"]["metadata"]["labels"] = Parse(R"({"app":"y"})");
  FieldErrors errs = Validate(Kind("Deployment"), d);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].ToString() ==
        "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"y\"}: "
        "`selector` does not match template `labels`");
  // matchExpressions take part in the match.
  d = valid;
  d["spec"]["selector"] = Parse(
      R"({"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"NotIn","values":["frontend"]}]})");
  CHECK(Has(Validate(Kind("Deployment"), d), T::kInvalid, "spec.template.metadata.labels"));
  d["spec"]["selector"]["matchExpressions"][0]["operator"] = "In";
  CHECK(Validate(Kind("Deployment"), d).empty());
}

TEST_CASE("replicaset rules and apps selector immutability", "[validation][apps]") {
  json valid = testing::ValidReplicaSet();
  ApplyDefaults(Kind("ReplicaSet"), valid);
  RunCases("ReplicaSet", valid,
           {{"selector missing", R"({"spec":{"selector":null}})", T::kRequired, "spec.selector"},
            {"negative replicas", R"({"spec":{"replicas":-2}})", T::kInvalid, "spec.replicas"},
            {"selector mismatch", R"({"spec":{"template":{"metadata":{"labels":{"app":"x"}}}}})",
             T::kInvalid, "spec.template.metadata.labels"}});
  for (const char* kind : {"Deployment", "ReplicaSet"}) {
    json old = std::string(kind) == "Deployment" ? testing::ValidDeployment() : valid;
    ApplyDefaults(Kind(kind), old);
    json updated = old;
    updated["spec"]["replicas"] = 5;
    CHECK(ValidateUpdate(Kind(kind), updated, old).empty());
    updated["spec"]["selector"]["matchLabels"]["tier"] = "frontend";
    FieldErrors errs = ValidateUpdate(Kind(kind), updated, old);
    INFO(kind << "\n" << Dump(errs));
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].field == "spec.selector");
    CHECK(errs[0].detail == "field is immutable");
  }
}

TEST_CASE("configmap rules", "[validation][config]") {
  RunCases("ConfigMap", Parse(kConfigMap),
           {{"bad key", R"({"data":{"a/b":"x"}})", T::kInvalid, "data[a/b]"},
            {"dot-dot key", R"({"data":{"..x":"x"}})", T::kInvalid, "data[..x]"},
            {"key in both", R"({"data":{"logo.png":"x"}})", T::kInvalid, "data[logo.png]"},
            {"bad base64", R"({"binaryData":{"b":"!!!!"}})", T::kInvalid, "binaryData[b]"}});
  json cm = Parse(kConfigMap);
  cm["data"]["big"] = std::string(1024 * 1024, 'x');
  FieldErrors errs = Validate(Kind("ConfigMap"), cm);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].type == T::kTooLong);

  json old = Parse(kConfigMap);
  old["immutable"] = true;
  json updated = old;
  CHECK(ValidateUpdate(Kind("ConfigMap"), updated, old).empty());
  updated["data"]["MODE"] = "dev";
  updated["immutable"] = false;
  errs = ValidateUpdate(Kind("ConfigMap"), updated, old);
  INFO(Dump(errs));
  CHECK(Has(errs, T::kForbidden, "data"));
  CHECK(Has(errs, T::kForbidden, "immutable"));
  // A mutable ConfigMap may change freely.
  old.erase("immutable");
  updated.erase("immutable");
  CHECK(ValidateUpdate(Kind("ConfigMap"), updated, old).empty());
}

TEST_CASE("secret rules", "[validation][config]") {
  RunCases("Secret", Parse(kSecret),
           {{"bad base64", R"({"data":{"password":"not base64!"}})", T::kInvalid, "data[password]"},
            {"bad key", R"({"data":{"a b":"eA=="}})", T::kInvalid, "data[a b]"},
            {"tls without key", R"({"type":"kubernetes.io/tls","data":{"tls.crt":"eA=="}})",
             T::kRequired, "data[tls.key]"},
            {"basic auth without fields",
             R"({"type":"kubernetes.io/basic-auth","data":null,"stringData":null})", T::kRequired,
             "data[username]"},
            {"sa token without annotation", R"({"type":"kubernetes.io/service-account-token"})",
             T::kRequired, "metadata.annotations[kubernetes.io/service-account.name]"}});
  json s = Parse(kSecret);
  s["data"]["password"] = "c2VjcmV0!";
  FieldErrors errs = Validate(Kind("Secret"), s);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].ToString() ==
        "data[password]: Invalid value: \"<secret contents redacted>\": illegal base64 data at "
        "input byte 8");

  json old = Parse(kSecret);
  ApplyDefaults(Kind("Secret"), old);
  json updated = old;
  updated["type"] = "kubernetes.io/tls";
  updated["data"]["tls.crt"] = "eA==";
  updated["data"]["tls.key"] = "eA==";
  errs = ValidateUpdate(Kind("Secret"), updated, old);
  INFO(Dump(errs));
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].ToString() == "type: Invalid value: \"kubernetes.io/tls\": field is immutable");
  old["immutable"] = true;
  updated = old;
  updated["data"]["password"] = "bmV3";
  errs = ValidateUpdate(Kind("Secret"), updated, old);
  INFO(Dump(errs));
  CHECK(Has(errs, T::kForbidden, "data"));
}

TEST_CASE("namespace, node, endpoints, event, serviceaccount, lease rules", "[validation]") {
  RunCases(
      "Namespace", Parse(kNamespace),
      {{"bad finalizer", R"({"spec":{"finalizers":["foo"]}})", T::kNotSupported, "spec.finalizers"},
       {"bad phase", R"({"status":{"phase":"Gone"}})", T::kNotSupported, "status.phase"}});
  RunCases("Node", Parse(kNode),
           {{"bad taint effect", R"({"spec":{"taints":[{"key":"k","effect":"Never"}]}})",
             T::kNotSupported, "spec.taints[0].effect"},
            {"taint without key", R"({"spec":{"taints":[{"effect":"NoSchedule"}]}})", T::kRequired,
             "spec.taints[0].key"},
            {"bad pod CIDR", R"({"spec":{"podCIDR":"10.0.0.0/40"}})", T::kInvalid, "spec.podCIDR"},
            {"negative capacity", R"({"status":{"capacity":{"cpu":"-1"}}})", T::kInvalid,
             "status.capacity[cpu]"}});
  RunCases(
      "Endpoints", Parse(kEndpoints),
      {{"address not an IP", R"({"subsets":[{"addresses":[{"ip":"web-0"}]}]})", T::kInvalid,
        "subsets[0].addresses[0].ip"},
       {"loopback address", R"({"subsets":[{"addresses":[{"ip":"127.0.0.1"}]}]})", T::kInvalid,
        "subsets[0].addresses[0].ip"},
       {"no addresses", R"({"subsets":[{"ports":[{"port":80}]}]})", T::kRequired, "subsets[0]"},
       {"bad port", R"({"subsets":[{"addresses":[{"ip":"10.0.0.1"}],"ports":[{"port":0}]}]})",
        T::kInvalid, "subsets[0].ports[0].port"},
       {"unnamed among several",
        R"({"subsets":[{"addresses":[{"ip":"10.0.0.1"}],"ports":[{"port":1},{"name":"b","port":2}]}]})",
        T::kRequired, "subsets[0].ports[0].name"}});
  RunCases("Event", Parse(kEvent),
           {{"no involved object", R"({"involvedObject":null})", T::kRequired, "involvedObject"},
            {"namespace mismatch", R"({"involvedObject":{"namespace":"other"}})", T::kInvalid,
             "involvedObject.namespace"}});
  RunCases(
      "ServiceAccount", Parse(kServiceAccount),
      {{"pull secret without name", R"({"imagePullSecrets":[{}]})", T::kRequired,
        "imagePullSecrets[0].name"},
       {"no namespace", R"({"metadata":{"namespace":null}})", T::kRequired, "metadata.namespace"}});
  RunCases("Lease", Parse(kLease),
           {{"zero duration", R"({"spec":{"leaseDurationSeconds":0}})", T::kInvalid,
             "spec.leaseDurationSeconds"},
            {"negative transitions", R"({"spec":{"leaseTransitions":-1}})", T::kInvalid,
             "spec.leaseTransitions"},
            {"holder not a string", R"({"spec":{"holderIdentity":5}})", T::kTypeInvalid,
             "spec.holderIdentity"}});
}

TEST_CASE("update rules apply to immutable metadata of every kind", "[validation]") {
  for (const auto& kind : AllKinds()) {
    json old =
        Parse(R"({"metadata":{"name":"a","uid":"u1","creationTimestamp":"2026-01-01T00:00:00Z"}})");
    if (kind.namespaced) old["metadata"]["namespace"] = "ns";
    json updated = old;
    updated["metadata"]["name"] = "b";
    updated["metadata"]["uid"] = "u2";
    FieldErrors errs = ValidateUpdate(kind, updated, old);
    INFO(kind.kind << "\n" << Dump(errs));
    CHECK(Has(errs, T::kInvalid, "metadata.name"));
    CHECK(Has(errs, T::kInvalid, "metadata.uid"));
  }
}

}  // namespace
}  // namespace skiff::api
