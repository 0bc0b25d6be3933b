#include "apiserver/continue_token.h"

#include <nlohmann/json.hpp>

#include "base/base64.h"

namespace skiff::apiserver {

std::string EncodeContinueToken(const ContinueToken& token) {
  nlohmann::json body = {{"v", "meta.k8s.io/v1"}, {"rv", token.revision}, {"start", token.last_key}};
  return Base64Encode(body.dump(), /*url_safe=*/true);
}

Result<ContinueToken> DecodeContinueToken(std::string_view text) {
  const Status bad = Status::BadRequest("invalid continue token: not one this server issued");
  std::optional<std::string> raw = Base64Decode(text, /*url_safe=*/true);
  if (!raw) return bad;
  nlohmann::json body = nlohmann::json::parse(*raw, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || body.value("v", "") != "meta.k8s.io/v1") return bad;
  auto rv = body.find("rv");
  auto start = body.find("start");
  if (rv == body.end() || !rv->is_number_integer() || start == body.end() || !start->is_string()) return bad;
  return ContinueToken{rv->get<int64_t>(), start->get<std::string>()};
}

}  // namespace skiff::apiserver
