// Pod validation: create rules with exact paths and types, and update rules.
#include <catch2/catch.hpp>

#include "api/defaults/defaults.h"
#include "api/validation/validation.h"
#include "tests/api/validation_fixtures.h"

namespace skiff::api {
namespace {

using nlohmann::json;

using testing::Dump;
using testing::Has;
using testing::Kind;
using testing::ValidPod;
using T = FieldErrorType;

FieldErrors ValidatePod(const json& pod) { return Validate(Kind("Pod"), pod); }

TEST_CASE("a realistic pod is valid before and after defaulting", "[validation][pod]") {
  json pod = ValidPod();
  FieldErrors errs = ValidatePod(pod);
  INFO(Dump(errs));
  CHECK(errs.empty());
  ApplyDefaults(Kind("Pod"), pod);
  errs = ValidatePod(pod);
  INFO(Dump(errs));
  CHECK(errs.empty());
}

TEST_CASE("pod metadata rules", "[validation][pod]") {
  json pod = ValidPod();
  pod["metadata"].erase("name");
  FieldErrors errs = ValidatePod(pod);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].ToString() == "metadata.name: Required value: name or generateName is required");
  CHECK(errs[0].Reason() == "FieldValueRequired");

  pod["metadata"]["generateName"] = "web-";
  CHECK(ValidatePod(pod).empty());

  pod = ValidPod();
  pod["metadata"].erase("namespace");
  errs = ValidatePod(pod);
  CHECK(Has(errs, T::kRequired, "metadata.namespace"));

  pod = ValidPod();
  pod["metadata"]["name"] = "Web_0";
  errs = ValidatePod(pod);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].type == T::kInvalid);
  CHECK(errs[0].field == "metadata.name");
  CHECK(errs[0].value == "\"Web_0\"");

  // Pod names are subdomains: dots are fine.
  pod["metadata"]["name"] = "web.0";
  CHECK(ValidatePod(pod).empty());
}

