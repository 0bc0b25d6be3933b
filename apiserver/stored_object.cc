#include "apiserver/stored_object.h"

#include "api/json_body.h"

namespace skiff::apiserver {

Result<std::string> EncodeStoredObject(const nlohmann::json& obj) {
  std::string text = api::DumpJson(obj);
  if (text.size() > kMaxStoredObjectBytes) {
    return Status(Code::kTooLarge, "Request entity too large: the object is " +
                                       std::to_string(text.size()) +
                                       " bytes once encoded; the limit for a stored object is " +
                                       std::to_string(kMaxStoredObjectBytes));
  }
  return text;
}

}  // namespace skiff::apiserver
