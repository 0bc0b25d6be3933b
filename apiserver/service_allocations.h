// ServiceAllocations: cluster IPs and node ports of Services, as KindHooks.
//
// Cluster IPs come from an IPv4 service CIDR (default 10.96.0.0/12; the first
// address is kept for the `kubernetes` service), node ports from 30000-32767.
// A Service asking for a specific IP or port gets it if free, else Invalid with
// the field path (spec.clusterIPs / spec.ports[i].nodePort) and Kubernetes' words.
// ExternalName services and clusterIP "None" (headless) get no IP.
// The allocation state lives in memory and is rebuilt from the stored Services at
// start, so it is right for one API server per store. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "apiserver/kind_hooks.h"

namespace skiff::apiserver {

struct ServiceRanges {
  uint32_t cidr_base = (10u << 24) | (96u << 16);  // 10.96.0.0
  int cidr_prefix = 12;
  int node_port_min = 30000;
  int node_port_max = 32767;
};

class ServiceAllocations : public KindHooks {
 public:
  explicit ServiceAllocations(ServiceRanges ranges = {});

  void Rebuild(const std::vector<nlohmann::json>& services) override;
  Status BeforeCreate(nlohmann::json& service) override;
  void CreateFailed(const nlohmann::json& service) override;
  Status BeforeUpdate(nlohmann::json& service, const nlohmann::json& old) override;
  void UpdateFailed(const nlohmann::json& service, const nlohmann::json& old) override;
  void UpdateDone(const nlohmann::json& service, const nlohmann::json& old) override;
  void Deleted(const nlohmann::json& service) override;

  static std::string FormatIp(uint32_t ip);
  static std::optional<uint32_t> ParseIp(const std::string& text);

 private:
  Status AllocateIp(nlohmann::json& service);
  Status AllocateNodePorts(nlohmann::json& service, const nlohmann::json* old);
  void ReleaseIp(const nlohmann::json& service);
  void ReleaseNodePorts(const nlohmann::json& service, const nlohmann::json* keep);

  ServiceRanges ranges_;
  std::mutex mu_;
  std::set<uint32_t> ips_;
  std::set<int> node_ports_;
  uint32_t next_ip_offset_ = 10;
  int next_node_port_ = 0;
};

}  // namespace skiff::apiserver
