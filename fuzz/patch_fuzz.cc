// Fuzz target: the three PATCH formats (api/patch/patch.h) applied to a fixed
// Deployment with the input as the patch body. Whatever patch applies, the
// result then goes through strict api::Decode as the API server does.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/decode.h"
#include "api/kinds.h"
#include "api/patch/patch.h"
#include "api/schema/schema.h"

namespace {

const nlohmann::json& Deployment() {
  static const nlohmann::json deployment = nlohmann::json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"},
                 "finalizers": ["example.com/keep"]},
    "spec": {
      "replicas": 2,
      "selector": {"matchLabels": {"app": "web"}},
      "template": {
        "metadata": {"labels": {"app": "web"}},
        "spec": {
          "containers": [
            {"name": "web", "image": "busybox:1.36", "args": ["httpd", "-f"],
             "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
             "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
             "volumeMounts": [{"name": "cfg", "mountPath": "/etc/cfg"}]},
            {"name": "side", "image": "busybox:1.36"}],
          "volumes": [{"name": "cfg", "configMap": {"name": "web-config"}}],
          "tolerations": [{"key": "k", "operator": "Exists"}]}}}})");
  return deployment;
}

void DecodeResult(const skiff::Result<nlohmann::json>& patched) {
  if (!patched.ok()) return;
  auto decoded = skiff::api::Decode(*patched, skiff::api::FieldValidation::kStrict);
  (void)decoded;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const skiff::api::ObjectType* const deployment_type =
      skiff::api::TypeForKind(*skiff::api::FindKind("apps/v1", "Deployment"));
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto patch = skiff::api::ParseJson(body);
  if (!patch.ok()) return 0;
  DecodeResult(skiff::api::ApplyMergePatch(Deployment(), *patch));
  DecodeResult(skiff::api::ApplyJsonPatch(Deployment(), *patch));
  DecodeResult(skiff::api::ApplyStrategicMergePatch(Deployment(), *patch, *deployment_type));
  return 0;
}
