// RequestInfo: what a Kubernetes REST path asks for.
//
// Parses paths of the shapes the API server serves:
//   /api/v1/{resource}[/{name}[/{subresource}]]
//   /api/v1/namespaces/{ns}/{resource}[/{name}[/{subresource}]]
//   /apis/{group}/{version}/...   (same tails)
// and names the verb from the HTTP method, whether a name is present and the
// `watch` query parameter, as Kubernetes' RequestInfoFactory does. Pure function;
// a path that is not a resource path yields is_resource = false.
#pragma once

#include <string>
#include <string_view>

namespace skiff::apiserver {

struct RequestInfo {
  bool is_resource = false;
  std::string group;        // "" for the core group
  std::string version;      // "v1"
  std::string namespace_;   // "" for cluster-scoped or all-namespaces requests
  std::string resource;     // "pods"
  std::string name;         // "" for collections
  std::string subresource;  // "status", "scale", "binding", "log", "exec" or ""
  std::string verb;         // get list watch create update patch delete deletecollection
};

// method is the HTTP method; watch is true when ?watch=true|1 was given.
RequestInfo ParseRequestInfo(std::string_view method, std::string_view path, bool watch);

}  // namespace skiff::apiserver
