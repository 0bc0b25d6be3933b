// CgroupManager: the cgroups of containers, on cgroup v1, v2 or a hybrid host.
//
// A container's cgroup is named by a relative path under the manager's parent
// ("skiff" by default), for example "pod-1234/app". Create makes the directory in
// every hierarchy the manager uses (missing intermediate directories too), applies
// the resources and leaves it empty; the caller then moves the container's first
// process in with AddProcess, or the process joins itself before exec by writing
// "0" into each of SelfJoinFiles(name) (async-signal-safe: open/write/close only).
//
// Two implementations share this interface: CgroupV1 (one directory per
// controller hierarchy; the hybrid layout of this project's machines is v1 for the
// controllers) and CgroupV2 (one unified tree, controllers delegated through
// cgroup.subtree_control). NewCgroupManager picks one from a detected layout.
//
// Failures are Status values with errno and the file named ("write
// /sys/fs/cgroup/memory/skiff/x/memory.limit_in_bytes: Device or resource busy").
// Create is all-or-nothing: a failure removes every directory it made below the
// parent (the parent itself stays; concurrent Creates share it). Every other
// call changes only what it names. Names are checked: empty, absolute or ".." paths
// are Invalid. A name that does not exist is NotFound.
//
// All file access goes through a CgroupFs (cgroup_fs.h) so tests run the v2 logic
// against a temp directory and fail the Nth call. Thread-compatible: callers
// serialise calls on one name; calls on different names may run concurrently.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace skiff::runtime {

class CgroupFs;

// One rule of device access, as the v1 devices controller writes it
// ("c 1:3 rwm"). -1 for major or minor is any ("*").
struct DeviceRule {
  char type = 'a';  // 'a' all, 'c' character, 'b' block
  int64_t major = -1;
  int64_t minor = -1;
  std::string access = "rwm";  // any of r(ead), w(rite), m(knod)
  bool operator==(const DeviceRule&) const = default;
};

// The devices container runtimes let a container use: mknod of any node (so
// images unpack), and read/write of null, zero, full, random, urandom, tty,
// console, ptmx and the pts terminals. Everything else (disks, /dev/mem, ...)
// is refused on open even with CAP_MKNOD.
std::vector<DeviceRule> DefaultDeviceRules();
// Every device (privileged containers).
std::vector<DeviceRule> AllDevicesRules();

// Limits of one cgroup. An unset field is left at the kernel's default (no limit)
// by Create and left unchanged by Update.
struct CgroupResources {
  // Relative CPU weight as cgroup v1 cpu.shares / Kubernetes requests.cpu
  // (milliCPU * 1024 / 1000), 2..262144. On v2 it becomes cpu.weight with the
  // formula runc and crun use: 1 + ((shares - 2) * 9999) / 262142.
  std::optional<uint64_t> cpu_shares;
  // CPU time per period in microseconds (Kubernetes limits.cpu: milliCPU *
  // period / 1000); -1 means unlimited. Requires cpu_period_us or the default.
  std::optional<int64_t> cpu_quota_us;
  std::optional<uint64_t> cpu_period_us;  // default 100000 when a quota is set
  // Memory limit in bytes; -1 means unlimited. Swap is not given to containers:
  // v1 memory.memsw.limit_in_bytes (when the kernel has it) equals the limit, v2
  // memory.swap.max is 0.
  std::optional<int64_t> memory_limit_bytes;
  // Maximum number of tasks (processes and threads); -1 means unlimited.
  std::optional<int64_t> pids_limit;
  // The devices the cgroup may use: every device is denied, then these are
  // allowed. Create applies DefaultDeviceRules() when unset (Update leaves the
  // rules alone). v1: devices.deny / devices.allow; v2: an eBPF device program
  // attached to the cgroup (cgroup_device_filter.h).
  std::optional<std::vector<DeviceRule>> devices;
};

// What a cgroup has used. Fields a hierarchy does not provide stay 0.
struct CgroupStats {
  uint64_t cpu_usage_ns = 0;              // v1 cpuacct.usage, v2 cpu.stat usage_usec * 1000
  uint64_t memory_usage_bytes = 0;        // v1 memory.usage_in_bytes, v2 memory.current
  uint64_t memory_working_set_bytes = 0;  // usage minus inactive file pages (as kubelet)
  int64_t memory_limit_bytes = -1;        // -1 when unlimited
  uint64_t oom_kill_count = 0;            // see OomKillCount
  uint64_t pids_current = 0;              // pids.current
};

enum class CgroupMode {
  kV1,      // only v1 hierarchies
  kV2,      // one cgroup2 mount at the root
  kHybrid,  // v1 hierarchies plus a cgroup2 mount (usually <root>/unified) with no controllers
};

