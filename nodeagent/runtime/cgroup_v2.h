// CgroupV2: CgroupManager over the unified cgroup v2 hierarchy.
//
// A cgroup is one directory under <unified>/<parent>. Create delegates the cpu,
// memory and pids controllers down to it by writing "+controller" into the
// cgroup.subtree_control of every level above it, for those the level offers in
// cgroup.controllers (a controller the host keeps elsewhere, as on a hybrid
// host, is skipped; asking for a limit it would enforce then fails NotFound on
// its file). Limits go to cpu.weight (converted from shares), cpu.max,
// memory.max (+ memory.swap.max 0), pids.max. OOM kills come from memory.events.
// KillAll writes cgroup.kill (Linux >= 5.14) and otherwise freezes with
// cgroup.freeze, signals every process and thaws.
//
// Contract, errors and thread-safety: see CgroupManager in cgroups.h.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "nodeagent/runtime/cgroup_fs.h"
#include "nodeagent/runtime/cgroups.h"

namespace skiff::runtime {

class CgroupV2 : public CgroupManager {
 public:
  CgroupV2(CgroupLayout layout, CgroupOptions options, std::shared_ptr<CgroupFs> fs);

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
  std::string UnifiedPath(const std::string& name) const override { return Dir(name); }

 private:
  std::string Dir(const std::string& name) const;
  Status RequireExists(const std::string& name) const;
  // Enables the wanted controllers in `dir`/cgroup.subtree_control.
  Status Delegate(const std::string& dir);
  // Makes the missing directories down to `name`, appending those it made
  // below the parent to `made`. AlreadyExists when `name` exists.
  Status MakeLevels(const std::string& name, std::vector<std::string>& made);
  Status ApplyResources(const std::string& dir, const CgroupResources& r);

  CgroupLayout layout_;
  CgroupOptions options_;
  std::shared_ptr<CgroupFs> fs_;
};

}  // namespace skiff::runtime
