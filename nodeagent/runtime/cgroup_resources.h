// Checks and conversions of CgroupResources shared by CgroupV1 and CgroupV2.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "nodeagent/runtime/cgroups.h"

namespace skiff::runtime {

constexpr uint64_t kDefaultCpuPeriodUs = 100000;

// Invalid, with a field cause per bad field ("cpu_shares", "cpu_quota_us",
// "cpu_period_us", "memory_limit_bytes", "pids_limit", "devices[i]"), for values
// the kernel would refuse: shares outside 2..262144, a quota below 1000us
// (except -1), a period outside 1000us..1s, a memory limit or pids limit of 0 or
// below -1, a device rule with another type than a/b/c, a number below -1 or an
// access that is empty or not made of r, w and m.
Status ValidateCgroupResources(const CgroupResources& r);

// "c 1:3 rwm", "b *:* m"; "a" for every device.
std::string DeviceRuleText(const DeviceRule& rule);

// cgroup v2 cpu.weight (1..10000) for v1 cpu.shares (2..262144), as runc and crun
// convert: 1 + ((shares - 2) * 9999) / 262142.
uint64_t CpuSharesToWeight(uint64_t shares);

}  // namespace skiff::runtime
