#include "api/defaults/image_ref.h"

namespace skiff::api::defaults {

std::string ImageTag(std::string_view image) {
  if (image.empty()) return "";
  std::string_view name = image;
  bool digest = false;
  if (size_t at = name.find('@'); at != std::string_view::npos) {
    digest = true;
    name = name.substr(0, at);
  }
  size_t slash = name.rfind('/');
  size_t colon = name.rfind(':');
  std::string tag;
  std::string_view repo = name;
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    tag = std::string(name.substr(colon + 1));
    repo = name.substr(0, colon);
    if (tag.empty()) return "";  // "app:" does not parse
  }
  // The path after the registry must be lower case, or the reference does not parse.
  size_t first_slash = repo.find('/');
  std::string_view path = repo;
  if (first_slash != std::string_view::npos) {
    std::string_view host = repo.substr(0, first_slash);
    bool is_registry = host.find('.') != std::string_view::npos ||
                       host.find(':') != std::string_view::npos || host == "localhost";
    if (is_registry) path = repo.substr(first_slash + 1);
  }
  if (path.empty()) return "";
  for (char c : path) {
    if (c >= 'A' && c <= 'Z') return "";
  }
  if (tag.empty() && !digest) return "latest";
  return tag;
}

}  // namespace skiff::api::defaults
