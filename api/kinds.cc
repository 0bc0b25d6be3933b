#include "api/kinds.h"

namespace skiff::api {

const std::vector<KindInfo>& AllKinds() {
  static const std::vector<KindInfo> kinds = {
      {"", "v1", "Namespace", "namespaces", "namespace", {"ns"}, false, true, false},
      {"", "v1", "Pod", "pods", "pod", {"po"}, true, true, false},
      {"", "v1", "Service", "services", "service", {"svc"}, true, true, false},
      {"", "v1", "Endpoints", "endpoints", "endpoints", {"ep"}, true, false, false},
      {"", "v1", "Node", "nodes", "node", {"no"}, false, true, false},
      {"", "v1", "ConfigMap", "configmaps", "configmap", {"cm"}, true, false, false},
      {"", "v1", "Secret", "secrets", "secret", {}, true, false, false},
      {"", "v1", "Event", "events", "event", {"ev"}, true, false, false},
      {"", "v1", "ServiceAccount", "serviceaccounts", "serviceaccount", {"sa"}, true, false, false},
      {"apps", "v1", "Deployment", "deployments", "deployment", {"deploy"}, true, true, true},
      {"apps", "v1", "ReplicaSet", "replicasets", "replicaset", {"rs"}, true, true, true},
      {"coordination.k8s.io", "v1", "Lease", "leases", "lease", {}, true, false, false},
  };
  return kinds;
}

const KindInfo* FindKind(std::string_view api_version, std::string_view kind) {
  for (const auto& k : AllKinds()) {
    if (k.kind == kind && k.ApiVersion() == api_version) return &k;
  }
  return nullptr;
}

const KindInfo* FindResource(std::string_view group, std::string_view resource) {
  for (const auto& k : AllKinds()) {
    if (k.group == group && k.resource == resource) return &k;
  }
  return nullptr;
}

}  // namespace skiff::api
