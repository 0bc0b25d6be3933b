// The device rules of a cgroup v2 cgroup, as an eBPF program.
//
// cgroup v2 has no devices controller: the kernel asks an eBPF program of type
// BPF_PROG_TYPE_CGROUP_DEVICE, attached to the cgroup, before every open and
// mknod of a device node. DeviceFilterProgram compiles DeviceRules into such a
// program (deny unless a rule allows; a rule allows when type, major, minor
// match and the requested access is within the rule's); AttachDeviceFilter loads
// it and attaches it to a cgroup directory, then detaches the programs attached
// there before, so the new rules replace the old.
//
// Failures are Status values with errno ("bpf BPF_PROG_LOAD: Operation not
// permitted"). Thread-safe (no state).
#pragma once

#include <linux/bpf.h>

#include <string>
#include <vector>

#include "base/status.h"
#include "nodeagent/runtime/cgroups.h"

namespace skiff::runtime {

// The program for `rules` (validated by ValidateCgroupResources beforehand).
std::vector<bpf_insn> DeviceFilterProgram(const std::vector<DeviceRule>& rules);

// Loads the program for `rules` and attaches it to the cgroup v2 directory
// `cgroup_dir` (BPF_F_ALLOW_MULTI), replacing what was attached before.
Status AttachDeviceFilter(const std::string& cgroup_dir, const std::vector<DeviceRule>& rules);

}  // namespace skiff::runtime
