// The entries below restate the patchStrategy/patchMergeKey tags of the
// upstream Go types for the kinds skiff serves (kubectl 1.32 / Kubernetes
// 1.32). Only fields with a tag are listed.
#include "api/patch/patch_strategies.h"

#include <map>

namespace skiff::api {
namespace {

using Table = std::map<std::pair<std::string, std::string>, PatchStrategy, std::less<>>;

PatchStrategy MergeBy(std::string key) { return PatchStrategy{true, false, false, std::move(key)}; }
PatchStrategy MergeRetainBy(std::string key) {
  return PatchStrategy{true, true, false, std::move(key)};
}
PatchStrategy MergeSet() { return PatchStrategy{true, false, false, ""}; }
PatchStrategy RetainKeys() { return PatchStrategy{false, true, false, ""}; }

void AddContainerFields(Table& t, const std::string& type) {
  t[{type, "ports"}] = MergeBy("containerPort");
  t[{type, "env"}] = MergeBy("name");
  t[{type, "volumeMounts"}] = MergeBy("mountPath");
  t[{type, "volumeDevices"}] = MergeBy("devicePath");
}

Table BuildTable() {
  Table t;
  // meta/v1
  t[{"ObjectMeta", "finalizers"}] = MergeSet();
  t[{"ObjectMeta", "ownerReferences"}] = MergeBy("uid");

  // core/v1 Pod
  t[{"PodSpec", "volumes"}] = MergeRetainBy("name");
  t[{"PodSpec", "initContainers"}] = MergeBy("name");
  t[{"PodSpec", "containers"}] = MergeBy("name");
  t[{"PodSpec", "ephemeralContainers"}] = MergeBy("name");
  t[{"PodSpec", "imagePullSecrets"}] = MergeBy("name");
  t[{"PodSpec", "hostAliases"}] = MergeBy("ip");
  t[{"PodSpec", "topologySpreadConstraints"}] = MergeBy("topologyKey");
  t[{"PodSpec", "schedulingGates"}] = MergeBy("name");
  t[{"PodSpec", "resourceClaims"}] = MergeRetainBy("name");
  AddContainerFields(t, "Container");
  AddContainerFields(t, "EphemeralContainer");
  t[{"PodStatus", "conditions"}] = MergeBy("type");
  t[{"PodStatus", "podIPs"}] = MergeBy("ip");
  t[{"PodStatus", "hostIPs"}] = MergeBy("ip");
  t[{"PodStatus", "resourceClaimStatuses"}] = MergeRetainBy("name");
  t[{"ContainerStatus", "volumeMounts"}] = MergeBy("mountPath");
  t[{"ContainerStatus", "allocatedResourcesStatus"}] = MergeBy("name");

  // core/v1 Node, Namespace, Service, ServiceAccount
  t[{"NodeSpec", "podCIDRs"}] = MergeSet();
  t[{"NodeStatus", "conditions"}] = MergeBy("type");
  t[{"NodeStatus", "addresses"}] = MergeBy("type");
  t[{"NamespaceStatus", "conditions"}] = MergeBy("type");
  t[{"ServiceSpec", "ports"}] = MergeBy("port");
  t[{"ServiceStatus", "conditions"}] = MergeBy("type");
  t[{"ServiceAccount", "secrets"}] = MergeBy("name");

  // apps/v1
  t[{"DeploymentSpec", "strategy"}] = RetainKeys();
  t[{"DeploymentStatus", "conditions"}] = MergeBy("type");
  t[{"ReplicaSetStatus", "conditions"}] = MergeBy("type");
  return t;
}

const Table& TheTable() {
  static const Table table = BuildTable();
  return table;
}

}  // namespace

const PatchStrategy& LookupPatchStrategy(std::string_view type_name, std::string_view field) {
  static const PatchStrategy kNone;
  const Table& t = TheTable();
  auto it = t.find(std::pair<std::string, std::string>(type_name, field));
  return it == t.end() ? kNone : it->second;
}

std::vector<std::pair<std::string, PatchStrategy>> AllPatchStrategies() {
  std::vector<std::pair<std::string, PatchStrategy>> out;
  for (const auto& [key, strategy] : TheTable())
    out.emplace_back(key.first + "." + key.second, strategy);
  return out;
}

}  // namespace skiff::api
