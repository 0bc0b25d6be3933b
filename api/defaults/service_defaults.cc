// Service defaults (upstream's SetDefaults_Service, plus the IP family policy
// the Service registry fills in on a single-stack IPv4 cluster).
#include <string>

#include "api/defaults/kind_defaults.h"
#include "api/validation/json_access.h"

namespace skiff::api::defaults {
namespace {

constexpr int kDefaultClientIpTimeoutSeconds = 10800;

bool IsHeadless(const json& spec) {
  if (jsonx::GetString(spec, "clusterIP") == "None") return true;
  const json* ips = jsonx::GetArray(spec, "clusterIPs");
  return ips && !ips->empty() && (*ips)[0] == "None";
}

}  // namespace

void DefaultService(json& service) {
  if (!jsonx::GetObject(service, "spec")) {
    if (jsonx::Has(service, "spec")) return;
    service["spec"] = json::object();
  }
  json& spec = service["spec"];
  jsonx::SetDefaultString(spec, "sessionAffinity", "None");
  std::string affinity = jsonx::GetString(spec, "sessionAffinity");
  if (affinity == "None") {
    spec.erase("sessionAffinityConfig");
  } else if (affinity == "ClientIP") {
    const json& cfg = jsonx::Member(jsonx::Member(spec, "sessionAffinityConfig"), "clientIP");
    if (!jsonx::Has(cfg, "timeoutSeconds")) {
      spec["sessionAffinityConfig"] = {
          {"clientIP", {{"timeoutSeconds", kDefaultClientIpTimeoutSeconds}}}};
    }
  }
  jsonx::SetDefaultString(spec, "type", "ClusterIP");
  std::string type = jsonx::GetString(spec, "type");
  if (jsonx::GetArray(spec, "ports")) {
    for (json& port : spec["ports"]) {
      if (!port.is_object()) continue;
      jsonx::SetDefaultString(port, "protocol", "TCP");
      const json* target = jsonx::Get(port, "targetPort");
      bool unset = !target || (target->is_number() && jsonx::AsInt(*target) == 0) ||
                   (target->is_string() && target->get_ref<const std::string&>().empty());
      if (unset) {
        if (const json* p = jsonx::Get(port, "port")) port["targetPort"] = *p;
      }
    }
  }
  bool externally_accessible = type == "LoadBalancer" || type == "NodePort" ||
                               (type == "ClusterIP" && jsonx::ArraySize(spec, "externalIPs") > 0);
  if (externally_accessible) jsonx::SetDefaultString(spec, "externalTrafficPolicy", "Cluster");
  if (type == "NodePort" || type == "LoadBalancer" || type == "ClusterIP") {
    jsonx::SetDefault(spec, "internalTrafficPolicy", "Cluster");
  }
  if (type == "LoadBalancer") jsonx::SetDefault(spec, "allocateLoadBalancerNodePorts", true);
  if (type != "ExternalName") {
    // What the registry picks on a single-stack IPv4 cluster: headless
    // Services without a selector may use every family the cluster has.
    bool selectorless = !jsonx::GetObject(spec, "selector") || spec["selector"].empty();
    jsonx::SetDefaultString(spec, "ipFamilyPolicy",
                            IsHeadless(spec) && selectorless ? "RequireDualStack" : "SingleStack");
    jsonx::SetDefault(spec, "ipFamilies", json::array({"IPv4"}));
  }
}

}  // namespace skiff::api::defaults
