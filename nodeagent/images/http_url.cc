#include "nodeagent/images/http_url.h"

#include <cctype>

namespace skiff::images {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void SkipSpaces(std::string_view s, size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
}

}  // namespace

Result<Url> ParseUrl(std::string_view text, const Url* base) {
  size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    if (base == nullptr)
      return Status(Code::kInvalid, "URL \"" + std::string(text) + "\" is not absolute");
    Url out = *base;
    if (text.starts_with("//")) return ParseUrl(base->scheme + ":" + std::string(text));
    if (text.starts_with("/")) {
      out.target = std::string(text);
    } else {
      std::string dir = base->target.substr(0, base->target.find('?'));
      out.target = dir.substr(0, dir.rfind('/') + 1) + std::string(text);
    }
    return out;
  }
  Url out;
  out.scheme = Lower(text.substr(0, scheme_end));
  if (out.scheme != "http" && out.scheme != "https") {
    return Status(Code::kInvalid,
                  "URL \"" + std::string(text) + "\": scheme must be http or https");
  }
  std::string_view rest = text.substr(scheme_end + 3);
  size_t slash = rest.find_first_of("/?");
  out.authority = std::string(rest.substr(0, slash));
  if (out.authority.empty())
    return Status(Code::kInvalid, "URL \"" + std::string(text) + "\" has no host");
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (out.target.starts_with('?')) out.target = "/" + out.target;
  return out;
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

Result<AuthChallenge> ParseAuthChallenge(std::string_view header) {
  AuthChallenge out;
  size_t i = 0;
  SkipSpaces(header, i);
  size_t scheme_end = header.find(' ', i);
  out.scheme = Lower(header.substr(
      i, scheme_end == std::string_view::npos ? std::string_view::npos : scheme_end - i));
  if (out.scheme.empty()) return Status(Code::kInvalid, "empty WWW-Authenticate challenge");
  if (scheme_end == std::string_view::npos) return out;
  i = scheme_end;
  while (i < header.size()) {
    SkipSpaces(header, i);
    size_t eq = header.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string key = Lower(header.substr(i, eq - i));
    i = eq + 1;
    std::string value;
    if (i < header.size() && header[i] == '"') {
      for (++i; i < header.size() && header[i] != '"'; ++i) {
        if (header[i] == '\\' && i + 1 < header.size()) ++i;
        value += header[i];
      }
      if (i >= header.size())
        return Status(Code::kInvalid,
                      "WWW-Authenticate \"" + std::string(header) + "\": unterminated quote");
      ++i;
    } else {
      size_t end = header.find(',', i);
      value = std::string(
          header.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
      while (!value.empty() && value.back() == ' ') value.pop_back();
      i = end == std::string_view::npos ? header.size() : end;
    }
    out.params[key] = value;
    SkipSpaces(header, i);
    if (i < header.size() && header[i] == ',') ++i;
  }
  return out;
}

}  // namespace skiff::images
