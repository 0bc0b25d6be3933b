// CgroupV2: see cgroup_v2.h.
#include "nodeagent/runtime/cgroup_v2.h"

#include <signal.h>

#include <sstream>

#include "nodeagent/runtime/cgroup_resources.h"
#include "nodeagent/runtime/cgroup_tree.h"

namespace skiff::runtime {
namespace {

using cgroup_tree::Join;

constexpr std::chrono::milliseconds kFreezeTimeout{2000};
constexpr const char* kDelegated[] = {"cpu", "memory", "pids"};

bool HasWord(const std::string& text, const std::string& word) {
  std::istringstream in(text);
  std::string w;
  while (in >> w) {
    if (w == word) return true;
  }
  return false;
}

}  // namespace

CgroupV2::CgroupV2(CgroupLayout layout, CgroupOptions options, std::shared_ptr<CgroupFs> fs)
    : layout_(std::move(layout)), options_(std::move(options)), fs_(std::move(fs)) {}

std::string CgroupV2::Dir(const std::string& name) const {
  return Join(Join(layout_.unified, options_.parent), name);
}

Status CgroupV2::RequireExists(const std::string& name) const {
  SKIFF_RETURN_IF_ERROR(cgroup_tree::ValidateName(name));
  if (!fs_->Exists(Dir(name))) {
    return Status(Code::kNotFound, "cgroup " + Dir(name) + " does not exist", ENOENT);
  }
  return Status::Ok();
}

Status CgroupV2::Delegate(const std::string& dir) {
  auto available = fs_->Read(Join(dir, "cgroup.controllers"));
  if (!available.ok()) return available.status();
  auto enabled = fs_->Read(Join(dir, "cgroup.subtree_control"));
  if (!enabled.ok()) return enabled.status();
  for (const char* controller : kDelegated) {
    if (!HasWord(*available, controller) || HasWord(*enabled, controller)) continue;
    SKIFF_RETURN_IF_ERROR(
        fs_->Write(Join(dir, "cgroup.subtree_control"), std::string("+") + controller));
  }
  return Status::Ok();
}

Status CgroupV2::Create(const std::string& name, const CgroupResources& resources) {
  SKIFF_RETURN_IF_ERROR(cgroup_tree::ValidateName(name));
  SKIFF_RETURN_IF_ERROR(ValidateCgroupResources(resources));
  if (layout_.unified.empty()) return Status::Unavailable("no cgroup2 hierarchy is mounted");
  std::vector<std::string> made;
  Status s = MakeLevels(name, made);
  CgroupResources with_devices = resources;
  if (!with_devices.devices) with_devices.devices = DefaultDeviceRules();
  if (s.ok()) s = ApplyResources(Dir(name), with_devices);
  if (!s.ok()) cgroup_tree::RemoveDirs(*fs_, made);
  return s;
}

// Each level hands the controllers down before its child is made, so the child
// is born with their interface files.
Status CgroupV2::MakeLevels(const std::string& name, std::vector<std::string>& made) {
  Status s = Delegate(layout_.unified);
  std::string level = layout_.unified;
  std::istringstream parts(Join(options_.parent, name));
  std::string part;
  while (s.ok() && std::getline(parts, part, '/')) {
    level = Join(level, part);
    bool leaf = level == Dir(name);
    s = fs_->Mkdir(level);
    if (s.ok()) {
      // The parent directory stays on failure: a concurrent Create may be using it.
      if (level != Join(layout_.unified, options_.parent)) made.push_back(level);
    } else if (s.code() == Code::kAlreadyExists) {
      s = leaf ? Status(Code::kAlreadyExists, "cgroup " + level + " already exists", EEXIST)
               : Status::Ok();
    }
    if (s.ok() && !leaf) s = Delegate(level);
  }
  return s;
}

Status CgroupV2::ApplyResources(const std::string& dir, const CgroupResources& r) {
  if (r.cpu_shares) {
    SKIFF_RETURN_IF_ERROR(
        fs_->Write(Join(dir, "cpu.weight"), std::to_string(CpuSharesToWeight(*r.cpu_shares))));
  }
  if (r.cpu_quota_us || r.cpu_period_us) {
    std::string quota = "max";
    if (r.cpu_quota_us) {
      if (*r.cpu_quota_us >= 0) quota = std::to_string(*r.cpu_quota_us);
    } else {
      // Only the period changes: keep the quota in force.
      auto current = fs_->Read(Join(dir, "cpu.max"));
      if (!current.ok()) return current.status();
      std::istringstream in(*current);
      in >> quota;
    }
    uint64_t period = r.cpu_period_us.value_or(kDefaultCpuPeriodUs);
    SKIFF_RETURN_IF_ERROR(fs_->Write(Join(dir, "cpu.max"), quota + " " + std::to_string(period)));
  }
  if (r.memory_limit_bytes) {
    int64_t limit = *r.memory_limit_bytes;
    SKIFF_RETURN_IF_ERROR(
        fs_->Write(Join(dir, "memory.max"), limit < 0 ? "max" : std::to_string(limit)));
    std::string swap = Join(dir, "memory.swap.max");
    if (limit >= 0 && fs_->Exists(swap)) SKIFF_RETURN_IF_ERROR(fs_->Write(swap, "0"));
  }
  if (r.pids_limit) {
    std::string value = *r.pids_limit < 0 ? "max" : std::to_string(*r.pids_limit);
    SKIFF_RETURN_IF_ERROR(fs_->Write(Join(dir, "pids.max"), value));
  }
  if (r.devices) SKIFF_RETURN_IF_ERROR(fs_->SetDeviceFilter(dir, *r.devices));
  return Status::Ok();
}

Status CgroupV2::AddProcess(const std::string& name, pid_t pid) {
  SKIFF_RETURN_IF_ERROR(RequireExists(name));
  return fs_->Write(Join(Dir(name), "cgroup.procs"), std::to_string(pid));
}

Status CgroupV2::Update(const std::string& name, const CgroupResources& resources) {
  SKIFF_RETURN_IF_ERROR(ValidateCgroupResources(resources));
  SKIFF_RETURN_IF_ERROR(RequireExists(name));
  return ApplyResources(Dir(name), resources);
}

Result<CgroupStats> CgroupV2::Stats(const std::string& name) {
  SKIFF_RETURN_IF_ERROR(RequireExists(name));
  std::string dir = Dir(name);
  CgroupStats stats;
  // A file that is absent belongs to a controller this cgroup does not have.
  auto read_if_present = [&](const char* file) -> Result<std::string> {
    std::string path = Join(dir, file);
    if (!fs_->Exists(path)) return std::string();
    return fs_->Read(path);
  };
  auto cpu = read_if_present("cpu.stat");
  if (!cpu.ok()) return cpu.status();
  stats.cpu_usage_ns = cgroup_tree::KeyedValue(*cpu, "usage_usec").value_or(0) * 1000;
  auto current = read_if_present("memory.current");
  if (!current.ok()) return current.status();
  if (!current->empty()) {
    auto usage = cgroup_tree::ParseLimit(*current, Join(dir, "memory.current"));
    if (!usage.ok()) return usage.status();
    stats.memory_usage_bytes = static_cast<uint64_t>(*usage);
  }
  auto max = read_if_present("memory.max");
  if (!max.ok()) return max.status();
  if (!max->empty()) {
    auto limit = cgroup_tree::ParseLimit(*max, Join(dir, "memory.max"));
    if (!limit.ok()) return limit.status();
    stats.memory_limit_bytes = *limit;
  }
  auto mstat = read_if_present("memory.stat");
  if (!mstat.ok()) return mstat.status();
  uint64_t inactive = cgroup_tree::KeyedValue(*mstat, "inactive_file").value_or(0);
  stats.memory_working_set_bytes =
      stats.memory_usage_bytes > inactive ? stats.memory_usage_bytes - inactive : 0;
  auto events = read_if_present("memory.events");
  if (!events.ok()) return events.status();
  stats.oom_kill_count = cgroup_tree::KeyedValue(*events, "oom_kill").value_or(0);
  auto pids = read_if_present("pids.current");
  if (!pids.ok()) return pids.status();
  if (!pids->empty()) {
    auto n = cgroup_tree::ParseLimit(*pids, Join(dir, "pids.current"));
    if (!n.ok()) return n.status();
    stats.pids_current = static_cast<uint64_t>(*n);
  }
  return stats;
}

Result<uint64_t> CgroupV2::OomKillCount(const std::string& name) {
  SKIFF_RETURN_IF_ERROR(RequireExists(name));
  std::string events = Join(Dir(name), "memory.events");
  // Without the memory controller nothing in this cgroup can be OOM-killed by it.
  if (!fs_->Exists(events)) return uint64_t{0};
  auto text = fs_->Read(events);
  if (!text.ok()) return text.status();
  return cgroup_tree::KeyedValue(*text, "oom_kill").value_or(0);
}

Result<std::vector<pid_t>> CgroupV2::Pids(const std::string& name) {
  SKIFF_RETURN_IF_ERROR(RequireExists(name));
  return cgroup_tree::ReadPids(*fs_, Join(Dir(name), "cgroup.procs"));
}

Status CgroupV2::Freeze(const std::string& name) {
  SKIFF_RETURN_IF_ERROR(RequireExists(name));
  std::string dir = Dir(name);
  if (!fs_->Exists(Join(dir, "cgroup.freeze"))) {
    return Status::Unavailable("cgroup.freeze is not supported by this kernel");
  }
  SKIFF_RETURN_IF_ERROR(fs_->Write(Join(dir, "cgroup.freeze"), "1"));
  Status s = cgroup_tree::WaitForLine(*fs_, Join(dir, "cgroup.events"), "frozen 1", kFreezeTimeout);
  if (!s.ok()) (void)fs_->Write(Join(dir, "cgroup.freeze"), "0");
  return s;
}

Status CgroupV2::Thaw(const std::string& name) {
  SKIFF_RETURN_IF_ERROR(RequireExists(name));
  return fs_->Write(Join(Dir(name), "cgroup.freeze"), "0");
}

Status CgroupV2::KillAll(const std::string& name) {
  SKIFF_RETURN_IF_ERROR(RequireExists(name));
  std::string dir = Dir(name);
  if (fs_->Exists(Join(dir, "cgroup.kill"))) return fs_->Write(Join(dir, "cgroup.kill"), "1");
  SKIFF_RETURN_IF_ERROR(Freeze(name));
  Status killed = cgroup_tree::SignalTree(*fs_, dir, SIGKILL);
  Status thawed = Thaw(name);
  return killed.ok() ? thawed : killed;
}

Status CgroupV2::Destroy(const std::string& name) {
  SKIFF_RETURN_IF_ERROR(cgroup_tree::ValidateName(name));
  std::string dir = Dir(name);
  // Usually the container's processes are gone (its pid namespace died with its
  // init) and the empty cgroup goes with one rmdir.
  if (Status s = fs_->Rmdir(dir); s.ok() || s.code() == Code::kNotFound) return Status::Ok();
  // Best effort: RemoveTree kills again what this misses; thaw so kills land.
  auto busy = cgroup_tree::TreeHasProcesses(*fs_, dir);
  if (!busy.ok() || *busy) (void)KillAll(name);
  if (fs_->Exists(Join(dir, "cgroup.freeze"))) (void)fs_->Write(Join(dir, "cgroup.freeze"), "0");
  return cgroup_tree::RemoveTree(*fs_, dir, options_.destroy_timeout);
}

std::vector<std::string> CgroupV2::ProcsFiles(const std::string& name) const {
  return {Join(Dir(name), "cgroup.procs")};
}

std::vector<std::string> CgroupV2::SelfJoinFiles(const std::string& name) const {
  return ProcsFiles(name);
}

}  // namespace skiff::runtime
