// Service: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE [SELECTOR].
// Endpoints: NAME ENDPOINTS AGE.
//
// EXTERNAL-IP: spec.externalIPs for ClusterIP and NodePort ("<none>" when
// empty); for LoadBalancer the ingress IPs/hostnames (sorted, unique) followed
// by spec.externalIPs, or "<pending>" when there are none; spec.externalName
// for ExternalName. PORT(S): "80/TCP", "80:30080/TCP" with a node port.
// ENDPOINTS: the first three "ip:port" pairs, then " + N more...".
#include <set>

#include "api/labels/labels.h"
#include "apiserver/printers/printer.h"

namespace skiff::apiserver::printers {
namespace {

using nlohmann::json;

// kubectl's non-wide width for a load-balancer ingress list.
constexpr size_t kLoadBalancerWidth = 16;

std::vector<std::string> Strings(const json& arr) {
  std::vector<std::string> out;
  for (const json& v : arr) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

std::string LoadBalancerIngress(const json& status, bool wide) {
  std::set<std::string> unique;
  for (const json& ing : Arr(Obj(status, "loadBalancer"), "ingress")) {
    if (std::string ip = Str(ing, "ip"); !ip.empty()) {
      unique.insert(ip);
    } else if (std::string host = Str(ing, "hostname"); !host.empty()) {
      unique.insert(host);
    }
  }
  std::string out = Join(std::vector<std::string>(unique.begin(), unique.end()), ",");
  if (!wide && out.size() > kLoadBalancerWidth) {
    out = out.substr(0, kLoadBalancerWidth - 3) + "...";
  }
  return out;
}

std::string ExternalIp(const std::string& type, const json& spec, const json& status, bool wide) {
  std::vector<std::string> external_ips = Strings(Arr(spec, "externalIPs"));
  if (type == "ClusterIP" || type == "NodePort") {
    return external_ips.empty() ? "<none>" : Join(external_ips, ",");
  }
  if (type == "LoadBalancer") {
    std::string lb = LoadBalancerIngress(status, wide);
    if (!external_ips.empty()) {
      std::vector<std::string> all;
      if (!lb.empty()) all.push_back(lb);
      all.insert(all.end(), external_ips.begin(), external_ips.end());
      return Join(all, ",");
    }
    return lb.empty() ? "<pending>" : lb;
  }
  if (type == "ExternalName") return Str(spec, "externalName");
  return "<unknown>";
}

std::string Ports(const json& spec) {
  std::vector<std::string> pieces;
  for (const json& p : Arr(spec, "ports")) {
    std::string protocol = Str(p, "protocol");
    if (protocol.empty()) protocol = "TCP";
    std::string piece = std::to_string(Int(p, "port"));
    if (int64_t node_port = Int(p, "nodePort"); node_port > 0) {
      piece += ":" + std::to_string(node_port);
    }
    pieces.push_back(piece + "/" + protocol);
  }
  return pieces.empty() ? "<none>" : Join(pieces, ",");
}

PrintedRow PrintService(const json& svc, const PrintContext& ctx) {
  const json& spec = Obj(svc, "spec");
  const json& status = Obj(svc, "status");
  std::string type = Find(spec, "type") != nullptr ? Str(spec, "type") : "ClusterIP";
  std::string cluster_ip = "<none>";
  if (const json& ips = Arr(spec, "clusterIPs"); !ips.empty() && ips[0].is_string()) {
    cluster_ip = ips[0].get<std::string>();
  } else if (std::string ip = Str(spec, "clusterIP"); !ip.empty()) {
    cluster_ip = ip;
  }
  api::Labels selector = api::Labels::FromJson(Obj(spec, "selector"));
  PrintedRow row;
  row.cells = {NameOf(svc),
               type,
               cluster_ip,
               ExternalIp(type, spec, status, ctx.wide),
               Ports(spec),
               AgeOf(svc, ctx.clock),
               selector.empty() ? "<none>" : selector.ToString()};
  return row;
}

std::string HostPort(const std::string& ip, int64_t port) {
  // net.JoinHostPort brackets IPv6 addresses.
  if (ip.find(':') != std::string::npos) return "[" + ip + "]:" + std::to_string(port);
  return ip + ":" + std::to_string(port);
}

std::string EndpointList(const json& endpoints) {
  const json& subsets = Arr(endpoints, "subsets");
  if (subsets.empty()) return "<none>";
  constexpr size_t kMax = 3;
  std::vector<std::string> list;
  bool more = false;
  size_t count = 0;
  for (const json& ss : subsets) {
    const json& addresses = Arr(ss, "addresses");
    const json& ports = Arr(ss, "ports");
    if (ports.empty()) {
      // A headless service may have no ports: list bare IPs.
      count += addresses.size();
      for (const json& a : addresses) {
        if (list.size() == kMax) {
          more = true;
          break;
        }
        list.push_back(Str(a, "ip"));
      }
      continue;
    }
    for (const json& port : ports) {
      count += addresses.size();
      for (const json& a : addresses) {
        if (list.size() == kMax) {
          more = true;
          break;
        }
        list.push_back(HostPort(Str(a, "ip"), Int(port, "port")));
      }
    }
  }
  std::string out = Join(list, ",");
  if (more) out += " + " + std::to_string(count - kMax) + " more...";
  return out;
}

PrintedRow PrintEndpoints(const json& ep, const PrintContext& ctx) {
  PrintedRow row;
  row.cells = {NameOf(ep), EndpointList(ep), AgeOf(ep, ctx.clock)};
  return row;
}

}  // namespace

KindPrinter ServicePrinter() {
  return {{NameColumn(),
           {"Type", "string", "", "type determines how the Service is exposed.", 0},
           {"Cluster-IP", "string", "", "The IP address of the service inside the cluster.", 0},
           {"External-IP", "string", "",
            "The IP addresses at which the service can be reached from outside the cluster.", 0},
           {"Port(s)", "string", "", "The list of ports that are exposed by this service.", 0},
           AgeColumn(),
           {"Selector", "string", "",
            "Route service traffic to pods with label keys and values matching this selector.", 1}},
          PrintService};
}

KindPrinter EndpointsPrinter() {
  return {{NameColumn(),
           {"Endpoints", "string", "", "The set of all endpoints is the union of all subsets.", 0},
           AgeColumn()},
          PrintEndpoints};
}

}  // namespace skiff::apiserver::printers
