#include "apiserver/service_allocations.h"

#include <arpa/inet.h>

#include "api/field_error.h"

namespace skiff::apiserver {
namespace {

using nlohmann::json;

std::string TypeOf(const json& svc) {
  const json& spec = svc.value("spec", json::object());
  return spec.value("type", std::string("ClusterIP"));
}

bool WantsNodePorts(const json& svc) {
  std::string type = TypeOf(svc);
  return type == "NodePort" || type == "LoadBalancer";
}

std::string NameOf(const json& svc) { return svc["metadata"].value("name", ""); }

Status InvalidField(const json& svc, const api::FieldPath& path, const std::string& value, const std::string& detail) {
  return api::ToInvalidStatus("Service", NameOf(svc), {api::Invalid(path, value, detail)});
}

std::set<int> NodePortsOf(const json& svc) {
  std::set<int> ports;
  const json& spec = svc.value("spec", json::object());
  for (const json& p : spec.value("ports", json::array())) {
    if (p.is_object() && p.contains("nodePort") && p["nodePort"].is_number_integer()) ports.insert(p["nodePort"].get<int>());
  }
  return ports;
}

}  // namespace

ServiceAllocations::ServiceAllocations(ServiceRanges ranges) : ranges_(ranges), next_node_port_(ranges.node_port_min) {}

std::string ServiceAllocations::FormatIp(uint32_t ip) {
  in_addr addr{htonl(ip)};
  char buf[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &addr, buf, sizeof buf);
  return buf;
}

std::optional<uint32_t> ServiceAllocations::ParseIp(const std::string& text) {
  in_addr addr{};
  if (inet_pton(AF_INET, text.c_str(), &addr) != 1) return std::nullopt;
  return ntohl(addr.s_addr);
}

void ServiceAllocations::Rebuild(const std::vector<json>& services) {
  std::lock_guard lock(mu_);
  ips_.clear();
  node_ports_.clear();
  for (const json& svc : services) {
    const json& spec = svc.value("spec", json::object());
    if (auto ip = ParseIp(spec.value("clusterIP", ""))) ips_.insert(*ip);
    for (int port : NodePortsOf(svc)) node_ports_.insert(port);
  }
}

Status ServiceAllocations::AllocateIp(json& svc) {
  json& spec = svc["spec"];
  if (TypeOf(svc) == "ExternalName") return Status::Ok();
  std::string wanted = spec.value("clusterIP", "");
  if (wanted.empty() && spec.contains("clusterIPs") && spec["clusterIPs"].is_array() && !spec["clusterIPs"].empty() &&
      spec["clusterIPs"][0].is_string()) {
    wanted = spec["clusterIPs"][0].get<std::string>();
  }
  if (wanted == "None") {
    spec["clusterIP"] = "None";
    spec["clusterIPs"] = {"None"};
    return Status::Ok();
  }
  uint32_t size = 1u << (32 - ranges_.cidr_prefix);
  uint32_t ip = 0;
  std::lock_guard lock(mu_);
  if (!wanted.empty()) {
    std::optional<uint32_t> parsed = ParseIp(wanted);
    api::FieldPath path("spec.clusterIPs");
    std::string value = "[]string{" + api::QuoteValue(wanted) + "}";
    if (!parsed) return InvalidField(svc, path, value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
    if (*parsed - ranges_.cidr_base >= size) {
      return InvalidField(svc, path, value,
                          "failed to allocate IP " + wanted + ": the provided IP (" + wanted +
                              ") is not in the valid range. The range of valid IPs is " + FormatIp(ranges_.cidr_base) +
                              "/" + std::to_string(ranges_.cidr_prefix));
    }
    if (ips_.count(*parsed)) {
      return InvalidField(svc, path, value, "failed to allocate IP " + wanted + ": provided IP is already allocated");
    }
    ip = *parsed;
  } else {
    // Offsets 0 (network), 1 (the kubernetes service) and the broadcast address are never handed out.
    for (uint32_t tries = 0; tries < size && ip == 0; ++tries) {
      uint32_t offset = next_ip_offset_;
      next_ip_offset_ = offset + 1 >= size - 1 ? 2 : offset + 1;
      if (!ips_.count(ranges_.cidr_base + offset)) ip = ranges_.cidr_base + offset;
    }
    if (ip == 0) return Status(Code::kInternal, "failed to allocate a serviceIP: range is full");
  }
  ips_.insert(ip);
  spec["clusterIP"] = FormatIp(ip);
  spec["clusterIPs"] = {FormatIp(ip)};
  if (!spec.contains("ipFamilies")) spec["ipFamilies"] = {"IPv4"};
  if (!spec.contains("ipFamilyPolicy")) spec["ipFamilyPolicy"] = "SingleStack";
  return Status::Ok();
}

Status ServiceAllocations::AllocateNodePorts(json& svc, const json* old) {
  if (!WantsNodePorts(svc) || !svc["spec"].contains("ports")) return Status::Ok();
  std::set<int> owned = old ? NodePortsOf(*old) : std::set<int>{};
  std::lock_guard lock(mu_);
  std::vector<int> taken_here;
  auto undo = [&] {
    for (int p : taken_here) node_ports_.erase(p);
  };
  json& ports = svc["spec"]["ports"];
  for (size_t i = 0; i < ports.size(); ++i) {
    json& port = ports[i];
    if (!port.is_object()) continue;
    int wanted = port.contains("nodePort") && port["nodePort"].is_number_integer() ? port["nodePort"].get<int>() : 0;
    if (wanted != 0) {
      if (owned.count(wanted)) continue;
      api::FieldPath path = api::FieldPath("spec.ports").Index(i).Child("nodePort");
      if (wanted < ranges_.node_port_min || wanted > ranges_.node_port_max) {
        undo();
        return InvalidField(svc, path, std::to_string(wanted),
                            "provided port is not in the valid range. The range of valid ports is " +
                                std::to_string(ranges_.node_port_min) + "-" + std::to_string(ranges_.node_port_max));
      }
      if (node_ports_.count(wanted)) {
        undo();
        return InvalidField(svc, path, std::to_string(wanted), "provided port is already allocated");
      }
      node_ports_.insert(wanted);
      taken_here.push_back(wanted);
      continue;
    }
    int span = ranges_.node_port_max - ranges_.node_port_min + 1;
    int chosen = 0;
    for (int tries = 0; tries < span && chosen == 0; ++tries) {
      int candidate = next_node_port_;
      next_node_port_ = candidate >= ranges_.node_port_max ? ranges_.node_port_min : candidate + 1;
      if (!node_ports_.count(candidate)) chosen = candidate;
    }
    if (chosen == 0) {
      undo();
      return Status(Code::kInternal, "failed to allocate a nodePort: range is full");
    }
    node_ports_.insert(chosen);
    taken_here.push_back(chosen);
    port["nodePort"] = chosen;
  }
  return Status::Ok();
}

void ServiceAllocations::ReleaseIp(const json& svc) {
  std::lock_guard lock(mu_);
  if (auto ip = ParseIp(svc.value("spec", json::object()).value("clusterIP", ""))) ips_.erase(*ip);
}

void ServiceAllocations::ReleaseNodePorts(const json& svc, const json* keep) {
  std::set<int> kept = keep ? NodePortsOf(*keep) : std::set<int>{};
  std::lock_guard lock(mu_);
  for (int port : NodePortsOf(svc)) {
    if (!kept.count(port)) node_ports_.erase(port);
  }
}

Status ServiceAllocations::BeforeCreate(json& svc) {
  if (!svc.contains("spec") || !svc["spec"].is_object()) svc["spec"] = json::object();
  SKIFF_RETURN_IF_ERROR(AllocateIp(svc));
  Status ports = AllocateNodePorts(svc, nullptr);
  if (!ports.ok()) ReleaseIp(svc);
  return ports;
}

void ServiceAllocations::CreateFailed(const json& svc) {
  ReleaseIp(svc);
  ReleaseNodePorts(svc, nullptr);
}

Status ServiceAllocations::BeforeUpdate(json& svc, const json& old) {
  if (!svc.contains("spec") || !svc["spec"].is_object()) svc["spec"] = json::object();
  json& spec = svc["spec"];
  const json& old_spec = old.value("spec", json::object());
  // A PUT that leaves the cluster IP out keeps the allocated one.
  for (const char* field : {"clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"}) {
    bool missing = !spec.contains(field) || (spec[field].is_string() && spec[field].get<std::string>().empty());
    if (missing && old_spec.contains(field)) spec[field] = old_spec[field];
  }
  return AllocateNodePorts(svc, &old);
}

void ServiceAllocations::UpdateFailed(const json& svc, const json& old) { ReleaseNodePorts(svc, &old); }

void ServiceAllocations::UpdateDone(const json& svc, const json& old) { ReleaseNodePorts(old, &svc); }

void ServiceAllocations::Deleted(const json& svc) {
  ReleaseIp(svc);
  ReleaseNodePorts(svc, nullptr);
}

}  // namespace skiff::apiserver
