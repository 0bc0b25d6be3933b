// Base64 (RFC 4648): standard alphabet with padding, and the URL-safe alphabet.
// Decoding rejects characters outside the alphabet and bad padding (nullopt).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace skiff {

std::string Base64Encode(std::string_view data, bool url_safe = false);
std::optional<std::string> Base64Decode(std::string_view text, bool url_safe = false);

}  // namespace skiff
