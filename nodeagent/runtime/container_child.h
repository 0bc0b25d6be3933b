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

#include <limits.h>

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

// argv = {"skiff-init", "init", executable, args..., null}, argv[2] pointing at
// `executable`, which the child fills once it found args[0] in the container's
// PATH; envp = the process's environment, null-terminated.
struct InitExec {
  std::vector<std::string> strings;  // what argv and envp point into
  std::vector<char*> argv, envp;
  char executable[PATH_MAX] = {};
};

// Fills `out` for `spec`; `out` must not move afterwards.
void PrepareInitExec(const ContainerSpec& spec, InitExec& out);

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
  // The exec of skiff-init, made by the caller (PrepareInitExec) so that the
  // child, which may share the agent's memory, keeps nothing allocated at its
  // exec. Not owned; the child writes only `executable`.
  InitExec* init_exec = nullptr;
};

// Joins the plan's cgroup files now, failing as RunContainerChild does (a
// SetupReport on report_fd, then _exit). For a child that must join before it
// changes identity (user_namespace.cc); RunContainerChild joins at its end.
void JoinCgroupNow(Sys& sys, const ChildPlan& plan);

// Runs in the cloned child (which shares the agent's memory until it execs,
// vfork_clone.h): builds the container, loads the seccomp filter and execs
// skiff-init, which waits for Start. What it allocates it frees before the exec.
// A failure is a SetupReport on report_fd, then _exit. Never returns.
[[noreturn]] void RunContainerChild(Sys& sys, const ChildPlan& plan);

}  // namespace skiff::runtime
