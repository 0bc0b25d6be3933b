#include "ctl/resource_path.h"

#include <strings.h>

#include <cctype>

namespace skiff::ctl {
namespace {

bool EqualsFold(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

const api::KindInfo* ResolveResource(std::string_view typed) {
  std::string_view name = typed, group;
  bool qualified = false;
  if (size_t dot = typed.find('.'); dot != std::string_view::npos) {
    name = typed.substr(0, dot);
    group = typed.substr(dot + 1);
    qualified = true;
  }
  for (const api::KindInfo& k : api::AllKinds()) {
    if (qualified && !EqualsFold(k.group, group)) continue;
    bool match = EqualsFold(k.resource, name) || EqualsFold(k.singular, name) || EqualsFold(k.kind, name);
    for (const std::string& s : k.short_names) match = match || EqualsFold(s, name);
    // Unqualified names prefer the core group, as kubectl's discovery order does.
    if (match && (qualified || k.group.empty())) return &k;
  }
  if (qualified) return nullptr;
  for (const api::KindInfo& k : api::AllKinds()) {
    bool match = EqualsFold(k.resource, name) || EqualsFold(k.singular, name) || EqualsFold(k.kind, name);
    for (const std::string& s : k.short_names) match = match || EqualsFold(s, name);
    if (match) return &k;
  }
  return nullptr;
}

std::string ResourcePath(const api::KindInfo& kind, const std::string& ns, const std::string& name) {
  std::string path = kind.group.empty() ? "/api/v1" : "/apis/" + kind.group + "/" + kind.version;
  if (kind.namespaced && !ns.empty()) path += "/namespaces/" + ns;
  path += "/" + kind.resource;
  if (!name.empty()) path += "/" + name;
  return path;
}

std::string QueryEscape(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace skiff::ctl
