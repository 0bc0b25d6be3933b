// Fuzz target: api::ParseYamlDocuments on arbitrary bytes (manifests that
// skiffctl apply and the API server read). Each document it accepts must come
// back unchanged through ToYaml, as yaml.h promises.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/yaml.h"
#include "fuzz/fuzz_check.h"

namespace {

// List kinds are expanded by the parser, and an empty mapping is not a
// document: neither reads back as the single object it was printed from.
bool RoundTrips(const nlohmann::json& object) {
  if (object.empty()) return false;
  auto kind = object.find("kind");
  return !(kind != object.end() && kind->is_string() &&
           std::string_view(kind->get_ref<const std::string&>()).ends_with("List"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto documents = skiff::api::ParseYamlDocuments(text, "fuzz.yaml");
  if (!documents.ok()) return 0;
  for (const skiff::api::YamlDocument& document : *documents) {
    if (!RoundTrips(document.object)) continue;
    std::string printed = skiff::api::ToYaml(document.object);
    auto reread = skiff::api::ParseYamlDocuments(printed, "printed.yaml");
    skiff::fuzz::FuzzCheck(reread.ok(), "ToYaml output does not parse: " + printed);
    skiff::fuzz::FuzzCheck(reread->size() == 1 && (*reread)[0].object == document.object,
                           "ToYaml does not round-trip: " + printed);
  }
  return 0;
}
