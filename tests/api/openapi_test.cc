#include "api/openapi.h"

#include <catch2/catch.hpp>
#include <functional>
#include <string>

#include "api/kinds.h"

namespace skiff::api {
namespace {

using nlohmann::json;

const json& Schemas(const json& doc) { return doc["components"]["schemas"]; }

TEST_CASE("OpenAPI v3 for core/v1 names schemas as Kubernetes does", "[openapi]") {
  json doc = OpenApiV3ForGroupVersion("", "v1");
  CHECK(doc["openapi"] == "3.0.0");
  const json& s = Schemas(doc);
  REQUIRE(s.contains("io.k8s.api.core.v1.Pod"));
  REQUIRE(s.contains("io.k8s.api.core.v1.PodSpec"));
  REQUIRE(s.contains("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
  REQUIRE(s.contains("io.k8s.api.core.v1.PodList"));
  CHECK_FALSE(s.contains("io.k8s.api.apps.v1.Deployment"));

  const json& pod = s["io.k8s.api.core.v1.Pod"];
  CHECK(pod["x-kubernetes-group-version-kind"] ==
        json::array({{{"group", ""}, {"version", "v1"}, {"kind", "Pod"}}}));
  CHECK(pod["properties"]["spec"]["allOf"][0]["$ref"] ==
        "#/components/schemas/io.k8s.api.core.v1.PodSpec");
  CHECK_FALSE(pod["properties"]["spec"]["description"].get<std::string>().empty());

  const json& spec = s["io.k8s.api.core.v1.PodSpec"]["properties"];
  CHECK(spec["terminationGracePeriodSeconds"]["format"] == "int64");
  CHECK(spec["priority"]["format"] == "int32");
  CHECK(spec["restartPolicy"]["enum"] == json::array({"Always", "OnFailure", "Never"}));
  CHECK(spec["containers"]["type"] == "array");
  CHECK(spec["containers"]["items"]["$ref"] == "#/components/schemas/io.k8s.api.core.v1.Container");
  CHECK(spec["nodeSelector"]["additionalProperties"]["type"] == "string");
  CHECK(spec["overhead"]["additionalProperties"]["$ref"] ==
        "#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity");

  const json& port = s["io.k8s.api.core.v1.ServicePort"]["properties"]["targetPort"];
  std::string ref = port["allOf"][0]["$ref"];
  std::string name = ref.substr(ref.rfind('/') + 1);
  CHECK(s[name]["x-kubernetes-int-or-string"] == true);
  CHECK(s["io.k8s.api.core.v1.Secret"]["properties"]["data"]["additionalProperties"]["format"] ==
        "byte");
}

TEST_CASE("every $ref in a document resolves", "[openapi]") {
  for (const auto& path : OpenApiV3GroupVersionPaths()) {
    std::string group, version;
    if (path.rfind("api/", 0) == 0) {
      version = path.substr(4);
    } else {
      std::string gv = path.substr(5);
      group = gv.substr(0, gv.find('/'));
      version = gv.substr(gv.find('/') + 1);
    }
    json doc = OpenApiV3ForGroupVersion(group, version);
    INFO(path);
    REQUIRE_FALSE(Schemas(doc).empty());
    int refs = 0;
    std::function<void(const json&)> walk = [&](const json& v) {
      if (v.is_object()) {
        if (auto it = v.find("$ref"); it != v.end()) {
          std::string r = *it;
          INFO(r);
          REQUIRE(r.rfind("#/components/schemas/", 0) == 0);
          CHECK(Schemas(doc).contains(r.substr(21)));
          ++refs;
        }
        for (const auto& [k, child] : v.items()) walk(child);
      } else if (v.is_array()) {
        for (const auto& child : v) walk(child);
      }
    };
    walk(doc);
    CHECK(refs > 10);
  }
}

TEST_CASE("paths carry the GVK and the fieldValidation parameter kubectl checks", "[openapi]") {
  json doc = OpenApiV3ForGroupVersion("apps", "v1");
  const json& paths = doc["paths"];
  REQUIRE(paths.contains("/apis/apps/v1/namespaces/{namespace}/deployments"));
  REQUIRE(paths.contains("/apis/apps/v1/namespaces/{namespace}/deployments/{name}"));
  REQUIRE(paths.contains("/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status"));
  const json& patch = paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
  CHECK(patch["x-kubernetes-group-version-kind"] ==
        json({{"group", "apps"}, {"version", "v1"}, {"kind", "Deployment"}}));
  bool has_field_validation = false;
  for (const auto& p : patch["parameters"]) {
    has_field_validation |= p["name"] == "fieldValidation" && p["in"] == "query";
  }
  CHECK(has_field_validation);
  CHECK(
      Schemas(doc)["io.k8s.api.apps.v1.Deployment"]["x-kubernetes-group-version-kind"][0]["kind"] ==
      "Deployment");

  json core = OpenApiV3ForGroupVersion("", "v1");
  CHECK(core["paths"].contains("/api/v1/nodes/{name}"));
  CHECK(core["paths"].contains("/api/v1/namespaces/{namespace}/pods/{name}/status"));
  CHECK_FALSE(core["paths"].contains("/api/v1/namespaces/{namespace}/configmaps/{name}/status"));
}

TEST_CASE("unknown group versions give an empty document", "[openapi]") {
  json doc = OpenApiV3ForGroupVersion("batch", "v1");
  CHECK(doc["paths"].empty());
  CHECK(Schemas(doc).empty());
  CHECK(OpenApiV3GroupVersionPaths() ==
        std::vector<std::string>{"api/v1", "apis/apps/v1", "apis/coordination.k8s.io/v1"});
}

}  // namespace
}  // namespace skiff::api
