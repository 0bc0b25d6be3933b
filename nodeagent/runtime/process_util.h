// Helpers about processes that are not our children (a container's init and
// monitor after the caller restarted): identity across pid reuse, and waiting
// for their exit through a pidfd.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>

#include "base/status.h"

namespace skiff::runtime {

// Field 22 of /proc/<pid>/stat (clock ticks after boot): with the pid, it names
// one process even after the pid is reused. NotFound when there is no such pid.
Result<uint64_t> ProcStartTime(pid_t pid);
// True when `pid` runs and started at `start_time` (zombies count as gone).
bool ProcessMatches(pid_t pid, uint64_t start_time);
// Waits until `pid` exits (or is a zombie), up to `timeout`; true when it did.
bool WaitProcessExit(pid_t pid, std::chrono::milliseconds timeout);

}  // namespace skiff::runtime
