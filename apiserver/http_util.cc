#include "apiserver/http_util.h"

namespace skiff::apiserver {

Result<int64_t> IntParam(const httplib::Request& req, const std::string& name, int64_t fallback) {
  if (!req.has_param(name.c_str())) return fallback;
  std::string text = req.get_param_value(name.c_str());
  if (text.empty()) return fallback;
  try {
    size_t used = 0;
    long long v = std::stoll(text, &used);
    if (used == text.size() && v >= 0) return static_cast<int64_t>(v);
  } catch (const std::exception&) {
  }
  return Status::BadRequest("invalid " + name + " \"" + text + "\": want a non-negative integer");
}

}  // namespace skiff::apiserver
