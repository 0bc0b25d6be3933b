// Node: NAME STATUS ROLES AGE VERSION
//       [INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME].
//
// STATUS is "Ready" / "NotReady" from the Ready condition ("Unknown" without
// one), plus ",SchedulingDisabled" for a cordoned node (spec.unschedulable).
// ROLES are the <role> of node-role.kubernetes.io/<role> labels and the value
// of a kubernetes.io/role label, sorted and unique; "<none>" when there are none.
#include <set>

#include "apiserver/printers/printer.h"

namespace skiff::apiserver::printers {
namespace {

using nlohmann::json;

constexpr std::string_view kRolePrefix = "node-role.kubernetes.io/";
constexpr std::string_view kRoleLabel = "kubernetes.io/role";

std::string NodeStatus(const json& node) {
  std::vector<std::string> parts;
  // Upstream keeps the last condition of a type when there are duplicates.
  const json* ready = nullptr;
  for (const json& c : Arr(Obj(node, "status"), "conditions")) {
    if (Str(c, "type") == "Ready") ready = &c;
  }
  if (ready != nullptr) {
    parts.push_back(Str(*ready, "status") == "True" ? "Ready" : "NotReady");
  } else {
    parts.push_back("Unknown");
  }
  if (Bool(Obj(node, "spec"), "unschedulable")) parts.push_back("SchedulingDisabled");
  return Join(parts, ",");
}

std::string Roles(const json& node) {
  std::set<std::string> roles;
  const json& labels = Obj(Obj(node, "metadata"), "labels");
  for (auto it = labels.begin(); it != labels.end(); ++it) {
    const std::string& key = it.key();
    if (key.starts_with(kRolePrefix)) {
      if (key.size() > kRolePrefix.size()) roles.insert(key.substr(kRolePrefix.size()));
    } else if (key == kRoleLabel && it->is_string() && !it->get<std::string>().empty()) {
      roles.insert(it->get<std::string>());
    }
  }
  if (roles.empty()) return "<none>";
  return Join(std::vector<std::string>(roles.begin(), roles.end()), ",");
}

std::string Address(const json& node, std::string_view type) {
  for (const json& a : Arr(Obj(node, "status"), "addresses")) {
    if (Str(a, "type") == type) return Str(a, "address");
  }
  return "<none>";
}

std::string OrUnknown(std::string s) { return s.empty() ? "<unknown>" : s; }

PrintedRow PrintNode(const json& node, const PrintContext& ctx) {
  const json& info = Obj(Obj(node, "status"), "nodeInfo");
  PrintedRow row;
  row.cells = {NameOf(node),
               NodeStatus(node),
               Roles(node),
               AgeOf(node, ctx.clock),
               Str(info, "kubeletVersion"),
               Address(node, "InternalIP"),
               Address(node, "ExternalIP"),
               OrUnknown(Str(info, "osImage")),
               OrUnknown(Str(info, "kernelVersion")),
               OrUnknown(Str(info, "containerRuntimeVersion"))};
  return row;
}

}  // namespace

KindPrinter NodePrinter() {
  return {
      {NameColumn(),
       {"Status", "string", "", "The status of the node", 0},
       {"Roles", "string", "", "The roles of the node", 0},
       AgeColumn(),
       {"Version", "string", "", "Kubelet Version reported by the node.", 0},
       {"Internal-IP", "string", "", "List of addresses reachable to the node.", 1},
       {"External-IP", "string", "", "List of addresses reachable to the node.", 1},
       {"OS-Image", "string", "", "OS Image reported by the node.", 1},
       {"Kernel-Version", "string", "", "Kernel Version reported by the node.", 1},
       {"Container-Runtime", "string", "", "Container runtime version reported by the node.", 1}},
      PrintNode};
}

}  // namespace skiff::apiserver::printers
