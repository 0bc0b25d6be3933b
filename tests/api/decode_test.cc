#include "api/decode.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>

#include "api/yaml.h"
#include "tests/api/manifest_fixture.h"

namespace skiff::api {
namespace {

using nlohmann::json;

json Deployment() {
  return json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
    "spec": {
      "replicas": 2,
      "selector": {"matchLabels": {"app": "web"}},
      "template": {
        "metadata": {"labels": {"app": "web"}},
        "spec": {"containers": [{"name": "web", "image": "nginx",
                                 "resources": {"limits": {"cpu": "0.5", "memory": 134217728}}}]}
      }
    }
  })");
}

bool HasWarning(const Decoded& d, const std::string& w) {
  return std::find(d.warnings.begin(), d.warnings.end(), w) != d.warnings.end();
}

TEST_CASE("Decode accepts a Deployment and canonicalises quantities", "[decode]") {
  Result<Decoded> d = Decode(Deployment(), FieldValidation::kStrict);
  REQUIRE(d.ok());
  CHECK(d->kind->kind == "Deployment");
  CHECK(d->kind->group == "apps");
  const json& limits =
      d->object["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"];
  CHECK(limits["cpu"] == "500m");
  CHECK(limits["memory"] == "134217728");  // a number is decimal SI, as in Kubernetes
  CHECK(d->warnings.empty());
}

TEST_CASE("Decode reports missing and unknown kinds", "[decode]") {
  json doc = Deployment();
  doc.erase("kind");
  Result<Decoded> d = Decode(doc, FieldValidation::kStrict);
  REQUIRE_FALSE(d.ok());
  CHECK(d.status().code() == Code::kBadRequest);
  CHECK(d.status().message().rfind("Object 'Kind' is missing in '{", 0) == 0);

  doc = Deployment();
  doc.erase("apiVersion");
  CHECK(Decode(doc, FieldValidation::kStrict).status().message().find("'apiVersion' is missing") !=
        std::string::npos);

  doc = Deployment();
  doc["kind"] = "Deploymint";
  d = Decode(doc, FieldValidation::kStrict);
  REQUIRE_FALSE(d.ok());
  CHECK(d.status().message() ==
        "no kind \"Deploymint\" is registered for version \"apps/v1\" in scheme \"skiff\"");

  doc = Deployment();
  doc["apiVersion"] = "v1";  // Deployment is not core
  CHECK_FALSE(Decode(doc, FieldValidation::kStrict).ok());
  CHECK_FALSE(Decode(json::array(), FieldValidation::kStrict).ok());
}

TEST_CASE("strict decoding lists every unknown field with its path", "[decode]") {
  json doc = Deployment();
  doc["spec"]["foo"] = 1;
  doc["spec"]["template"]["spec"]["containers"][0]["bar"] = "x";
  doc["metadata"]["labelz"] = json::object();
  Result<Decoded> d = Decode(doc, FieldValidation::kStrict);
  REQUIRE_FALSE(d.ok());
  CHECK(d.status().code() == Code::kBadRequest);
  CHECK(d.status().message() ==
        "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: "
        "unknown field \"metadata.labelz\", unknown field \"spec.foo\", "
        "unknown field \"spec.template.spec.containers[0].bar\"");
}

TEST_CASE("warn mode drops unknown fields with a warning each, ignore drops silently", "[decode]") {
  json doc = Deployment();
  doc["spec"]["foo"] = 1;
  doc["spec"]["template"]["spec"]["containers"][0]["bar"] = "x";
  Result<Decoded> d = Decode(doc, FieldValidation::kWarn);
  REQUIRE(d.ok());
  CHECK(HasWarning(*d, "unknown field \"spec.foo\""));
  CHECK(HasWarning(*d, "unknown field \"spec.template.spec.containers[0].bar\""));
  CHECK_FALSE(d->object["spec"].contains("foo"));
  CHECK_FALSE(d->object["spec"]["template"]["spec"]["containers"][0].contains("bar"));

  d = Decode(doc, FieldValidation::kIgnore);
  REQUIRE(d.ok());
  CHECK(d->warnings.empty());
  CHECK_FALSE(d->object["spec"].contains("foo"));
}

