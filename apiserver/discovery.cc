#include "apiserver/discovery.h"

#include <map>
#include <vector>

#include "api/kinds.h"

namespace skiff::apiserver {
namespace {

using nlohmann::json;

const json kVerbs = {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};
const json kSubresourceVerbs = {"get", "patch", "update"};

// Kinds listed by `kubectl get all`, as upstream puts them in the "all" category.
bool InCategoryAll(const api::KindInfo& k) {
  return k.kind == "Pod" || k.kind == "Service" || k.kind == "Deployment" || k.kind == "ReplicaSet";
}

// Groups in serving order: core first, then the others in kind-table order.
std::vector<std::string> Groups(bool core) {
  std::vector<std::string> groups;
  for (const auto& k : api::AllKinds()) {
    if (k.group.empty() != core) continue;
    if (std::find(groups.begin(), groups.end(), k.group) == groups.end()) groups.push_back(k.group);
  }
  return groups;
}

json AggregatedResource(const api::KindInfo& k) {
  json r = {{"resource", k.resource},
            {"responseKind", {{"group", k.group}, {"version", k.version}, {"kind", k.kind}}},
            {"scope", k.namespaced ? "Namespaced" : "Cluster"},
            {"singularResource", k.singular},
            {"verbs", kVerbs}};
  if (!k.short_names.empty()) r["shortNames"] = k.short_names;
  if (InCategoryAll(k)) r["categories"] = {"all"};
  json subs = json::array();
  json self_kind = {{"group", k.group}, {"version", k.version}, {"kind", k.kind}};
  if (k.has_status) subs.push_back({{"subresource", "status"}, {"responseKind", self_kind}, {"verbs", kSubresourceVerbs}});
  if (k.has_scale) {
    subs.push_back({{"subresource", "scale"},
                    {"responseKind", {{"group", "autoscaling"}, {"version", "v1"}, {"kind", "Scale"}}},
                    {"verbs", kSubresourceVerbs}});
  }
  if (k.kind == "Pod") {
    subs.push_back({{"subresource", "binding"},
                    {"responseKind", {{"group", ""}, {"version", "v1"}, {"kind", "Binding"}}},
                    {"verbs", {"create"}}});
    subs.push_back({{"subresource", "log"}, {"responseKind", self_kind}, {"verbs", {"get"}}});
    subs.push_back({{"subresource", "exec"},
                    {"responseKind", {{"group", ""}, {"version", "v1"}, {"kind", "PodExecOptions"}}},
                    {"verbs", {"create", "get"}}});
  }
  if (!subs.empty()) r["subresources"] = std::move(subs);
  return r;
}

json LegacyResources(const api::KindInfo& k) {
  json out = json::array();
  json r = {{"name", k.resource}, {"singularName", k.singular}, {"namespaced", k.namespaced},
            {"kind", k.kind},     {"verbs", kVerbs}};
  if (!k.short_names.empty()) r["shortNames"] = k.short_names;
  if (InCategoryAll(k)) r["categories"] = {"all"};
  out.push_back(r);
  auto sub = [&](const std::string& name, const std::string& kind, json verbs) {
    return json{{"name", k.resource + "/" + name}, {"singularName", ""}, {"namespaced", k.namespaced},
                {"kind", kind}, {"verbs", std::move(verbs)}};
  };
  if (k.has_status) out.push_back(sub("status", k.kind, kSubresourceVerbs));
  if (k.has_scale) {
    json s = sub("scale", "Scale", kSubresourceVerbs);
    s["group"] = "autoscaling";
    s["version"] = "v1";
    out.push_back(s);
  }
  if (k.kind == "Pod") {
    out.push_back(sub("binding", "Binding", {"create"}));
    out.push_back(sub("log", "Pod", {"get"}));
    out.push_back(sub("exec", "PodExecOptions", {"create", "get"}));
  }
  return out;
}

json GroupVersionEntry(const std::string& group, const std::string& version) {
  return {{"groupVersion", group.empty() ? version : group + "/" + version}, {"version", version}};
}

}  // namespace

std::string AggregatedDiscoveryVersion(std::string_view accept) {
  // The client lists what it takes in order of preference; honour the first.
  size_t v2 = accept.find("g=apidiscovery.k8s.io;v=v2;");
  size_t v2beta1 = accept.find("g=apidiscovery.k8s.io;v=v2beta1;");
  if (v2 == std::string_view::npos && v2beta1 == std::string_view::npos) return "";
  if (v2beta1 == std::string_view::npos || (v2 != std::string_view::npos && v2 < v2beta1)) return "v2";
  return "v2beta1";
}

std::string AggregatedContentType(std::string_view version) {
  return "application/json;g=apidiscovery.k8s.io;v=" + std::string(version) + ";as=APIGroupDiscoveryList";
}

json AggregatedDiscovery(bool core, std::string_view version) {
  json items = json::array();
  for (const auto& group : Groups(core)) {
    std::map<std::string, json> by_version;
    for (const auto& k : api::AllKinds()) {
      if (k.group != group) continue;
      json& v = by_version[k.version];
      if (v.is_null()) v = {{"version", k.version}, {"freshness", "Current"}, {"resources", json::array()}};
      v["resources"].push_back(AggregatedResource(k));
    }
    json versions = json::array();
    for (auto& [_, v] : by_version) versions.push_back(std::move(v));
    json meta = {{"creationTimestamp", nullptr}};
    if (!group.empty()) meta["name"] = group;
    items.push_back({{"metadata", meta}, {"versions", std::move(versions)}});
  }
  return {{"kind", "APIGroupDiscoveryList"},
          {"apiVersion", "apidiscovery.k8s.io/" + std::string(version)},
          {"metadata", json::object()},
          {"items", std::move(items)}};
}

json LegacyApiVersions() {
  return {{"kind", "APIVersions"},
          {"versions", {"v1"}},
          {"serverAddressByClientCIDRs", {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", ""}}}}};
}

json LegacyApiGroup(std::string_view group) {
  for (const auto& k : api::AllKinds()) {
    if (k.group != group || group.empty()) continue;
    json gv = GroupVersionEntry(k.group, k.version);
    return {{"kind", "APIGroup"}, {"apiVersion", "v1"}, {"name", k.group}, {"versions", {gv}}, {"preferredVersion", gv}};
  }
  return nullptr;
}

json LegacyApiGroupList() {
  json groups = json::array();
  for (const auto& g : Groups(false)) {
    json group = LegacyApiGroup(g);
    group.erase("kind");
    group.erase("apiVersion");
    groups.push_back(std::move(group));
  }
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", std::move(groups)}};
}

json LegacyResourceList(std::string_view group, std::string_view version) {
  json resources = json::array();
  for (const auto& k : api::AllKinds()) {
    if (k.group != group || k.version != version) continue;
    for (auto& r : LegacyResources(k)) resources.push_back(std::move(r));
  }
  if (resources.empty()) return nullptr;
  return {{"kind", "APIResourceList"},
          {"apiVersion", "v1"},
          {"groupVersion", group.empty() ? std::string(version) : std::string(group) + "/" + std::string(version)},
          {"resources", std::move(resources)}};
}

}  // namespace skiff::apiserver
