// CgroupV1: CgroupManager over cgroup v1 hierarchies (also the hybrid layout).
//
// A cgroup is one directory per mounted hierarchy (cpu, cpuacct, cpuset, memory,
// pids, freezer, devices, blkio, ...; controllers mounted together share one
// directory). New cpuset directories get cpuset.cpus and cpuset.mems copied from
// their parent, as the kernel leaves them empty and an empty cpuset refuses tasks.
// Memory limits set memory.memsw.limit_in_bytes to the same value when the kernel
// accounts swap, so containers get no swap. OOM kills are counted from
// memory.oom_control's "oom_kill" line. KillAll freezes the cgroup (freezer
// hierarchy), signals every task and thaws it, so a fork cannot escape.
//
// Contract, errors and thread-safety: see CgroupManager in cgroups.h.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "nodeagent/runtime/cgroup_fs.h"
#include "nodeagent/runtime/cgroups.h"

namespace skiff::runtime {

class CgroupV1 : public CgroupManager {
 public:
  CgroupV1(CgroupLayout layout, CgroupOptions options, std::shared_ptr<CgroupFs> fs);

  Status Create(const std::string& name, const CgroupResources& resources) override;
  Status AddProcess(const std::string& name, pid_t pid) override;
  Status Update(const std::string& name, const CgroupResources& resources) override;
  Result<CgroupStats> Stats(const std::string& name) override;
  Result<uint64_t> OomKillCount(const std::string& name) override;
  Result<std::vector<pid_t>> Pids(const std::string& name) override;
  Status Freeze(const std::string& name) override;
  Status Thaw(const std::string& name) override;
  Status KillAll(const std::string& name) override;
  Status Destroy(const std::string& name) override;
  std::vector<std::string> ProcsFiles(const std::string& name) const override;
  std::vector<std::string> SelfJoinFiles(const std::string& name) const override;
  std::string UnifiedPath(const std::string& /*name*/) const override { return ""; }

 private:
  // The directory of `name` in the hierarchy that holds `controller` ("" when
  // the controller is not mounted).
  std::string Dir(const std::string& controller, const std::string& name) const;
  std::string ParentDir(const std::string& mount) const;
  Status RequireExists(const std::string& name) const;
  Status ApplyResources(const std::string& name, const CgroupResources& r);
  Status ApplyMemory(const std::string& dir, int64_t limit);
  Status InitCpuset(const std::string& dir);
  std::vector<std::string> BelowParents(const std::vector<std::string>& dirs) const;

  CgroupLayout layout_;
  CgroupOptions options_;
  std::shared_ptr<CgroupFs> fs_;
  std::vector<std::string> hierarchies_;  // distinct mount points, sorted
};

}  // namespace skiff::runtime
