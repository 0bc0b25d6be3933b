// Fuzz target: api::ParseLabelSelector (?labelSelector=, kubectl -l). A
// selector it accepts must parse back equal from its ToString, and matching
// it against a fixed label set must not fail.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/labels/label_selector.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto selector = skiff::api::ParseLabelSelector(text);
  if (!selector.ok()) return 0;
  std::string printed = selector->ToString();
  auto reparsed = skiff::api::ParseLabelSelector(printed);
  skiff::fuzz::FuzzCheck(reparsed.ok(), "ToString output does not parse: " + printed);
  skiff::fuzz::FuzzCheck(*reparsed == *selector, "ToString does not round-trip: " + printed);
  const skiff::api::Labels labels = {{"app", "web"}, {"tier", "front"}, {"version", "3"}};
  (void)selector->Matches(labels);
  return 0;
}