TEST_CASE("type errors name the path and the expected type", "[decode]") {
  json doc = Deployment();
  doc["spec"]["replicas"] = "three";
  Result<Decoded> d = Decode(doc, FieldValidation::kIgnore);
  REQUIRE_FALSE(d.ok());
  CHECK(d.status().code() == Code::kBadRequest);
  CHECK(d.status().message().find("spec.replicas: expected int32, got string \"three\"") !=
        std::string::npos);

  doc = Deployment();
  doc["spec"]["replicas"] = 3000000000LL;
  d = Decode(doc, FieldValidation::kStrict);
  REQUIRE_FALSE(d.ok());
  CHECK(d.status().message().find("spec.replicas: expected int32, got number 3000000000 (out of "
                                  "range)") != std::string::npos);

  doc = Deployment();
  doc["spec"]["replicas"] = 2.5;
  CHECK_FALSE(Decode(doc, FieldValidation::kStrict).ok());

  doc = Deployment();
  doc["spec"]["paused"] = "yes";
  doc["metadata"]["labels"]["n"] = 1;
  doc["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["cpu"] = "lots";
  d = Decode(doc, FieldValidation::kStrict);
  REQUIRE_FALSE(d.ok());
  const std::string& m = d.status().message();
  CHECK(m.find("metadata.labels[n]: expected string, got number 1") != std::string::npos);
  CHECK(m.find("spec.paused: expected boolean, got string \"yes\"") != std::string::npos);
  CHECK(m.find("spec.template.spec.containers[0].resources.limits[cpu]: expected Quantity, got "
               "string \"lots\"") != std::string::npos);

  doc = Deployment();
  doc["spec"]["template"]["spec"]["containers"] = json::object();
  CHECK(Decode(doc, FieldValidation::kStrict)
            .status()
            .message()
            .find("spec.template.spec.containers: expected []Container, got object") !=
        std::string::npos);
}

TEST_CASE("type errors win over unknown fields", "[decode]") {
  json doc = Deployment();
  doc["spec"]["replicas"] = "x";
  doc["spec"]["foo"] = 1;
  Result<Decoded> d = Decode(doc, FieldValidation::kStrict);
  REQUIRE_FALSE(d.ok());
  CHECK(d.status().message().find("strict decoding error") == std::string::npos);
}

TEST_CASE("integral floats become integers, IntOrString takes both", "[decode]") {
  json doc = Deployment();
  doc["spec"]["replicas"] = 3.0;
  doc["spec"]["strategy"] = {{"type", "RollingUpdate"},
                             {"rollingUpdate", {{"maxSurge", "25%"}, {"maxUnavailable", 1}}}};
  Result<Decoded> d = Decode(doc, FieldValidation::kStrict);
  REQUIRE(d.ok());
  CHECK(d->object["spec"]["replicas"].is_number_integer());
  CHECK(d->object["spec"]["replicas"] == 3);
  doc["spec"]["strategy"]["rollingUpdate"]["maxSurge"] = true;
  CHECK_FALSE(Decode(doc, FieldValidation::kStrict).ok());
}

TEST_CASE("nulls are treated as absent", "[decode]") {
  json doc = Deployment();
  doc["metadata"]["creationTimestamp"] = nullptr;
  doc["spec"]["strategy"] = nullptr;
  doc["spec"]["nosuchfield"] = nullptr;  // unknown even when null: Go reports it too
  doc["spec"]["template"]["spec"]["containers"][0]["args"] = json::array({"a", nullptr});
  Result<Decoded> d = Decode(doc, FieldValidation::kWarn);
  REQUIRE(d.ok());
  CHECK_FALSE(d->object["metadata"].contains("creationTimestamp"));
  CHECK_FALSE(d->object["spec"].contains("strategy"));
  CHECK(d->object["spec"]["template"]["spec"]["containers"][0]["args"] == json({"a", ""}));
}

TEST_CASE("fields skiff does not act on yield one warning per path", "[decode]") {
  json doc = Deployment();
  json& pod = doc["spec"]["template"]["spec"];
  pod["affinity"] = {{"nodeAffinity", json::object()}};
  pod["tolerations"] = json::array();  // empty: no warning
  pod["hostPID"] = false;              // zero value: no warning
  pod["priorityClassName"] = "high";
  pod["containers"][0]["lifecycle"] = {{"preStop", {{"sleep", {{"seconds", 5}}}}}};
  pod["containers"][0]["resources"]["claims"] = json::array({{{"name", "gpu"}}});
  pod["containers"].push_back({{"name", "side"}, {"image", "busybox"}, {"tty", true}});
  doc["status"] = {{"replicas", 2}, {"conditions", json::array()}};
  Result<Decoded> d = Decode(doc, FieldValidation::kStrict);
  REQUIRE(d.ok());
  std::vector<std::string> want = {
      "spec.template.spec.affinity: skiff does not act on this field yet",
      "spec.template.spec.containers[0].lifecycle: skiff does not act on this field yet",
      "spec.template.spec.containers[0].resources.claims: skiff does not act on this field yet",
      "spec.template.spec.containers[1].tty: skiff does not act on this field yet",
      "spec.template.spec.priorityClassName: skiff does not act on this field yet",
  };
  CHECK(d->warnings == want);
}

TEST_CASE("status fields never warn", "[decode]") {
  json pod = {
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata", {{"name", "p"}}},
      {"spec", {{"containers", json::array({{{"name", "c"}, {"image", "i"}}})}}},
      {"status",
       {{"phase", "Running"},
        {"resize", "InProgress"},
        {"startTime", "2024-05-01T10:00:00Z"},
        {"containerStatuses",
         json::array({{{"name", "c"},
                       {"ready", true},
                       {"restartCount", 0},
                       {"image", "i"},
                       {"imageID", ""},
                       {"state", {{"running", {{"startedAt", "2024-05-01T10:00:01Z"}}}}}}})}}}};
  Result<Decoded> d = Decode(pod, FieldValidation::kStrict);
  REQUIRE(d.ok());
  CHECK(d->warnings.empty());
}

TEST_CASE("times and bytes are checked", "[decode]") {
  json cm = {{"apiVersion", "v1"},
             {"kind", "Secret"},
             {"metadata", {{"name", "s"}, {"creationTimestamp", "2024-05-01T10:00:00.5+02:00"}}},
             {"data", {{"good", "aGVsbG8="}}}};
  REQUIRE(Decode(cm, FieldValidation::kStrict).ok());
  cm["data"]["bad"] = "not base64!";
  Result<Decoded> d = Decode(cm, FieldValidation::kStrict);
  REQUIRE_FALSE(d.ok());
  CHECK(d.status().message().find("data[bad]: expected base64 bytes") != std::string::npos);
  cm["data"].erase("bad");
  for (const char* t : {"2024-05-01", "2024-13-01T10:00:00Z", "2024-05-01T10:00:00", "yesterday"}) {
    INFO(t);
    cm["metadata"]["creationTimestamp"] = t;
    CHECK_FALSE(Decode(cm, FieldValidation::kStrict).ok());
  }
  json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                {"kind", "Lease"},
                {"metadata", {{"name", "l"}}},
                {"spec", {{"holderIdentity", "a"}, {"renewTime", "2024-05-01T10:00:00.123456Z"}}}};
  CHECK(Decode(lease, FieldValidation::kStrict).ok());
}

