// Standard base64 (RFC 4648, padded) as Go's encoding/json reads []byte:
// '\r' and '\n' are ignored, anything else outside the alphabet or bad padding
// is an error reported as Go does ("illegal base64 data at input byte 4").
// Pure functions: thread-safe, no exceptions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace skiff::api::validation {

struct Base64Result {
  std::optional<std::string> decoded;  // set on success
  std::string error;                   // set on failure
};

Base64Result DecodeBase64(std::string_view text);
std::string EncodeBase64(std::string_view bytes);

}  // namespace skiff::api::validation
