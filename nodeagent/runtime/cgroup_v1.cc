// CgroupV1: see cgroup_v1.h.
#include "nodeagent/runtime/cgroup_v1.h"

#include <signal.h>

#include <algorithm>
#include <set>

#include "nodeagent/runtime/cgroup_resources.h"
#include "nodeagent/runtime/cgroup_tree.h"

namespace skiff::runtime {
namespace {

using cgroup_tree::Join;

// memory.limit_in_bytes reads as PAGE_COUNTER_MAX * page size when unlimited.
constexpr uint64_t kV1UnlimitedThreshold = uint64_t{1} << 62;
constexpr std::chrono::milliseconds kFreezeTimeout{2000};
constexpr int kKillRoundsWithoutFreezer = 20;
constexpr int kPollsPerFreezeWrite = 16;

std::string LimitText(int64_t v) { return v < 0 ? "-1" : std::to_string(v); }

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

CgroupV1::CgroupV1(CgroupLayout layout, CgroupOptions options, std::shared_ptr<CgroupFs> fs)
    : layout_(std::move(layout)), options_(std::move(options)), fs_(std::move(fs)) {
  std::set<std::string> mounts;
  for (const auto& [controller, mount] : layout_.v1_controllers) mounts.insert(mount);
  hierarchies_.assign(mounts.begin(), mounts.end());
}

std::string CgroupV1::ParentDir(const std::string& mount) const {
  return Join(mount, options_.parent);
}

std::string CgroupV1::Dir(const std::string& controller, const std::string& name) const {
  auto it = layout_.v1_controllers.find(controller);
  if (it == layout_.v1_controllers.end()) return "";
  return Join(ParentDir(it->second), name);
}

Status CgroupV1::RequireExists(const std::string& name) const {
  SKIFF_RETURN_IF_ERROR(cgroup_tree::ValidateName(name));
  for (const std::string& h : hierarchies_) {
    std::string dir = Join(ParentDir(h), name);
    if (!fs_->Exists(dir))
      return Status(Code::kNotFound, "cgroup " + dir + " does not exist", ENOENT);
  }
  return Status::Ok();
}

// A new cpuset has no CPUs and no memory nodes, and a task cannot join it until
// it has (ENOSPC): copy the parent's. Idempotent, and leaves a set one alone.
Status CgroupV1::InitCpuset(const std::string& dir) {
  std::string parent = DirName(dir);
  for (const char* file : {"cpuset.cpus", "cpuset.mems"}) {
    auto own = fs_->Read(Join(dir, file));
    if (!own.ok()) return own.status();
    if (own->find_first_not_of(" \n") != std::string::npos) continue;
    auto value = fs_->Read(Join(parent, file));
    if (!value.ok()) return value.status();
    SKIFF_RETURN_IF_ERROR(fs_->Write(Join(dir, file), *value));
  }
  return Status::Ok();
}

Status CgroupV1::Create(const std::string& name, const CgroupResources& resources) {
  SKIFF_RETURN_IF_ERROR(cgroup_tree::ValidateName(name));
  SKIFF_RETURN_IF_ERROR(ValidateCgroupResources(resources));
  if (hierarchies_.empty()) return Status::Unavailable("no cgroup v1 hierarchy is mounted");
  std::string cpuset_mount;
  if (auto it = layout_.v1_controllers.find("cpuset"); it != layout_.v1_controllers.end()) {
    cpuset_mount = it->second;
  }
  std::vector<std::string> made;
  Status s;
  for (const std::string& h : hierarchies_) {
    auto init = [&](const std::string& dir) {
      return h == cpuset_mount ? InitCpuset(dir) : Status::Ok();
    };
    s = cgroup_tree::MakeDirs(*fs_, h, Join(options_.parent, name), init, made);
    if (!s.ok()) break;
  }
  CgroupResources with_devices = resources;
  if (!with_devices.devices) with_devices.devices = DefaultDeviceRules();
  if (s.ok()) s = ApplyResources(name, with_devices);
  if (!s.ok()) cgroup_tree::RemoveDirs(*fs_, BelowParents(made));
  return s;
}

Status CgroupV1::ApplyResources(const std::string& name, const CgroupResources& r) {
  auto need = [&](const char* controller) -> Result<std::string> {
    std::string dir = Dir(controller, name);
    if (dir.empty()) {
      return Status::Unavailable(std::string("cgroup v1 controller ") + controller +
                                 " is not mounted");
    }
    return dir;
  };
  if (r.cpu_shares) {
    auto dir = need("cpu");
    if (!dir.ok()) return dir.status();
    SKIFF_RETURN_IF_ERROR(fs_->Write(Join(*dir, "cpu.shares"), std::to_string(*r.cpu_shares)));
  }
  if (r.cpu_quota_us || r.cpu_period_us) {
    auto dir = need("cpu");
    if (!dir.ok()) return dir.status();
    uint64_t period = r.cpu_period_us.value_or(kDefaultCpuPeriodUs);
    SKIFF_RETURN_IF_ERROR(fs_->Write(Join(*dir, "cpu.cfs_period_us"), std::to_string(period)));
    if (r.cpu_quota_us) {
      SKIFF_RETURN_IF_ERROR(fs_->Write(Join(*dir, "cpu.cfs_quota_us"), LimitText(*r.cpu_quota_us)));
    }
  }
  if (r.memory_limit_bytes) {
    auto dir = need("memory");
    if (!dir.ok()) return dir.status();
    SKIFF_RETURN_IF_ERROR(ApplyMemory(*dir, *r.memory_limit_bytes));
  }
  if (r.pids_limit) {
    auto dir = need("pids");
    if (!dir.ok()) return dir.status();
    std::string value = *r.pids_limit < 0 ? "max" : std::to_string(*r.pids_limit);
    SKIFF_RETURN_IF_ERROR(fs_->Write(Join(*dir, "pids.max"), value));
  }
  // A host without the devices controller cannot restrict devices at all.
  if (std::string dir = Dir("devices", name); r.devices && !dir.empty()) {
    SKIFF_RETURN_IF_ERROR(fs_->Write(Join(dir, "devices.deny"), "a"));
    std::vector<std::string> allow;
    for (const DeviceRule& rule : *r.devices) allow.push_back(DeviceRuleText(rule));
    SKIFF_RETURN_IF_ERROR(fs_->WriteEach(Join(dir, "devices.allow"), allow));
  }
  return Status::Ok();
}

// memory.memsw.limit_in_bytes must stay >= memory.limit_in_bytes at every step,
// so raising writes memsw first and lowering writes it last.
Status CgroupV1::ApplyMemory(const std::string& dir, int64_t limit) {
  std::string limit_file = Join(dir, "memory.limit_in_bytes");
  std::string memsw_file = Join(dir, "memory.memsw.limit_in_bytes");
  if (!fs_->Exists(memsw_file)) return fs_->Write(limit_file, LimitText(limit));
  auto current = cgroup_tree::ReadUint(*fs_, limit_file);
  if (!current.ok()) return current.status();
  bool raising = limit < 0 || static_cast<uint64_t>(limit) >= *current;
  if (raising) {
    SKIFF_RETURN_IF_ERROR(fs_->Write(memsw_file, LimitText(limit)));
    return fs_->Write(limit_file, LimitText(limit));
  }
  SKIFF_RETURN_IF_ERROR(fs_->Write(limit_file, LimitText(limit)));
  return fs_->Write(memsw_file, LimitText(limit));
}

// The parent directories stay: a concurrent Create may be about to use them.
std::vector<std::string> CgroupV1::BelowParents(const std::vector<std::string>& dirs) const {
  std::vector<std::string> below;
  for (const std::string& dir : dirs) {
    bool is_parent = false;
    for (const std::string& h : hierarchies_) is_parent = is_parent || dir == ParentDir(h);
    if (!is_parent) below.push_back(dir);
  }
  return below;
}

Status CgroupV1::AddProcess(const std::string& name, pid_t pid) {
  SKIFF_RETURN_IF_ERROR(RequireExists(name));
  for (const std::string& procs : ProcsFiles(name)) {
    SKIFF_RETURN_IF_ERROR(fs_->Write(procs, std::to_string(pid)));
  }
  return Status::Ok();
}

Status CgroupV1::Update(const std::string& name, const CgroupResources& resources) {
  SKIFF_RETURN_IF_ERROR(ValidateCgroupResources(resources));
  SKIFF_RETURN_IF_ERROR(RequireExists(name));
  return ApplyResources(name, resources);
}

Result<CgroupStats> CgroupV1::Stats(const std::string& name) {
  SKIFF_RETURN_IF_ERROR(RequireExists(name));
  CgroupStats stats;
  if (std::string dir = Dir("cpuacct", name); !dir.empty()) {
    auto usage = cgroup_tree::ReadUint(*fs_, Join(dir, "cpuacct.usage"));
    if (!usage.ok()) return usage.status();
    stats.cpu_usage_ns = *usage;
  }
  if (std::string dir = Dir("memory", name); !dir.empty()) {
    auto usage = cgroup_tree::ReadUint(*fs_, Join(dir, "memory.usage_in_bytes"));
    if (!usage.ok()) return usage.status();
    stats.memory_usage_bytes = *usage;
    auto limit = cgroup_tree::ReadUint(*fs_, Join(dir, "memory.limit_in_bytes"));
    if (!limit.ok()) return limit.status();
    stats.memory_limit_bytes = *limit >= kV1UnlimitedThreshold ? -1 : static_cast<int64_t>(*limit);
    auto stat = fs_->Read(Join(dir, "memory.stat"));
    if (!stat.ok()) return stat.status();
    uint64_t inactive = cgroup_tree::KeyedValue(*stat, "total_inactive_file").value_or(0);
    stats.memory_working_set_bytes =
        stats.memory_usage_bytes > inactive ? stats.memory_usage_bytes - inactive : 0;
    auto oom = OomKillCount(name);
    if (!oom.ok()) return oom.status();
    stats.oom_kill_count = *oom;
  }
  if (std::string dir = Dir("pids", name); !dir.empty()) {
    auto current = cgroup_tree::ReadUint(*fs_, Join(dir, "pids.current"));
    if (!current.ok()) return current.status();
    stats.pids_current = *current;
  }
  return stats;
}

Result<uint64_t> CgroupV1::OomKillCount(const std::string& name) {
  SKIFF_RETURN_IF_ERROR(cgroup_tree::ValidateName(name));
  std::string dir = Dir("memory", name);
  if (dir.empty()) return Status::Unavailable("cgroup v1 controller memory is not mounted");
  auto text = fs_->Read(Join(dir, "memory.oom_control"));
  if (!text.ok()) return text.status();
  // Kernels before 4.13 have no oom_kill line; they count nothing.
  return cgroup_tree::KeyedValue(*text, "oom_kill").value_or(0);
}

Result<std::vector<pid_t>> CgroupV1::Pids(const std::string& name) {
  SKIFF_RETURN_IF_ERROR(RequireExists(name));
  for (const char* controller : {"pids", "memory", "cpu"}) {
    std::string dir = Dir(controller, name);
    if (!dir.empty()) return cgroup_tree::ReadPids(*fs_, Join(dir, "cgroup.procs"));
  }
  return cgroup_tree::ReadPids(*fs_, ProcsFiles(name).front());
}

Status CgroupV1::Freeze(const std::string& name) {
  SKIFF_RETURN_IF_ERROR(RequireExists(name));
  std::string dir = Dir("freezer", name);
  if (dir.empty()) return Status::Unavailable("cgroup v1 controller freezer is not mounted");
  std::string state = Join(dir, "freezer.state");
  // The kernel reports FREEZING until every task has stopped; each write makes
  // it walk the tasks again, so write once and poll, and write again only when
  // the wait grows long (a task that forked while freezing can be missed).
  auto deadline = std::chrono::steady_clock::now() + kFreezeTimeout;
  cgroup_tree::Backoff backoff;
  for (int poll = 0;; ++poll) {
    if (poll % kPollsPerFreezeWrite == 0) SKIFF_RETURN_IF_ERROR(fs_->Write(state, "FROZEN"));
    auto text = fs_->Read(state);
    if (!text.ok()) return text.status();
    if (text->rfind("FROZEN", 0) == 0) return Status::Ok();
    if (std::chrono::steady_clock::now() >= deadline) {
      (void)fs_->Write(state, "THAWED");
      return Status(Code::kUnavailable, state + " stayed FREEZING", ETIMEDOUT);
    }
    backoff.Wait(*fs_);
  }
}

Status CgroupV1::Thaw(const std::string& name) {
  SKIFF_RETURN_IF_ERROR(RequireExists(name));
  std::string dir = Dir("freezer", name);
  if (dir.empty()) return Status::Unavailable("cgroup v1 controller freezer is not mounted");
  return fs_->Write(Join(dir, "freezer.state"), "THAWED");
}

Status CgroupV1::KillAll(const std::string& name) {
  SKIFF_RETURN_IF_ERROR(RequireExists(name));
  std::string freezer = Dir("freezer", name);
  if (!freezer.empty()) {
    SKIFF_RETURN_IF_ERROR(Freeze(name));
    Status killed = cgroup_tree::SignalTree(*fs_, freezer, SIGKILL);
    Status thawed = Thaw(name);
    return killed.ok() ? thawed : killed;
  }
  // Without a freezer a fork may land after the list was read: repeat a few rounds.
  std::string dir = Dir("pids", name).empty() ? Dir("memory", name) : Dir("pids", name);
  if (dir.empty()) dir = Join(ParentDir(hierarchies_.front()), name);
  cgroup_tree::Backoff backoff;
  for (int round = 0; round < kKillRoundsWithoutFreezer; ++round) {
    SKIFF_RETURN_IF_ERROR(cgroup_tree::SignalTree(*fs_, dir, SIGKILL));
    auto pids = cgroup_tree::ReadPids(*fs_, Join(dir, "cgroup.procs"));
    if (!pids.ok()) return pids.status();
    if (pids->empty()) break;
    backoff.Wait(*fs_);
  }
  return Status::Ok();
}

Status CgroupV1::Destroy(const std::string& name) {
  SKIFF_RETURN_IF_ERROR(cgroup_tree::ValidateName(name));
  // Usually the container's processes are gone (its pid namespace died with its
  // init) and each empty cgroup goes with one rmdir; anything else (processes,
  // children, a failure) takes the careful way below.
  bool all_removed = true;
  for (const std::string& h : hierarchies_) {
    Status s = fs_->Rmdir(Join(ParentDir(h), name));
    all_removed = all_removed && (s.ok() || s.code() == Code::kNotFound);
  }
  if (all_removed) return Status::Ok();
  bool all_exist = true;
  bool any_exists = false;
  for (const std::string& h : hierarchies_) {
    bool exists = fs_->Exists(Join(ParentDir(h), name));
    all_exist = all_exist && exists;
    any_exists = any_exists || exists;
  }
  if (!any_exists) return Status::Ok();
  // Best effort: RemoveTree below kills again what this misses; a frozen cgroup
  // would hold its tasks, so thaw whatever happens.
  std::string any_dir = Join(ParentDir(hierarchies_.front()), name);
  auto busy = cgroup_tree::TreeHasProcesses(*fs_, any_dir);
  if (all_exist && (!busy.ok() || *busy)) (void)KillAll(name);
  if (std::string freezer = Dir("freezer", name); !freezer.empty() && fs_->Exists(freezer)) {
    (void)fs_->Write(Join(freezer, "freezer.state"), "THAWED");
  }
  Status first_error;
  for (const std::string& h : hierarchies_) {
    Status s = cgroup_tree::RemoveTree(*fs_, Join(ParentDir(h), name), options_.destroy_timeout);
    if (!s.ok() && first_error.ok()) first_error = s;
  }
  return first_error;
}

std::vector<std::string> CgroupV1::ProcsFiles(const std::string& name) const {
  std::vector<std::string> files;
  for (const std::string& h : hierarchies_) {
    files.push_back(Join(Join(ParentDir(h), name), "cgroup.procs"));
  }
  return files;
}

std::vector<std::string> CgroupV1::SelfJoinFiles(const std::string& name) const {
  std::vector<std::string> files;
  for (const std::string& h : hierarchies_) files.push_back(Join(Join(ParentDir(h), name), "tasks"));
  return files;
}

}  // namespace skiff::runtime