TEST_CASE("free-form fields accept any JSON", "[decode]") {
  json cm = {{"apiVersion", "v1"},
             {"kind", "ConfigMap"},
             {"metadata",
              {{"name", "c"},
               {"managedFields",
                json::array({{{"manager", "kubectl"},
                              {"operation", "Apply"},
                              {"fieldsType", "FieldsV1"},
                              {"fieldsV1", {{"f:data", {{"f:a", json::object()}}}}}}})}}}};
  CHECK(Decode(cm, FieldValidation::kStrict).ok());
}

TEST_CASE("DecodeAsType checks a nested object", "[decode]") {
  const ObjectType* t = FindType("PodSpec");
  REQUIRE(t != nullptr);
  Result<Decoded> d = DecodeAsType(json{{"containers", json::array()}, {"x", 1}}, *t,
                                   FieldValidation::kStrict, "spec");
  REQUIRE_FALSE(d.ok());
  CHECK(d.status().message() == "strict decoding error: unknown field \"spec.x\"");
}

TEST_CASE("ParseJson reports line and column", "[decode]") {
  Result<json> ok = ParseJson(R"({"a": [1, 2]})");
  REQUIRE(ok.ok());
  CHECK((*ok)["a"][1] == 2);
  Result<json> bad = ParseJson("{\n  \"a\": 1,\n  \"b\" 2\n}");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == Code::kBadRequest);
  CHECK(bad.status().message().rfind("json parse error at line 3, column 7", 0) == 0);
  CHECK_FALSE(ParseJson("").ok());
  CHECK_FALSE(ParseJson("{\"a\": tru}").ok());
}

