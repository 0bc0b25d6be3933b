#include "apiserver/request_info.h"

#include <vector>

namespace skiff::apiserver {
namespace {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) parts.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return parts;
}

std::string VerbFor(std::string_view method, bool has_name, bool watch) {
  if (method == "GET" || method == "HEAD") {
    if (watch) return "watch";
    return has_name ? "get" : "list";
  }
  if (method == "POST") return "create";
  if (method == "PUT") return "update";
  if (method == "PATCH") return "patch";
  if (method == "DELETE") return has_name ? "delete" : "deletecollection";
  return "";
}

}  // namespace

RequestInfo ParseRequestInfo(std::string_view method, std::string_view path, bool watch) {
  RequestInfo info;
  std::vector<std::string> parts = SplitPath(path);
  size_t i = 0;
  if (parts.size() >= 2 && parts[0] == "api") {
    info.version = parts[1];
    i = 2;
  } else if (parts.size() >= 3 && parts[0] == "apis") {
    info.group = parts[1];
    info.version = parts[2];
    i = 3;
  } else {
    return info;
  }
  if (i >= parts.size()) return info;
  // "namespaces/{ns}/{resource}..." is a namespaced request, unless the path is the
  // namespace object itself ("namespaces/{ns}" or "namespaces/{ns}/status").
  if (parts[i] == "namespaces" && parts.size() >= i + 3 && parts[i + 2] != "status" &&
      parts[i + 2] != "finalize") {
    info.namespace_ = parts[i + 1];
    i += 2;
  }
  info.resource = parts[i++];
  if (i < parts.size()) info.name = parts[i++];
  if (i < parts.size()) info.subresource = parts[i++];
  if (i < parts.size()) return info;  // too deep: not a resource path
  info.is_resource = true;
  info.verb = VerbFor(method, !info.name.empty(), watch);
  return info;
}

}  // namespace skiff::apiserver
