// skiff container stats [ID...]
//
// One table, as `docker stats --no-stream` prints it: for the given containers
// (default: every running one) CPU %, MEM USAGE / LIMIT, MEM % and PIDS, from
// the runtime's cgroup statistics. CPU % is the CPU time used between two
// samples taken kSampleInterval apart, over that wall time (100% = one CPU).
// Memory is the working set (usage without inactive file pages, as docker and
// kubelet count it); the limit is the container's, or the host's memory when it
// has none. A container without statistics (stopped, or no cgroup) shows "--".
#include <sys/sysinfo.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <thread>

#include "nodeagent/cli/arg_parser.h"
#include "nodeagent/cli/commands.h"
#include "nodeagent/cli/table.h"

namespace skiff::cli {
namespace {

const std::string kVerb = "stats";
constexpr auto kSampleInterval = std::chrono::milliseconds(500);

struct Sample {
  std::optional<runtime::CgroupStats> stats;
  std::chrono::steady_clock::time_point at;
};

// No statistics for a container that is not running (its cgroup may still be
// there, empty, until it is removed).
Sample Take(runtime::Runtime& rt, const std::string& id) {
  Sample s;
  Result<runtime::ContainerState> state = rt.State(id);
  if (!state.ok() || state->status != runtime::ContainerStatus::kRunning) return s;
  Result<runtime::CgroupStats> stats = rt.Stats(id);
  s.at = std::chrono::steady_clock::now();
  if (stats.ok()) s.stats = *stats;
  return s;
}

// "1.465MiB", "64MiB", "512KiB" (binary units, four significant digits, as docker).
std::string BinarySize(double bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  constexpr double kStep = 1024;
  size_t unit = 0;
  while (bytes >= kStep && unit + 1 < std::size(kUnits)) {
    bytes /= kStep;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof(text), "%.4g%s", bytes, kUnits[unit]);
  return text;
}

std::string Percent(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.2f%%", value);
  return text;
}

uint64_t HostMemory() {
  struct sysinfo info {};
  if (sysinfo(&info) < 0) return 0;
  return static_cast<uint64_t>(info.totalram) * info.mem_unit;
}

std::vector<std::string> Row(const std::string& id, const Sample& first, const Sample& second) {
  if (!first.stats || !second.stats) return {id, "--", "-- / --", "--", "--"};
  const runtime::CgroupStats& now = *second.stats;
  double wall_ns = std::chrono::duration<double, std::nano>(second.at - first.at).count();
  double cpu_ns = now.cpu_usage_ns >= first.stats->cpu_usage_ns
                      ? static_cast<double>(now.cpu_usage_ns - first.stats->cpu_usage_ns)
                      : 0;
  uint64_t used = now.memory_working_set_bytes ? now.memory_working_set_bytes : now.memory_usage_bytes;
  uint64_t limit = now.memory_limit_bytes >= 0 ? static_cast<uint64_t>(now.memory_limit_bytes) : HostMemory();
  return {id, Percent(wall_ns > 0 ? 100.0 * cpu_ns / wall_ns : 0),
          BinarySize(static_cast<double>(used)) + " / " + BinarySize(static_cast<double>(limit)),
          Percent(limit ? 100.0 * static_cast<double>(used) / static_cast<double>(limit) : 0),
          std::to_string(now.pids_current)};
}

Result<std::vector<std::string>> Targets(CliEnv& env, runtime::Runtime& rt, const Args& given) {
  std::vector<std::string> ids;
  for (const std::string& prefix : given) {
    Result<std::string> id = env.ResolveContainer(prefix);
    if (!id.ok()) return id.status();
    ids.push_back(*id);
  }
  if (!given.empty()) return ids;
  Result<std::vector<runtime::ContainerState>> states = rt.List();
  if (!states.ok()) return states.status();
  for (const runtime::ContainerState& state : *states) {
    if (state.status == runtime::ContainerStatus::kRunning) ids.push_back(state.id);
  }
  return ids;
}

}  // namespace

int Stats(CliEnv& env, const Args& args, std::ostream& out, std::ostream& err) {
  ArgParser parser;
  if (Status s = parser.Parse(args); !s.ok()) return Fail(err, kVerb, s, kExitUsage);
  Result<runtime::Runtime*> rt = env.Runtime();
  if (!rt.ok()) return Fail(err, kVerb, rt.status());
  Result<std::vector<std::string>> ids = Targets(env, **rt, parser.positionals());
  if (!ids.ok()) return Fail(err, kVerb, ids.status());
  std::vector<Sample> first;
  for (const std::string& id : *ids) first.push_back(Take(**rt, id));
  if (!ids->empty()) std::this_thread::sleep_for(kSampleInterval);
  Table table({"CONTAINER ID", "CPU %", "MEM USAGE / LIMIT", "MEM %", "PIDS"});
  for (size_t i = 0; i < ids->size(); ++i) table.Add(Row((*ids)[i], first[i], Take(**rt, (*ids)[i])));
  table.Print(out);
  return 0;
}

}  // namespace skiff::cli
