// The container's first process, between clone() and the exec of skiff-init.
//
// RunContainerChild runs in the child of a clone() with the new namespaces and
// turns it into the container: it joins the cgroup and the namespaces given by
// path, builds the root filesystem (rootfs_setup.h), sets the hostname, the
// working directory, the user and groups, the capabilities and no_new_privs,
// loads the seccomp filter and execs skiff-init, handing it the start fifo: init
// waits there for Start and writes the byte Start waits for, so a signal sent
// after Start finds init in charge.
//
// Every failure is sent to report_fd as a SetupReport naming the step and errno,
// and the child exits; the mounts it made live only in its own mount namespace,
// so they vanish with it. Everything the child needs is prepared by the parent in
// a ChildPlan; the child only makes Sys calls and the capability and seccomp
// helpers' async-signal-safe calls.
#pragma once

#include <string>
#include <vector>

#include "nodeagent/runtime/capabilities.h"
#include "nodeagent/runtime/init/init_fds.h"
#include "nodeagent/runtime/container_spec.h"
#include "nodeagent/runtime/seccomp_profile.h"
#include "nodeagent/runtime/sys.h"

namespace skiff::runtime {

// The descriptors skiff-init starts with (its status pipe, the start fifo).
inline constexpr int kInitStatusFd = SKIFF_INIT_STATUS_FD;
inline constexpr int kInitStartFifoFd = SKIFF_INIT_START_FIFO_FD;

struct ChildPlan {
  const ContainerSpec* spec = nullptr;
  std::string rootfs_mountpoint;  // <state>/<id>/rootfs on the host
  std::string upper_dir, work_dir;
  std::vector<std::string> cgroup_procs_files;
  std::string hostname;
  // Descriptors the child uses; every other inherited descriptor is closed at exec.
  int report_fd = -1;       // SetupReports to the monitor
  int start_fifo_fd = -1;   // O_PATH to <state>/<id>/start.fifo
  int init_fd = -1;         // sealed memfd holding skiff-init
  int init_status_fd = -1;  // becomes kInitStatusFd in skiff-init
  int stdin_fd = -1, stdout_fd = -1, stderr_fd = -1;
  int join_uts_fd = -1, join_ipc_fd = -1, join_net_fd = -1;
  CapabilityState capabilities;
  const SeccompProgram* seccomp = nullptr;  // null: unconfined
  // argv and envp of skiff-init (built by BuildInitArgv): null-terminated.
  std::vector<std::string> init_args;
  std::vector<std::string> env;
};

// Runs in the cloned child (which shares the monitor's memory until it execs):
// builds the container, loads the seccomp filter and execs skiff-init, which
// waits for Start. A failure is a SetupReport on report_fd, then _exit.
// Never returns.
[[noreturn]] void RunContainerChild(Sys& sys, const ChildPlan& plan);

}  // namespace skiff::runtime
