// Service: DNS-1035 name, ports, type, clusterIP(s), selector, session
// affinity, traffic policies; on update the clusterIP may not change.
#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "api/validation/field_validators.h"
#include "api/validation/json_access.h"
#include "api/validation/kind_validators.h"
#include "api/validation/network.h"
#include "api/validation/object_meta.h"
#include "api/validation/pod_spec.h"

namespace skiff::api::validation {
namespace {

constexpr int64_t kNodePortMin = 30000;
constexpr int64_t kNodePortMax = 32767;
constexpr int64_t kKubeletPort = 10250;

bool IsHeadless(const json& spec) {
  if (jsonx::GetString(spec, "clusterIP") == "None") return true;
  const json* ips = jsonx::GetArray(spec, "clusterIPs");
  return ips && !ips->empty() && (*ips)[0] == "None";
}

void ValidateServicePort(const json& port, bool require_name, std::set<std::string>& names,
                         const FieldPath& p, FieldErrors& errs) {
  auto name = CheckString(port, "name", p.Child("name"), errs);
  if (require_name && (!name || name->empty())) {
    errs.push_back(Required(p.Child("name"), ""));
  } else if (name && !name->empty()) {
    ValidateDns1123Label(*name, p.Child("name"), errs);
    if (!names.insert(*name).second) errs.push_back(Duplicate(p.Child("name"), QuoteValue(*name)));
  }
  auto number = CheckInt(port, "port", p.Child("port"), errs).value_or(0);
  for (const auto& m : IsValidPortNum(number)) {
    errs.push_back(Invalid(p.Child("port"), std::to_string(number), m));
  }
  if (auto protocol = CheckString(port, "protocol", p.Child("protocol"), errs)) {
    if (protocol->empty()) {
      errs.push_back(Required(p.Child("protocol"), ""));
    } else if (*protocol != "TCP" && *protocol != "UDP" && *protocol != "SCTP") {
      errs.push_back(
          NotSupported(p.Child("protocol"), QuoteValue(*protocol), {"SCTP", "TCP", "UDP"}));
    }
  }
  if (const json* target = jsonx::Get(port, "targetPort")) {
    ValidatePortNumOrName(*target, p.Child("targetPort"), errs);
  }
  if (auto app = CheckString(port, "appProtocol", p.Child("appProtocol"), errs)) {
    ValidateQualifiedName(*app, p.Child("appProtocol"), errs);
  }
}

void ValidateClusterIps(const json& spec, const std::string& type, const FieldPath& path,
                        FieldErrors& errs) {
  std::string cluster_ip = jsonx::GetString(spec, "clusterIP");
  const json* ips = jsonx::GetArray(spec, "clusterIPs");
  if (type == "ExternalName") {
    if ((ips && !ips->empty()) || !cluster_ip.empty()) {
      errs.push_back(Forbidden(path.Child(ips && !ips->empty() ? "clusterIPs" : "clusterIP"),
                               "may not be set for ExternalName services"));
    }
    return;
  }
  if (!cluster_ip.empty() && cluster_ip != "None") {
    AppendInvalid(errs, path.Child("clusterIP"), cluster_ip, IsValidIp(cluster_ip));
  }
  if (!ips) return;
  if (!ips->empty() && !cluster_ip.empty() && (*ips)[0] != cluster_ip) {
    errs.push_back(Invalid(path.Child("clusterIPs"), jsonx::Render(*ips),
                           "first value must match `clusterIP`"));
  }
  if (ips->size() > 2) {
    errs.push_back(
        Invalid(path.Child("clusterIPs"), jsonx::Render(*ips), "may only hold up to 2 values"));
  }
  for (size_t i = 0; i < ips->size(); ++i) {
    const json& ip = (*ips)[i];
    std::string s = ip.is_string() ? ip.get<std::string>() : std::string();
    if (s == "None") {
      if (i != 0 || ips->size() > 1) {
        errs.push_back(Invalid(path.Child("clusterIPs").Index(i), QuoteValue(s),
                               "'None' must be the first and only value"));
      }
      continue;
    }
    AppendInvalid(errs, path.Child("clusterIPs").Index(i), s, IsValidIp(s));
  }
}

}  // namespace

void ValidateService(const json& obj, FieldErrors& errs) {
  ValidateObjectMeta(jsonx::Member(obj, "metadata"), true, NameIsDns1035Label,
                     FieldPath("metadata"), errs);
  const json& spec = jsonx::Member(obj, "spec");
  FieldPath path("spec");
  if (!spec.is_object()) {
    if (!spec.is_null()) {
      errs.push_back(WrongType(path, spec, "object"));
      return;
    }
  }
  auto type_opt = CheckString(spec, "type", path.Child("type"), errs);
  std::string type = type_opt.value_or("ClusterIP");
  bool headless = IsHeadless(spec);
  const json* ports = jsonx::GetArray(spec, "ports");
  size_t nports = ports ? ports->size() : 0;
  if (nports == 0 && !headless && type != "ExternalName") {
    errs.push_back(Required(path.Child("ports"), ""));
  }
  if (type == "LoadBalancer" || type == "NodePort") {
    if (headless) {
      errs.push_back(Invalid(path.Child("clusterIPs").Index(0), "\"None\"",
                             "may not be set to 'None' for " + type + " services"));
    }
  }
  if (type == "LoadBalancer") {
    for (size_t i = 0; i < nports; ++i) {
      if (jsonx::GetInt((*ports)[i], "port") == kKubeletPort) {
        errs.push_back(Invalid(path.Child("ports").Index(i), std::to_string(kKubeletPort),
                               "may not expose port 10250 externally since it is used by kubelet"));
      }
    }
  }
  if (type == "ExternalName") {
    std::string cname = jsonx::GetString(spec, "externalName");
    if (!cname.empty() && cname.back() == '.') cname.pop_back();
    if (cname.empty()) {
      errs.push_back(Required(path.Child("externalName"), ""));
    } else {
      ValidateDns1123Subdomain(cname, path.Child("externalName"), errs);
    }
  }
  std::set<std::string> names;
  std::map<std::pair<std::string, int64_t>, bool> seen_ports, seen_node_ports;
  for (size_t i = 0; i < nports; ++i) {
    const json& port = (*ports)[i];
    FieldPath p = path.Child("ports").Index(i);
    ValidateServicePort(port, nports > 1, names, p, errs);
    std::string protocol = jsonx::GetString(port, "protocol");
    if (protocol.empty()) protocol = "TCP";
    auto number = jsonx::GetInt(port, "port").value_or(0);
    if (number != 0 && seen_ports.count({protocol, number})) {
      errs.push_back(Duplicate(p, "{\"port\":" + std::to_string(number) +
                                      ",\"protocol\":" + QuoteValue(protocol) + "}"));
    }
    seen_ports[{protocol, number}] = true;
    auto node_port = CheckInt(port, "nodePort", p.Child("nodePort"), errs).value_or(0);
    if (node_port == 0) continue;
    if (type == "ClusterIP") {
      errs.push_back(Forbidden(p.Child("nodePort"), "may not be used when `type` is 'ClusterIP'"));
    } else if (type == "ExternalName") {
      errs.push_back(
          Forbidden(p.Child("nodePort"), "may not be used when `type` is 'ExternalName'"));
    } else if (node_port < kNodePortMin || node_port > kNodePortMax) {
      errs.push_back(Invalid(p.Child("nodePort"), std::to_string(node_port),
                             "provided port is not in the valid range. The range of valid ports "
                             "is 30000-32767"));
    }
    if (seen_node_ports.count({protocol, node_port})) {
      errs.push_back(Duplicate(p.Child("nodePort"), std::to_string(node_port)));
    }
    seen_node_ports[{protocol, node_port}] = true;
  }
  if (const json* selector = jsonx::Get(spec, "selector")) {
    ValidateLabels(*selector, path.Child("selector"), errs);
  }
  if (auto affinity = CheckString(spec, "sessionAffinity", path.Child("sessionAffinity"), errs)) {
    if (affinity->empty()) {
      errs.push_back(Required(path.Child("sessionAffinity"), ""));
    } else if (*affinity != "None" && *affinity != "ClientIP") {
      errs.push_back(
          NotSupported(path.Child("sessionAffinity"), QuoteValue(*affinity), {"ClientIP", "None"}));
    } else if (*affinity == "ClientIP") {
      const json& cfg = jsonx::Member(jsonx::Member(spec, "sessionAffinityConfig"), "clientIP");
      if (auto timeout = jsonx::GetInt(cfg, "timeoutSeconds");
          timeout && (*timeout <= 0 || *timeout > 86400)) {
        errs.push_back(
            Invalid(path.Child("sessionAffinityConfig").Child("clientIP").Child("timeoutSeconds"),
                    std::to_string(*timeout), "must be greater than 0 and less than 86400"));
      }
    } else if (jsonx::Has(spec, "sessionAffinityConfig")) {
      errs.push_back(Forbidden(path.Child("sessionAffinityConfig"),
                               "must not be set when session affinity is None"));
    }
  }
  ValidateClusterIps(spec, type, path, errs);
  if (const json* external = jsonx::GetArray(spec, "externalIPs")) {
    for (size_t i = 0; i < external->size(); ++i) {
      std::string ip = (*external)[i].is_string() ? (*external)[i].get<std::string>() : "";
      AppendInvalid(errs, path.Child("externalIPs").Index(i), ip, IsValidIp(ip));
    }
  }
  if (type_opt) {
    static const std::vector<std::string> kTypes = {"ClusterIP", "ExternalName", "LoadBalancer",
                                                    "NodePort"};
    if (type_opt->empty()) {
      errs.push_back(Required(path.Child("type"), ""));
    } else if (std::find(kTypes.begin(), kTypes.end(), *type_opt) == kTypes.end()) {
      errs.push_back(NotSupported(path.Child("type"), QuoteValue(*type_opt), kTypes));
    }
  }
  if (auto policy =
          CheckString(spec, "internalTrafficPolicy", path.Child("internalTrafficPolicy"), errs)) {
    if (*policy != "Cluster" && *policy != "Local") {
      errs.push_back(NotSupported(path.Child("internalTrafficPolicy"), QuoteValue(*policy),
                                  {"Cluster", "Local"}));
    }
  }
  if (auto policy =
          CheckString(spec, "externalTrafficPolicy", path.Child("externalTrafficPolicy"), errs)) {
    bool external = type == "NodePort" || type == "LoadBalancer";
    if (!policy->empty() && !external) {
      errs.push_back(Invalid(path.Child("externalTrafficPolicy"), QuoteValue(*policy),
                             "may only be set for externally-accessible services"));
    } else if (!policy->empty() && *policy != "Cluster" && *policy != "Local") {
      errs.push_back(NotSupported(path.Child("externalTrafficPolicy"), QuoteValue(*policy),
                                  {"Cluster", "Local"}));
    }
  }
  if (auto policy = CheckString(spec, "ipFamilyPolicy", path.Child("ipFamilyPolicy"), errs)) {
    if (*policy != "SingleStack" && *policy != "PreferDualStack" && *policy != "RequireDualStack") {
      errs.push_back(NotSupported(path.Child("ipFamilyPolicy"), QuoteValue(*policy),
                                  {"PreferDualStack", "RequireDualStack", "SingleStack"}));
    }
  }
  if (const json* families = jsonx::GetArray(spec, "ipFamilies")) {
    for (size_t i = 0; i < families->size(); ++i) {
      const json& f = (*families)[i];
      if (f != "IPv4" && f != "IPv6") {
        errs.push_back(
            NotSupported(path.Child("ipFamilies").Index(i), jsonx::Render(f), {"IPv4", "IPv6"}));
      }
    }
  }
}

void ValidateServiceUpdate(const json& updated, const json& old, FieldErrors& errs) {
  const json& new_spec = jsonx::Member(updated, "spec");
  const json& old_spec = jsonx::Member(old, "spec");
  // Changing to or from ExternalName releases or allocates the IP.
  if (jsonx::GetString(new_spec, "type") == "ExternalName" ||
      jsonx::GetString(old_spec, "type") == "ExternalName") {
    return;
  }
  std::string old_ip = jsonx::GetString(old_spec, "clusterIP");
  if (old_ip.empty()) return;
  std::string new_ip = jsonx::GetString(new_spec, "clusterIP");
  if (new_ip != old_ip) {
    errs.push_back(
        Invalid(FieldPath("spec").Child("clusterIP"), QuoteValue(new_ip), "field is immutable"));
  }
  const json* old_ips = jsonx::GetArray(old_spec, "clusterIPs");
  const json* new_ips = jsonx::GetArray(new_spec, "clusterIPs");
  if (old_ips && !old_ips->empty() && new_ips && !new_ips->empty() &&
      (*new_ips)[0] != (*old_ips)[0]) {
    errs.push_back(Invalid(FieldPath("spec").Child("clusterIPs").Index(0),
                           jsonx::Render((*new_ips)[0]), "may not change once set"));
  }
}

}  // namespace skiff::api::validation
