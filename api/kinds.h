// The kinds skiff serves: their group, version, resource name and scope.
//
// This is the one table the decoder, the API server's routes and discovery read;
// adding a kind starts here. Lookups are by (apiVersion, kind) or by
// (group, resource). The table is static and immutable: thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace skiff::api {

struct KindInfo {
  std::string group;       // "" for core
  std::string version;     // "v1"
  std::string kind;        // "Pod"
  std::string resource;    // "pods"
  std::string singular;    // "pod"
  std::vector<std::string> short_names;  // {"po"}
  bool namespaced = true;
  bool has_status = false;  // a /status subresource
  bool has_scale = false;   // a /scale subresource

  // "v1" or "apps/v1"
  std::string ApiVersion() const { return group.empty() ? version : group + "/" + version; }
};

// Every kind, in a stable order.
const std::vector<KindInfo>& AllKinds();
// nullptr when unknown. apiVersion is "v1" or "group/version".
const KindInfo* FindKind(std::string_view api_version, std::string_view kind);
const KindInfo* FindResource(std::string_view group, std::string_view resource);

}  // namespace skiff::api