TEST_CASE("ParseFieldValidation", "[decode]") {
  CHECK(*ParseFieldValidation("Strict") == FieldValidation::kStrict);
  CHECK(*ParseFieldValidation("") == FieldValidation::kWarn);
  CHECK(*ParseFieldValidation("Ignore") == FieldValidation::kIgnore);
  CHECK_FALSE(ParseFieldValidation("strict").ok());
}

TEST_CASE("the example manifests decode strictly", "[decode]") {
  std::string text = testing::ReadManifest("examples/web.yaml");
  REQUIRE_FALSE(text.empty());
  Result<std::vector<YamlDocument>> docs = ParseYamlDocuments(text, "web.yaml");
  REQUIRE(docs.ok());
  REQUIRE(docs->size() == 5);
  std::vector<std::string> kinds;
  for (const auto& doc : *docs) {
    Result<Decoded> d = Decode(doc.object, FieldValidation::kStrict);
    INFO("line " << doc.line << ": " << d.status().ToString());
    REQUIRE(d.ok());
    kinds.push_back(d->kind->kind);
    for (const auto& w : d->warnings) INFO(w);
    CHECK(d->warnings.empty());
    if (d->kind->kind == "Deployment") {
      const json& c = d->object["spec"]["template"]["spec"]["containers"][0];
      CHECK(c["resources"]["limits"]["cpu"] == "500m");
      CHECK(c["livenessProbe"]["httpGet"]["port"] == "http");
      CHECK(d->object["spec"]["template"]["spec"]["volumes"][0]["configMap"]["defaultMode"] == 420);
    }
    if (d->kind->kind == "Secret") CHECK(d->object["data"]["username"] == "YWRtaW4=");
  }
  CHECK(kinds ==
        std::vector<std::string>{"Namespace", "ConfigMap", "Secret", "Deployment", "Service"});
}

}  // namespace
}  // namespace skiff::api

namespace skiff::api {
namespace {

// Random JSON grafted onto a valid Pod: Decode returns a value or a
// BadRequest, never throws.
TEST_CASE("random values under known fields never escape as exceptions", "[decode]") {
  const uint32_t seed = 11;
  std::mt19937 rng(seed);
  INFO("seed " << seed);
  const std::vector<json> values = {nullptr,
                                    true,
                                    0,
                                    -1,
                                    4294967296LL,
                                    1.5,
                                    "",
                                    "x",
                                    "100m",
                                    json::array(),
                                    json::array({nullptr, 1}),
                                    json::object(),
                                    json{{"name", "c"}},
                                    json{{"a", nullptr}}};
  const std::vector<std::vector<std::string>> paths = {
      {"spec"},
      {"spec", "containers"},
      {"spec", "containers", "0"},
      {"spec", "containers", "0", "resources", "limits", "cpu"},
      {"spec", "volumes"},
      {"metadata", "labels"},
      {"metadata", "creationTimestamp"},
      {"status", "conditions"},
      {"spec", "containers", "0", "ports", "0", "containerPort"},
      {"metadata"}};
  for (int i = 0; i < 1000; ++i) {
    json pod = {{"apiVersion", "v1"},
                {"kind", "Pod"},
                {"metadata", {{"name", "p"}}},
                {"spec", {{"containers", json::array({{{"name", "c"}, {"image", "i"}}})}}}};
    const auto& path = paths[rng() % paths.size()];
    json* at = &pod;
    for (size_t j = 0; j + 1 < path.size(); ++j) {
      const std::string& k = path[j];
      if (at->is_array()) {
        if (at->empty()) at->push_back(json::object());
        at = &(*at)[0];
      } else {
        if (!at->is_object()) *at = json::object();
        at = &(*at)[k];
      }
    }
    if (at->is_array()) {
      at->push_back(values[rng() % values.size()]);
    } else {
      if (!at->is_object()) *at = json::object();
      (*at)[path.back()] = values[rng() % values.size()];
    }
    INFO(pod.dump());
    Result<Decoded> d(Status::Internal("unset"));
    REQUIRE_NOTHROW(d = Decode(pod, FieldValidation::kStrict));
    if (!d.ok()) CHECK(d.status().code() == Code::kBadRequest);
  }
}

}  // namespace
}  // namespace skiff::api
