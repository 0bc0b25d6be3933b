// Pod columns: NAME READY STATUS RESTARTS AGE [IP NODE NOMINATED-NODE READINESS-GATES].
//
// STATUS is upstream's aggregate reason, computed in this order (later steps win):
//   1. status.reason, else status.phase; "SchedulingGated" when the PodScheduled
//      condition says so;
//   2. init containers in order: the first one that has neither exited 0 nor
//      (for a restartable "sidecar" init container) started gives
//      "Init:<reason>", "Init:Signal:N", "Init:ExitCode:N" or "Init:i/n";
//   3. if no init container is pending (or the Initialized condition is True),
//      the app containers from last to first: a waiting reason, a terminated
//      reason (or "Signal:N" / "ExitCode:N"); "Completed" turns back into
//      "Running" / the error reason / "NotReady" while other containers run;
//   4. "Terminating" when metadata.deletionTimestamp is set and the pod has not
//      finished ("Unknown" for a pod lost with its node).
// RESTARTS counts restarts of the containers that step 3 looked at (or of the
// init containers while initializing) and adds "(5m ago)" from the latest
// lastState.terminated.finishedAt.
#include <optional>
#include <string>
#include <unordered_set>

#include "apiserver/printers/human_duration.h"
#include "apiserver/printers/printer.h"