// The cgroup mounts of a host, found by DetectCgroupLayout.
struct CgroupLayout {
  CgroupMode mode = CgroupMode::kV1;
  std::string root;  // "/sys/fs/cgroup"
  // v1: controller name ("cpu", "cpuacct", "memory", "pids", "cpuset", "freezer",
  // "devices", "blkio", ...) -> mount point of its hierarchy. Controllers mounted
  // together ("cpu,cpuacct") map to the same directory.
  std::map<std::string, std::string> v1_controllers;
  // The cgroup2 mount point ("" when there is none): the root in kV2, usually
  // <root>/unified in kHybrid.
  std::string unified;
};

// Reads the mount table (/proc/self/mountinfo) for cgroup and cgroup2 mounts
// under `root`. NotFound when there are none; Internal when mountinfo cannot be
// read.
Result<CgroupLayout> DetectCgroupLayout(const std::string& root = "/sys/fs/cgroup");
// Same, from the text of a mountinfo file (for tests).
Result<CgroupLayout> ParseCgroupLayout(const std::string& mountinfo, const std::string& root);

struct CgroupOptions {
  std::string parent = "skiff";  // relative to each hierarchy's root
  // How long Destroy waits for killed processes to leave before giving up.
  std::chrono::milliseconds destroy_timeout{5000};
};

class CgroupManager {
 public:
  virtual ~CgroupManager() = default;

  // Makes cgroup `name` and applies `resources`. AlreadyExists when it exists;
  // Invalid for out-of-range resources (nothing touched). On failure nothing
  // below the parent is left behind.
  virtual Status Create(const std::string& name, const CgroupResources& resources) = 0;
  // Moves process `pid` (and, on v1, only that thread group) into `name`.
  virtual Status AddProcess(const std::string& name, pid_t pid) = 0;
  // Applies the set fields of `resources`; a memory limit below current usage
  // fails with the kernel's EBUSY and leaves the old limit.
  virtual Status Update(const std::string& name, const CgroupResources& resources) = 0;
  virtual Result<CgroupStats> Stats(const std::string& name) = 0;
  // OOM kills in `name` since it was created: v1 memory.oom_control "oom_kill"
  // (kernels >= 4.13), v2 memory.events "oom_kill".
  virtual Result<uint64_t> OomKillCount(const std::string& name) = 0;
  // The processes in `name` (v1: read from the pids or memory hierarchy).
  virtual Result<std::vector<pid_t>> Pids(const std::string& name) = 0;
  // Freezes / thaws every process in `name` (v1 freezer, v2 cgroup.freeze).
  // Freeze waits until the kernel reports FROZEN. Unavailable when there is no freezer.
  virtual Status Freeze(const std::string& name) = 0;
  virtual Status Thaw(const std::string& name) = 0;
  // Sends SIGKILL to every process in `name` without racing forks: v2 writes
  // cgroup.kill when the kernel has it; otherwise freeze, kill each, thaw.
  // Does not wait for them to exit.
  virtual Status KillAll(const std::string& name) = 0;
  // Kills what is left in `name` and its child cgroups, waits until they are
  // empty (up to CgroupOptions::destroy_timeout, then Unavailable) and removes
  // the directories in every hierarchy. NotFound-free: destroying a name that does
  // not exist is OK, so Destroy is safe to repeat after a partial failure.
  virtual Status Destroy(const std::string& name) = 0;
  // The cgroup.procs files of `name`, one per hierarchy, for a child that joins
  // its cgroup itself before exec.
  virtual std::vector<std::string> ProcsFiles(const std::string& name) const = 0;
  // The files a single-threaded process writes "0" into to join `name` itself
  // (async-signal-safe: open/write/close only). v1: each hierarchy's `tasks`,
  // which moves only the writing thread and so skips the kernel's global
  // threadgroup lock and the RCU grace period it waits for (~10 ms per join,
  // against ~0.1 ms); for a process of one thread that is the whole process.
  // v2: cgroup.procs (v2 has no per-thread move outside threaded subtrees).
  virtual std::vector<std::string> SelfJoinFiles(const std::string& name) const = 0;
  // The directory of `name` in the unified (v2) tree, "" on v1: for
  // clone3(CLONE_INTO_CGROUP) and for a cgroup namespace root.
  virtual std::string UnifiedPath(const std::string& name) const = 0;
};

// Returns CgroupV1 for kV1 and kHybrid, CgroupV2 for kV2, over `fs` (the real
// file system when null). Does not touch the file system; the parent directory
// is made by the first Create.
std::unique_ptr<CgroupManager> NewCgroupManager(const CgroupLayout& layout,
                                                const CgroupOptions& options = {},
                                                std::shared_ptr<CgroupFs> fs = nullptr);

}  // namespace skiff::runtime
