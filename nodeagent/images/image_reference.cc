#include "nodeagent/images/image_reference.h"

#include <arpa/inet.h>

#include <vector>

#include "nodeagent/images/digest.h"

namespace skiff::images {
namespace {

constexpr size_t kMaxNameLength = 255;
constexpr size_t kMaxTagLength = 128;

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsAlnum(char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Status Bad(std::string_view text, std::string_view why) {
  return Status(Code::kInvalid,
                "invalid image reference \"" + std::string(text) + "\": " + std::string(why));
}

// [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*
bool IsValidPathComponent(std::string_view c) {
  if (c.empty() || !IsLowerAlnum(c.front()) || !IsLowerAlnum(c.back())) return false;
  for (size_t i = 0; i < c.size();) {
    if (IsLowerAlnum(c[i])) {
      ++i;
      continue;
    }
    size_t run = i;
    while (run < c.size() && !IsLowerAlnum(c[run])) ++run;
    std::string_view sep = c.substr(i, run - i);
    bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
    if (!(sep == "." || sep == "_" || sep == "__" || dashes)) return false;
    i = run;
  }
  return true;
}

bool IsValidTag(std::string_view tag) {
  if (tag.empty() || tag.size() > kMaxTagLength) return false;
  if (!(IsAlnum(tag[0]) || tag[0] == '_')) return false;
  for (char c : tag) {
    if (!(IsAlnum(c) || c == '_' || c == '.' || c == '-')) return false;
  }
  return true;
}

bool IsValidPort(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  for (char c : port) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// host[:port] where host is DNS labels joined by '.', or [IPv6].
bool IsValidRegistry(std::string_view reg) {
  std::string_view host = reg;
  if (reg.starts_with('[')) {
    size_t close = reg.find(']');
    if (close == std::string_view::npos) return false;
    std::string addr(reg.substr(1, close - 1));
    in6_addr v6;
    if (inet_pton(AF_INET6, addr.c_str(), &v6) != 1) return false;
    std::string_view rest = reg.substr(close + 1);
    return rest.empty() || (rest[0] == ':' && IsValidPort(rest.substr(1)));
  }
  size_t colon = reg.find(':');
  if (colon != std::string_view::npos) {
    if (!IsValidPort(reg.substr(colon + 1))) return false;
    host = reg.substr(0, colon);
  }
  if (host.empty()) return false;
  size_t start = 0;
  for (;;) {
    size_t dot = host.find('.', start);
    std::string_view label =
        host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!(IsAlnum(c) || c == '-')) return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool LooksLikeRegistry(std::string_view first) {
  return first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
         first == "localhost" || first.starts_with('[');
}

std::string HostOf(std::string_view registry) {
  if (registry.starts_with('[')) {
    return std::string(registry.substr(1, registry.find(']') - 1));
  }
  return std::string(registry.substr(0, registry.find(':')));
}

}  // namespace

Result<ImageReference> ParseImageReference(std::string_view text) {
  if (text.empty()) return Bad(text, "empty");
  ImageReference ref;
  std::string_view rest = text;
  if (size_t at = rest.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(rest.substr(at + 1));
    if (!IsValidDigest(ref.digest))
      return Bad(text, "digest must be sha256:<64 lowercase hex digits>");
    rest = rest.substr(0, at);
  }
  size_t last_slash = rest.rfind('/');
  size_t tag_colon = rest.rfind(':');
  if (tag_colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || tag_colon > last_slash)) {
    ref.tag = std::string(rest.substr(tag_colon + 1));
    if (!IsValidTag(ref.tag)) return Bad(text, "tag must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    rest = rest.substr(0, tag_colon);
  }
  if (rest.empty()) return Bad(text, "repository name is empty");

  size_t first_slash = rest.find('/');
  std::string_view path = rest;
  if (first_slash != std::string_view::npos && LooksLikeRegistry(rest.substr(0, first_slash))) {
    ref.registry = std::string(rest.substr(0, first_slash));
    if (!IsValidRegistry(ref.registry))
      return Bad(text, "registry \"" + ref.registry + "\" is not host[:port]");
    path = rest.substr(first_slash + 1);
  } else {
    ref.registry = std::string(kDockerHub);
  }
  if (ref.registry == "index.docker.io") ref.registry = std::string(kDockerHub);
  if (ref.registry == kDockerHub && path.find('/') == std::string_view::npos) {
    ref.repository = "library/" + std::string(path);
  } else {
    ref.repository = std::string(path);
  }

  size_t start = 0;
  for (;;) {
    size_t slash = ref.repository.find('/', start);
    std::string_view component =
        std::string_view(ref.repository)
            .substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!IsValidPathComponent(component)) {
      bool upper = false;
      for (char c : component) upper |= (c >= 'A' && c <= 'Z');
      if (upper) return Bad(text, "repository name must be lowercase");
      return Bad(text,
                 "path component \"" + std::string(component) +
                     "\" must be lowercase letters and digits joined by '.', '_', '__' or '-'");
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (ref.Name().size() > kMaxNameLength) return Bad(text, "name longer than 255 characters");
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

std::string ImageReference::Name() const { return registry + "/" + repository; }

std::string ImageReference::String() const {
  std::string out = Name();
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

std::string ImageReference::RegistryEndpoint() const {
  if (registry == kDockerHub) return "registry-1.docker.io";
  return registry;
}

bool ImageReference::IsLoopbackRegistry() const {
  std::string host = HostOf(registry);
  if (host == "localhost" || host == "::1") return true;
  in_addr v4;
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  return false;
}

}  // namespace skiff::images