namespace skiff::apiserver::printers {
namespace {

using nlohmann::json;

// A condition of the given type exists and its status is "True".
bool ConditionTrue(const json& conditions, std::string_view type) {
  for (const json& c : conditions) {
    if (Str(c, "type") == type) return Str(c, "status") == "True";
  }
  return false;
}

// Keeps the later of `latest` and the container's lastState.terminated.finishedAt.
void NoteLastRestart(const json& container_status, std::optional<Timestamp>& latest) {
  const json* finished = Find(Obj(Obj(container_status, "lastState"), "terminated"), "finishedAt");
  std::optional<Timestamp> t = ParseTimestamp(finished);
  if (t && (!latest || *latest < *t)) latest = t;
}

const json* State(const json& container_status, std::string_view which) {
  const json* s = Find(Obj(container_status, "state"), which);
  return s != nullptr && s->is_object() ? s : nullptr;
}

// "Signal:9" / "ExitCode:1" / the terminated reason.
std::string TerminatedReason(const json& terminated) {
  std::string reason = Str(terminated, "reason");
  if (!reason.empty()) return reason;
  if (int64_t sig = Int(terminated, "signal"); sig != 0) return "Signal:" + std::to_string(sig);
  return "ExitCode:" + std::to_string(Int(terminated, "exitCode"));
}

std::string OrNone(std::string s) { return s.empty() ? "<none>" : s; }

std::string ReadinessGates(const json& spec, const json& conditions) {
  const json& gates = Arr(spec, "readinessGates");
  if (gates.empty()) return "<none>";
  int true_count = 0;
  for (const json& gate : gates) {
    std::string type = Str(gate, "conditionType");
    for (const json& c : conditions) {
      if (Str(c, "type") != type) continue;
      if (Str(c, "status") == "True") ++true_count;
      break;
    }
  }
  return std::to_string(true_count) + "/" + std::to_string(gates.size());
}

std::string PodIp(const json& status) {
  const json& ips = Arr(status, "podIPs");
  if (!ips.empty()) return Str(ips[0], "ip");
  return Str(status, "podIP");
}

PrintedRow PrintPod(const json& pod, const PrintContext& ctx) {
  const json& meta = Obj(pod, "metadata");
  const json& spec = Obj(pod, "spec");
  const json& status = Obj(pod, "status");
  const json& conditions = Arr(status, "conditions");

  int64_t restarts = 0;
  int64_t sidecar_restarts = 0;
  size_t total = Arr(spec, "containers").size();
  size_t ready = 0;
  std::optional<Timestamp> last_restart;
  std::optional<Timestamp> last_sidecar_restart;

  const std::string phase = Str(status, "phase");
  std::string reason = phase;
  if (std::string r = Str(status, "reason"); !r.empty()) reason = r;
  for (const json& c : conditions) {
    if (Str(c, "type") == "PodScheduled" && Str(c, "reason") == "SchedulingGated") {
      reason = "SchedulingGated";
    }
  }

  const json& init_containers = Arr(spec, "initContainers");
  std::unordered_set<std::string> sidecars;  // init containers with restartPolicy Always
  for (const json& c : init_containers) {
    if (Str(c, "restartPolicy") == "Always") {
      sidecars.insert(Str(c, "name"));
      ++total;
    }
  }

  bool initializing = false;
  const json& init_statuses = Arr(status, "initContainerStatuses");
  for (size_t i = 0; i < init_statuses.size(); ++i) {
    const json& cs = init_statuses[i];
    const int64_t count = Int(cs, "restartCount");
    const bool sidecar = sidecars.count(Str(cs, "name")) > 0;
    restarts += count;
    NoteLastRestart(cs, last_restart);
    if (sidecar) {
      sidecar_restarts += count;
      NoteLastRestart(cs, last_sidecar_restart);
    }
    const json* terminated = State(cs, "terminated");
    const json* waiting = State(cs, "waiting");
    if (terminated != nullptr && Int(*terminated, "exitCode") == 0) continue;
    if (sidecar && Bool(cs, "started")) {
      if (Bool(cs, "ready")) ++ready;
      continue;
    }
    if (terminated != nullptr) {
      reason = "Init:" + TerminatedReason(*terminated);
    } else if (waiting != nullptr && !Str(*waiting, "reason").empty() &&
               Str(*waiting, "reason") != "PodInitializing") {
      reason = "Init:" + Str(*waiting, "reason");
    } else {
      reason = "Init:" + std::to_string(i) + "/" + std::to_string(init_containers.size());
    }
    initializing = true;
    break;
  }

  if (!initializing || ConditionTrue(conditions, "Initialized")) {
    restarts = sidecar_restarts;
    last_restart = last_sidecar_restart;
    bool has_running = false;
    std::string error_reason;
    const json& statuses = Arr(status, "containerStatuses");
    for (size_t i = statuses.size(); i-- > 0;) {
      const json& cs = statuses[i];
      restarts += Int(cs, "restartCount");
      NoteLastRestart(cs, last_restart);
      const json* waiting = State(cs, "waiting");
      const json* terminated = State(cs, "terminated");
      if (waiting != nullptr && !Str(*waiting, "reason").empty()) {
        reason = Str(*waiting, "reason");
      } else if (terminated != nullptr) {
        reason = TerminatedReason(*terminated);
        if (Int(*terminated, "exitCode") != 0) error_reason = reason;
      } else if (Bool(cs, "ready") && State(cs, "running") != nullptr) {
        has_running = true;
        ++ready;
      }
    }
    // A completed container beside running ones does not make the pod Completed.
    if (reason == "Completed") {
      if (has_running && ConditionTrue(conditions, "Ready")) {
        reason = "Running";
      } else if (!error_reason.empty()) {
        reason = error_reason;
      } else if (has_running) {
        reason = "NotReady";
      }
    }
  }

  const bool deleting = Find(meta, "deletionTimestamp") != nullptr;
  if (deleting && Str(status, "reason") == "NodeLost") {
    reason = "Unknown";
  } else if (deleting && phase != "Succeeded" && phase != "Failed") {
    reason = "Terminating";
  }

  std::string restarts_cell = std::to_string(restarts);
  if (restarts != 0 && last_restart) {
    restarts_cell += " (" + TimestampSince(last_restart, ctx.clock) + " ago)";
  }

  PrintedRow row;
  row.cells = {NameOf(pod),
               std::to_string(ready) + "/" + std::to_string(total),
               reason,
               restarts_cell,
               AgeOf(pod, ctx.clock),
               OrNone(PodIp(status)),
               OrNone(Str(spec, "nodeName")),
               OrNone(Str(status, "nominatedNodeName")),
               ReadinessGates(spec, conditions)};
  if (phase == "Succeeded" || phase == "Failed") {
    const bool ok = phase == "Succeeded";
    row.conditions = json::array(
        {{{"type", "Completed"},
          {"status", "True"},
          {"reason", phase},
          {"message", ok ? "The pod has completed successfully." : "The pod failed."}}});
  }
  return row;
}

}  // namespace

KindPrinter PodPrinter() {
  return {
      {NameColumn(),
       {"Ready", "string", "", "Ready containers out of all containers of the pod.", 0},
       {"Status", "string", "", "The pod's phase, or why its containers are not running.", 0},
       {"Restarts", "string", "",
        "How many times the pod's containers restarted, and how long ago the last restart was.", 0},
       AgeColumn(),
       {"IP", "string", "", "The first IP address allocated to the pod (status.podIPs).", 1},
       {"Node", "string", "", "The node the pod is bound to (spec.nodeName).", 1},
       {"Nominated Node", "string", "",
        "The node on which the scheduler has made room for this pod by preemption "
        "(status.nominatedNodeName).",
        1},
       {"Readiness Gates", "string", "",
        "How many of the pod's readiness gates (spec.readinessGates) have a True condition.", 1}},
      PrintPod};
}

}  // namespace skiff::apiserver::printers
