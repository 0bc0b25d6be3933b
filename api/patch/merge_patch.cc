// RFC 7386 JSON merge patch.
#include "api/patch/patch.h"

namespace skiff::api {

using nlohmann::json;

json MergePatchValue(const json& target, const json& patch) {
  if (!patch.is_object()) return patch;
  json result = target.is_object() ? target : json::object();
  for (const auto& [key, value] : patch.items()) {
    if (value.is_null()) {
      result.erase(key);
      continue;
    }
    auto it = result.find(key);
    result[key] = MergePatchValue(it == result.end() ? json() : *it, value);
  }
  return result;
}

Result<json> ApplyMergePatch(const json& original, const json& patch) {
  if (!patch.is_object()) {
    return Status::BadRequest(std::string("merge patch must be a JSON object, got ") +
                              patch.type_name());
  }
  return MergePatchValue(original, patch);
}

}  // namespace skiff::api
