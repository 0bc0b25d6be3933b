// LaunchContainer: the caller's side of creating a container's processes.
//
//   caller ──clone(VM|VFORK)──▶ intermediate ──setsid, fork──▶ monitor ──clone(VM|VFORK|NEW*)──▶ child
//                               (exits at once)                 │ (sleeps until the child     │ rootfs, identity,
//                                                               │  execs or dies)             │ seccomp
//                                                               │◀── exec, or SetupReport ────┤ exec skiff-init init
//                                                               │ open the log                   (waits on start.fifo)
//   caller ◀──────────────── SetupReport (ready, pids) ─────────┤
//                                                               └ exec skiff-init monitor
//
// The monitor is double-forked so it belongs to no agent process and survives
// their deaths; the container's first process is its child, so after the monitor
// execs skiff-init in monitor mode it can reap it and record the exit status.
// The intermediate shares the caller's memory, and the child the monitor's
// (vfork_clone.h), so the caller's address space is copied once per container,
// by the monitor's fork. The child's report pipe is close-on-exec: end of file
// with the child alive means skiff-init runs. The monitor reports ready before
// its own exec, so Create does not wait for it; SIGCHLD and SIGUSR1 stay blocked
// across the exec, so no exit and no ReopenLog is lost, and a failed exec kills
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
