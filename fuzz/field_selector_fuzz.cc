// Fuzz target: api::ParseFieldSelector for Pods (?fieldSelector=, kubectl
// --field-selector). A selector it accepts must parse back to the same
// requirements from its ToString, and match a fixed Pod without failing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/fields/field_selector.h"
#include "api/kinds.h"
#include "fuzz/fuzz_check.h"

namespace {

const nlohmann::json& SamplePod() {
  static const nlohmann::json pod = nlohmann::json::parse(R"({
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "web-1", "namespace": "shop"},
    "spec": {"nodeName": "node1", "restartPolicy": "Always", "schedulerName": "default-scheduler",
             "serviceAccountName": "default", "hostNetwork": false,
             "containers": [{"name": "web", "image": "busybox"}]},
    "status": {"phase": "Running", "podIP": "10.0.0.5", "nominatedNodeName": ""}})");
  return pod;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const skiff::api::KindInfo* const pod_kind = skiff::api::FindKind("v1", "Pod");
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto selector = skiff::api::ParseFieldSelector(text, *pod_kind);
  if (!selector.ok()) return 0;
  std::string printed = selector->ToString();
  auto reparsed = skiff::api::ParseFieldSelector(printed, *pod_kind);
  skiff::fuzz::FuzzCheck(reparsed.ok(), "ToString output does not parse: " + printed);
  skiff::fuzz::FuzzCheck(reparsed->requirements() == selector->requirements(),
                         "ToString does not round-trip: " + printed);
  (void)selector->Matches(SamplePod());
  return 0;
}