TEST_CASE("pod spec rules, table driven", "[validation][pod]") {
  struct Case {
    const char* name;
    const char* patch;  // a JSON merge patch applied to ValidPod()
    T type;
    const char* field;
  };
  const Case cases[] = {
      {"no containers", R"({"spec":{"containers":[]}})", T::kRequired, "spec.containers"},
      {"container name missing", R"({"spec":{"containers":[{"image":"nginx"}]}})", T::kRequired,
       "spec.containers[0].name"},
      {"container name not a label", R"({"spec":{"containers":[{"name":"Web","image":"nginx"}]}})",
       T::kInvalid, "spec.containers[0].name"},
      {"image missing", R"({"spec":{"containers":[{"name":"web"}]}})", T::kRequired,
       "spec.containers[0].image"},
      {"duplicate container name",
       R"({"spec":{"containers":[{"name":"a","image":"x"},{"name":"a","image":"x"}]}})",
       T::kDuplicate, "spec.containers[1].name"},
      {"init container shares a name",
       R"({"spec":{"initContainers":[{"name":"nginx","image":"x"}]}})", T::kDuplicate,
       "spec.initContainers[0].name"},
      {"port zero",
       R"({"spec":{"containers":[{"name":"a","image":"x","ports":[{"containerPort":0}]}]}})",
       T::kRequired, "spec.containers[0].ports[0].containerPort"},
      {"port too big",
       R"({"spec":{"containers":[{"name":"a","image":"x","ports":[{"containerPort":70000}]}]}})",
       T::kInvalid, "spec.containers[0].ports[0].containerPort"},
      {"port name too long",
       R"({"spec":{"containers":[{"name":"a","image":"x","ports":[{"name":"abcdefghijklmnop","containerPort":80}]}]}})",
       T::kInvalid, "spec.containers[0].ports[0].name"},
      {"duplicate port name",
       R"({"spec":{"containers":[{"name":"a","image":"x","ports":[{"name":"http","containerPort":80},{"name":"http","containerPort":81}]}]}})",
       T::kDuplicate, "spec.containers[0].ports[1].name"},
      {"bad protocol",
       R"({"spec":{"containers":[{"name":"a","image":"x","ports":[{"containerPort":80,"protocol":"HTTP"}]}]}})",
       T::kNotSupported, "spec.containers[0].ports[0].protocol"},
      {"env name with =",
       R"({"spec":{"containers":[{"name":"a","image":"x","env":[{"name":"A=B","value":"1"}]}]}})",
       T::kInvalid, "spec.containers[0].env[0].name"},
      {"env name missing",
       R"({"spec":{"containers":[{"name":"a","image":"x","env":[{"value":"1"}]}]}})", T::kRequired,
       "spec.containers[0].env[0].name"},
      {"env valueFrom empty",
       R"({"spec":{"containers":[{"name":"a","image":"x","env":[{"name":"A","valueFrom":{}}]}]}})",
       T::kInvalid, "spec.containers[0].env[0].valueFrom"},
      {"env fieldRef unsupported",
       R"({"spec":{"containers":[{"name":"a","image":"x","env":[{"name":"A","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"spec.bogus"}}}]}]}})",
       T::kNotSupported, "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath"},
      {"request above limit",
       R"({"spec":{"containers":[{"name":"a","image":"x","resources":{"requests":{"cpu":"2"},"limits":{"cpu":"500m"}}}]}})",
       T::kInvalid, "spec.containers[0].resources.requests[cpu]"},
      {"negative quantity",
       R"({"spec":{"containers":[{"name":"a","image":"x","resources":{"limits":{"memory":"-1Mi"}}}]}})",
       T::kInvalid, "spec.containers[0].resources.limits[memory]"},
      {"malformed quantity",
       R"({"spec":{"containers":[{"name":"a","image":"x","resources":{"limits":{"memory":"lots"}}}]}})",
       T::kInvalid, "spec.containers[0].resources.limits[memory]"},
      {"mount of unknown volume",
       R"({"spec":{"containers":[{"name":"a","image":"x","volumeMounts":[{"name":"nope","mountPath":"/x"}]}]}})",
       T::kNotFound, "spec.containers[0].volumeMounts[0].name"},
      {"mount path missing",
       R"({"spec":{"containers":[{"name":"a","image":"x","volumeMounts":[{"name":"data"}]}]}})",
       T::kRequired, "spec.containers[0].volumeMounts[0].mountPath"},
      {"duplicate volume",
       R"({"spec":{"volumes":[{"name":"data","emptyDir":{}},{"name":"data","emptyDir":{}}]}})",
       T::kDuplicate, "spec.volumes[1].name"},
      {"volume name not a label", R"({"spec":{"volumes":[{"name":"Data","emptyDir":{}}]}})",
       T::kInvalid, "spec.volumes[0].name"},
      {"volume with no source", R"({"spec":{"volumes":[{"name":"data"}]}})", T::kRequired,
       "spec.volumes[0]"},
      {"volume with two sources",
       R"({"spec":{"volumes":[{"name":"data","emptyDir":{},"hostPath":{"path":"/x"}}]}})",
       T::kForbidden, "spec.volumes[0].emptyDir"},
      {"secret volume mode",
       R"({"spec":{"volumes":[{"name":"s","secret":{"secretName":"s","defaultMode":512}}]}})",
       T::kInvalid, "spec.volumes[0].secret.defaultMode"},
      {"bad restartPolicy", R"({"spec":{"restartPolicy":"Sometimes"}})", T::kNotSupported,
       "spec.restartPolicy"},
      {"bad dnsPolicy", R"({"spec":{"dnsPolicy":"Google"}})", T::kNotSupported, "spec.dnsPolicy"},
      {"dnsPolicy None without config", R"({"spec":{"dnsPolicy":"None"}})", T::kRequired,
       "spec.dnsConfig"},
      {"probe with two handlers",
       R"({"spec":{"containers":[{"name":"a","image":"x","livenessProbe":{"exec":{"command":["true"]},"tcpSocket":{"port":80}}}]}})",
       T::kForbidden, "spec.containers[0].livenessProbe.tcpSocket"},
      {"probe with no handler",
       R"({"spec":{"containers":[{"name":"a","image":"x","readinessProbe":{"periodSeconds":3}}]}})",
       T::kRequired, "spec.containers[0].readinessProbe"},
      {"liveness successThreshold",
       R"({"spec":{"containers":[{"name":"a","image":"x","livenessProbe":{"exec":{"command":["true"]},"successThreshold":2}}]}})",
       T::kInvalid, "spec.containers[0].livenessProbe.successThreshold"},
      {"negative grace period", R"({"spec":{"terminationGracePeriodSeconds":-1}})", T::kInvalid,
       "spec.terminationGracePeriodSeconds"},
      {"zero activeDeadlineSeconds", R"({"spec":{"activeDeadlineSeconds":0}})", T::kInvalid,
       "spec.activeDeadlineSeconds"},
      {"bad toleration operator", R"({"spec":{"tolerations":[{"key":"k","operator":"Maybe"}]}})",
       T::kNotSupported, "spec.tolerations[0].operator"},
      {"bad node selector key", R"({"spec":{"nodeSelector":{"-bad":"x"}}})", T::kInvalid,
       "spec.nodeSelector"},
      {"init container probe",
       R"({"spec":{"initContainers":[{"name":"i","image":"x","readinessProbe":{"exec":{"command":["true"]}}}]}})",
       T::kForbidden, "spec.initContainers[0].readinessProbe"},
      {"wrong type for containers", R"({"spec":{"containers":"nginx"}})", T::kTypeInvalid,
       "spec.containers"},
  };
  for (const Case& c : cases) {
    json pod = ValidPod();
    pod.merge_patch(json::parse(c.patch));
    FieldErrors errs = ValidatePod(pod);
    INFO(c.name << "\n" << Dump(errs));
    CHECK(Has(errs, c.type, c.field));
  }
}

