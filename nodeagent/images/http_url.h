// Just enough URL handling for the registry protocol: splitting absolute URLs
// (token realms, redirect targets), resolving a Location against the request
// URL, percent-encoding query values and parsing WWW-Authenticate challenges.
// Plain functions over values; Invalid naming the text on bad input.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "base/status.h"

namespace skiff::images {

struct Url {
  std::string scheme;     // "http" or "https"
  std::string authority;  // "host[:port]"
  std::string target;     // path and query, "/" at least
  std::string Origin() const { return scheme + "://" + authority; }
  std::string String() const { return Origin() + target; }
};

// An absolute http(s) URL, or (with base) a reference resolved against base:
// "//host/p", "/path" or "relative".
Result<Url> ParseUrl(std::string_view text, const Url* base = nullptr);

std::string UrlEncode(std::string_view text);

// `Bearer realm="https://auth/token",service="reg",scope="repository:a:pull"`:
// scheme lower-cased, parameter names lower-cased, quoted values unquoted.
struct AuthChallenge {
  std::string scheme;
  std::map<std::string, std::string> params;
};
Result<AuthChallenge> ParseAuthChallenge(std::string_view header);

}  // namespace skiff::images
