// LaunchContainer: the caller's side of creating a container's processes.
//
//   caller ──clone(VM|VFORK)──▶ intermediate ──clone(VM|VFORK)──▶ monitor ──clone(VM|VFORK|NEW*)──▶ child
//   (sleeps)                    setsid (sleeps)                 │ (sleeps)                    │ rootfs, identity,
//                                                               │                             │ cgroup, seccomp
//                                                               │◀── exec, or SetupReport ────┤ exec skiff-init init
//                                                               │ open the log                   (waits on start.fifo)
//                               exits ◀── exec'd ───────────────┤ SetupReport (ready, pids) to the caller
//   caller wakes, reads the report                              └ exec skiff-init monitor
//
// All three share the caller's memory (vfork_clone.h): nothing of the agent is
// copied, and each parent sleeps until its child has exec'd or died. The
// intermediate then exits, so the monitor belongs to no agent process and
// survives their deaths; the container's first process is the monitor's child,
// so once it runs skiff-init in monitor mode it can reap it and record the exit
// status. Sharing is safe because the caller makes the plan and the exec of
// skiff-init in its own memory and frees them afterwards: the monitor and the
// child hold no allocation at their execs. With a user namespace of the
// container's own the monitor is a fork (one copy): it writes the maps while the
// child waits. The child's report pipe is close-on-exec: end of file with the
// child alive means skiff-init runs. SIGCHLD and SIGUSR1 stay blocked across the
// monitor's exec, so no exit and no ReopenLog is lost, and a failed exec kills
// the child and leaves no exit.json (State: the monitor was lost).
// Success means skiff-init runs as the container's first process, blocked until
// Start opens the start fifo, and the monitor is running. On failure the monitor
// kills the child (its mounts die with its mount namespace) and exits, and
// LaunchContainer returns the child's SetupReport as a Status with errno and the
// failed step; no process is left behind.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "nodeagent/runtime/capabilities.h"
#include "nodeagent/runtime/container_spec.h"
#include "nodeagent/runtime/seccomp_profile.h"
#include "nodeagent/runtime/sys.h"

namespace skiff::runtime {

struct LaunchRequest {
  const ContainerSpec* spec = nullptr;
  std::string rootfs_mountpoint;
  std::string upper_dir, work_dir;
  std::string start_fifo;
  std::string log_path;
  std::string exit_file;
  std::vector<std::string> cgroup_procs_files;
  CapabilityState capabilities;
  const SeccompProgram* seccomp = nullptr;
  int init_fd = -1;  // sealed memfd of skiff-init
};

struct Launched {
  pid_t init_pid = 0;
  pid_t monitor_pid = 0;
};

Result<Launched> LaunchContainer(Sys& sys, const LaunchRequest& request);

// "create container: mount overlay /x: Permission denied" from a report.
Status StatusFromReport(const struct SetupReport& report, std::string_view context);

}  // namespace skiff::runtime
