// Fuzz target: a request body as the API server handles it, api::ParseJson
// then strict api::Decode, then ApplyDefaults (checked idempotent, as
// defaults.h promises) and Validate.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/decode.h"
#include "api/defaults/defaults.h"
#include "api/validation/validation.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto document = skiff::api::ParseJson(body);
  if (!document.ok()) return 0;
  auto decoded = skiff::api::Decode(*document, skiff::api::FieldValidation::kStrict);
  if (!decoded.ok()) return 0;
  const skiff::api::KindInfo& kind = *decoded->kind;
  nlohmann::json object = decoded->object;
  skiff::api::ApplyDefaults(kind, object);
  nlohmann::json defaulted_once = object;
  skiff::api::ApplyDefaults(kind, object);
  skiff::fuzz::FuzzCheck(object == defaulted_once,
                         "ApplyDefaults is not idempotent on " + defaulted_once.dump());
  skiff::api::FieldErrors errors = skiff::api::Validate(kind, object);
  (void)errors;
  return 0;
}
