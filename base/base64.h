// Base64 (RFC 4648): the standard alphabet with padding, and the URL-safe one.
//
// Decoding follows Go's encoding/base64 (what Kubernetes uses for Secret data):
// line breaks (\r, \n) are skipped, padding is required, and a failure reports
// the offset of the first offending byte the way Go words it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace skiff {

std::string Base64Encode(std::string_view data, bool url_safe = false);

struct Base64Decoded {
  std::optional<std::string> data;  // set on success
  size_t bad_byte = 0;              // on failure: offset of the first illegal byte (line breaks skipped)
  // "illegal base64 data at input byte N", as Go reports it.
  std::string Error() const;
};
Base64Decoded Base64DecodeDetailed(std::string_view text, bool url_safe = false);

// nullopt when the text is not valid base64.
std::optional<std::string> Base64Decode(std::string_view text, bool url_safe = false);

}  // namespace skiff