TEST_CASE("pod error messages read like the API server's", "[validation][pod]") {
  json pod = ValidPod();
  pod["spec"]["containers"] = json::parse(R"([{"image":"nginx"}])");
  FieldErrors errs = ValidatePod(pod);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].ToString() == "spec.containers[0].name: Required value");
  CHECK(ToInvalidStatus("Pod", "web-0", errs).message() ==
        "Pod \"web-0\" is invalid: spec.containers[0].name: Required value");

  pod = ValidPod();
  pod["spec"]["restartPolicy"] = "Sometimes";
  errs = ValidatePod(pod);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].ToString() ==
        "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", "
        "\"OnFailure\", \"Never\"");

  pod = ValidPod();
  pod["spec"]["containers"][0]["resources"] =
      json::parse(R"({"requests":{"cpu":"2"},"limits":{"cpu":"0.5"}})");
  errs = ValidatePod(pod);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].ToString() ==
        "spec.containers[0].resources.requests[cpu]: Invalid value: \"2\": must be less than or "
        "equal to cpu limit of 500m");

  pod = ValidPod();
  pod["spec"]["containers"][0]["ports"][0]["containerPort"] = 70000;
  errs = ValidatePod(pod);
  REQUIRE(errs.size() == 1);
  CHECK(errs[0].ToString() ==
        "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and "
        "65535, inclusive");
}

TEST_CASE("every pod problem is reported at once", "[validation][pod]") {
  json pod = json::parse(R"({
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "Bad_Name", "labels": {"-k": "v"}},
    "spec": {
      "containers": [{"name": "a", "ports": [{"containerPort": 0}]},
                     {"name": "a", "image": "x", "volumeMounts": [{"name": "v", "mountPath": "/v"}]}],
      "restartPolicy": "Sometimes"
    }
  })");
  FieldErrors errs = ValidatePod(pod);
  INFO(Dump(errs));
  CHECK(Has(errs, T::kInvalid, "metadata.name"));
  CHECK(Has(errs, T::kRequired, "metadata.namespace"));
  CHECK(Has(errs, T::kInvalid, "metadata.labels"));
  CHECK(Has(errs, T::kRequired, "spec.containers[0].image"));
  CHECK(Has(errs, T::kRequired, "spec.containers[0].ports[0].containerPort"));
  CHECK(Has(errs, T::kDuplicate, "spec.containers[1].name"));
  CHECK(Has(errs, T::kNotFound, "spec.containers[1].volumeMounts[0].name"));
  CHECK(Has(errs, T::kNotSupported, "spec.restartPolicy"));
  CHECK(errs.size() == 8);
}

TEST_CASE("validation never throws on wrongly typed members", "[validation][pod]") {
  const char* bad[] = {
      R"({"metadata": 5, "spec": []})",
      R"({"metadata": {"name": 7, "namespace": ["x"], "labels": "x", "annotations": [1]}})",
      R"({"metadata": {"name": "a", "namespace": "b"}, "spec": {"containers": [5, null, {"name": 1, "image": {}, "ports": {}, "env": 3, "resources": {"limits": {"cpu": true}}, "volumeMounts": [1]}]}})",
      R"({"metadata": {"name": "a", "namespace": "b"}, "spec": {"volumes": [1, {"name": 2, "secret": 3}], "tolerations": {}, "containers": [{"name": "a", "image": "x", "livenessProbe": 1}]}})",
  };
  for (const char* text : bad) {
    json pod = json::parse(text);
    for (const auto& kind : AllKinds()) {
      INFO(kind.kind << " " << text);
      json copy = pod;
      CHECK_NOTHROW(ApplyDefaults(kind, copy));
      CHECK_NOTHROW(Validate(kind, copy));
      CHECK_NOTHROW(ValidateUpdate(kind, copy, pod));
    }
  }
  CHECK_NOTHROW(Validate(Kind("Pod"), json("a string")));
  CHECK_FALSE(Validate(Kind("Pod"), json::array()).empty());
}

