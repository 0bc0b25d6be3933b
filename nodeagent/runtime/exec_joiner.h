// The forked side of Runtime::ExecStart.
//
//   caller ──fork──▶ helper: close every fd it was not given, join the cgroup,
//                    setns ipc, uts, net, pid, user, mnt (those that are not
//                    ours); with a TTY open a pty in the container's devpts
//                    (/dev/pts/ptmx, now the container's)
//                      └─fork──▶ process (inside the pid namespace): stdio, setsid
//                                and the controlling TTY, cwd, identity,
//                                capabilities, no_new_privs, seccomp, exec
//   The helper learns from a close-on-exec pipe whether the exec happened, then
//   reports to the caller over the channel (exec_channel.h): kReady with the
//   process's pid, a pidfd of it and the pty master, or kError with the step and
//   errno; then, after the process ends, kExited with its wait status. When the
//   caller hangs up first (it died), the helper kills the process.
//
// Runs in a forked child of a possibly multi-threaded caller: Sys calls, raw
// syscalls and the capability and seccomp helpers only; it never returns.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nodeagent/runtime/capabilities.h"
#include "nodeagent/runtime/container_record.h"
#include "nodeagent/runtime/runtime.h"
#include "nodeagent/runtime/seccomp_profile.h"
#include "nodeagent/runtime/sys.h"

namespace skiff::runtime {

struct ExecPlan {
  const ContainerRecord* record = nullptr;
  const ExecSpec* spec = nullptr;
  CapabilityState caps;
  std::optional<SeccompProgram> seccomp;
  std::vector<std::string> procs_files;     // cgroup files to write "0" into
  std::vector<std::pair<int, int>> ns_fds;  // fd, CLONE_NEW* (only namespaces that differ from ours)
  int channel = -1;  // the helper's end of the report socket
  // The process's ends of its pipes without a TTY (-1: stdin is /dev/null).
  int stdin_read = -1, stdout_write = -1, stderr_write = -1;
};

[[noreturn]] void RunExecHelper(Sys& sys, const ExecPlan& plan);

}  // namespace skiff::runtime
