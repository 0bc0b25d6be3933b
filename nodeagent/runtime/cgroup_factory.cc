// NewCgroupManager: see cgroups.h.
#include "nodeagent/runtime/cgroup_fs.h"
#include "nodeagent/runtime/cgroup_v1.h"
#include "nodeagent/runtime/cgroup_v2.h"
#include "nodeagent/runtime/cgroups.h"

namespace skiff::runtime {

std::unique_ptr<CgroupManager> NewCgroupManager(const CgroupLayout& layout,
                                                const CgroupOptions& options,
                                                std::shared_ptr<CgroupFs> fs) {
  if (!fs) fs = NewLinuxCgroupFs();
  if (layout.mode == CgroupMode::kV2) return std::make_unique<CgroupV2>(layout, options, fs);
  return std::make_unique<CgroupV1>(layout, options, fs);
}

}  // namespace skiff::runtime