TEST_CASE("pod updates may only change images and a few fields", "[validation][pod]") {
  json old = ValidPod();
  ApplyDefaults(Kind("Pod"), old);
  old["metadata"]["uid"] = "1234";
  old["metadata"]["creationTimestamp"] = "2026-01-01T00:00:00Z";

  SECTION("image change is fine") {
    json updated = old;
    updated["spec"]["containers"][0]["image"] = "nginx:1.28";
    updated["spec"]["initContainers"][0]["image"] = "busybox:1.37";
    updated["metadata"]["labels"]["extra"] = "yes";
    FieldErrors errs = ValidateUpdate(Kind("Pod"), updated, old);
    INFO(Dump(errs));
    CHECK(errs.empty());
  }
  SECTION("adding a toleration and lowering activeDeadlineSeconds is fine") {
    json updated = old;
    updated["spec"]["tolerations"].push_back(json{{"key", "x"}, {"operator", "Exists"}});
    updated["spec"]["activeDeadlineSeconds"] = 100;
    FieldErrors errs = ValidateUpdate(Kind("Pod"), updated, old);
    INFO(Dump(errs));
    CHECK(errs.empty());
  }
  SECTION("changing a port is forbidden with upstream's message") {
    json updated = old;
    updated["spec"]["containers"][0]["ports"][0]["containerPort"] = 8080;
    FieldErrors errs = ValidateUpdate(Kind("Pod"), updated, old);
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].type == T::kForbidden);
    CHECK(errs[0].field == "spec");
    CHECK(errs[0].ToString().rfind(
              "spec: Forbidden: pod updates may not change fields other than "
              "`spec.containers[*].image`,`spec.initContainers[*].image`,"
              "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing "
              "tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it "
              "was previously negative)",
              0) == 0);
  }
  SECTION("removing a toleration is forbidden") {
    json updated = old;
    updated["spec"]["tolerations"] = json::array();
    FieldErrors errs = ValidateUpdate(Kind("Pod"), updated, old);
    INFO(Dump(errs));
    CHECK(Has(errs, T::kForbidden, "spec.tolerations"));
  }
  SECTION("clearing an image is required") {
    json updated = old;
    updated["spec"]["containers"][0]["image"] = "";
    FieldErrors errs = ValidateUpdate(Kind("Pod"), updated, old);
    INFO(Dump(errs));
    CHECK(Has(errs, T::kRequired, "spec.containers[0].image"));
  }
  SECTION("raising activeDeadlineSeconds is invalid") {
    old["spec"]["activeDeadlineSeconds"] = 50;
    json updated = old;
    updated["spec"]["activeDeadlineSeconds"] = 60;
    FieldErrors errs = ValidateUpdate(Kind("Pod"), updated, old);
    INFO(Dump(errs));
    CHECK(Has(errs, T::kInvalid, "spec.activeDeadlineSeconds"));
  }
  SECTION("immutable metadata") {
    json updated = old;
    updated["metadata"]["uid"] = "5678";
    updated["metadata"]["namespace"] = "other";
    updated["metadata"]["creationTimestamp"] = "2027-01-01T00:00:00Z";
    FieldErrors errs = ValidateUpdate(Kind("Pod"), updated, old);
    INFO(Dump(errs));
    CHECK(Has(errs, T::kInvalid, "metadata.uid"));
    CHECK(Has(errs, T::kInvalid, "metadata.namespace"));
    CHECK(Has(errs, T::kInvalid, "metadata.creationTimestamp"));
    const FieldError* e = testing::Find(errs, "metadata.uid");
    REQUIRE(e);
    CHECK(e->ToString() == "metadata.uid: Invalid value: \"5678\": field is immutable");
  }
}

}  // namespace
}  // namespace skiff::api
