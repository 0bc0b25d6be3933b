// Runtime: skiff's container runtime, in the caller's process (libcrun's role).
//
// A container lives in <state_root>/<id>/ (state.json, exit.json, start.fifo,
// the rootfs mountpoint, upper/ and work/ when the runtime owns them, and the log
// unless the spec names one). Its processes do not depend on the caller: a
// monitor (skiff-init monitor) owns its stdout/stderr and its exit status, so a
// Runtime opened later on the same state root re-attaches to it (State, Wait,
// Kill, Exec, Delete all work from the state directory alone).
//
//   Create  validates the spec, makes the state dir and cgroup, and launches the
//           monitor and the container's first process, which stops just before
//           exec (status kCreated). On failure nothing is left: no process,
//           mount, cgroup or state dir.
//   Start   releases it: it execs skiff-init, which forks args[0] (kRunning).
//   Kill    sends a signal to init, which forwards it to the process (SIGKILL
//           kills the whole pid namespace). Stop = SIGTERM, Wait(grace), SIGKILL.
//   Wait    returns when the monitor has recorded the exit (kStopped).
//   Exec    runs another process in the container's namespaces, cgroup,
//           capabilities, no_new_privs and seccomp filter.
//   ExecStart starts one and hands back its streams (pipes, or a pty of the
//           container's devpts) in an ExecSession (exec_session.h).
//   Delete  removes a stopped container (force: kills it first): cgroup, state dir;
//           also the directory of a Create cut short by the caller's death.
//   Stats   reads the usage of its cgroup.
//   Prune   removes what nobody will: stopped containers made with auto_remove,
//           containers still created with remove_unstarted, and directories
//           of a Create cut short, once no process holds them (below).
//
// Holding: Create leaves the container held by this Runtime (an flock on its
// directory) until Release, Delete or the Runtime's end; the lock dies with
// the process, also with kill -9, and a fork (run -d --rm's reaper) shares it.
// Prune skips held containers, so a `run --rm` that still waits for its
// container's exit code never has it removed under it, and one killed between
// Create and Start, or before it removed its container, is cleaned up the next
// time any Runtime on the same state root prunes.
//
// Errors: NotFound for an unknown id, AlreadyExists for a taken id, Invalid (with
// field causes) for a bad spec, Conflict for an operation the container's status
// does not allow, Timeout when a wait runs out, Internal (with errno and the step)
// for a failed system call. Thread-compatible: calls on one id must not overlap;
// calls on different ids may run concurrently.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "base/unique_fd.h"
#include "nodeagent/runtime/cgroups.h"
#include "nodeagent/runtime/container_spec.h"
#include "nodeagent/runtime/exec_session.h"
#include "nodeagent/runtime/seccomp_cache.h"
#include "nodeagent/runtime/sys.h"

namespace skiff::runtime {

struct RuntimeOptions {
  std::string state_root;   // e.g. /run/skiff/containers; made when missing
  std::string init_binary;  // the static skiff-init executable
  Sys* sys = nullptr;       // null: the real kernel
  // Null: containers get no cgroup (resources are ignored).
  std::shared_ptr<CgroupManager> cgroups;
  Clock* clock = nullptr;  // null: the real clock
};

enum class ContainerStatus { kCreated, kRunning, kStopped };

struct ContainerState {
  std::string id;
  ContainerStatus status = ContainerStatus::kCreated;
  pid_t init_pid = 0;
  pid_t monitor_pid = 0;
  int exit_code = 0;  // when kStopped
  int signal = 0;     // when kStopped by a signal
  bool oom_killed = false;
  std::string error;  // why it stopped without running, or lost its monitor
  std::string created_at, started_at, finished_at;
  std::string log_path;
};

struct ExecSpec {
  std::vector<std::string> args;
  std::vector<std::string> env;  // empty: the container's
  std::string cwd;               // empty: the container's
  // ExecStart only (Exec always runs without a TTY, stdin /dev/null):
  bool tty = false;                   // a pty of the container's devpts on 0, 1 and 2
  bool open_stdin = false;            // a pipe (or the pty) to the process's stdin; else /dev/null
  unsigned short rows = 0, cols = 0;  // the pty's first window size (0: the kernel's)
};

struct ExecResult {
  int exit_code = 0;
  int signal = 0;
  std::string stdout_data, stderr_data;
};

class Runtime {
 public:
  static Result<std::unique_ptr<Runtime>> Open(RuntimeOptions options);
  ~Runtime();

  Status Create(const ContainerSpec& spec);
  Status Start(const std::string& id);
  Status Kill(const std::string& id, int signal);
  Status Stop(const std::string& id, std::chrono::milliseconds grace);
  Result<ContainerState> Wait(const std::string& id, std::chrono::milliseconds timeout);
  Result<ContainerState> State(const std::string& id);
  Result<std::vector<ContainerState>> List();
  // Runs a process to completion and returns its output (no TTY, stdin /dev/null).
  Result<ExecResult> Exec(const std::string& id, const ExecSpec& spec,
                          std::chrono::milliseconds timeout = std::chrono::minutes(1));
  // Starts a process and returns once it has exec'd (or why it could not: the
  // failed step with its errno, e.g. ENOENT from "find executable"), with the
  // caller's ends of its streams. On failure nothing is left behind.
  Result<ExecSession> ExecStart(const std::string& id, const ExecSpec& spec);
  Status Delete(const std::string& id, bool force = false);
  // Makes the monitor reopen the log path (CRI ReopenContainerLog): the caller
  // renamed the old file away, new lines go to a fresh file at the same path.
  Status ReopenLog(const std::string& id);
  // CPU, memory and pids of the container's cgroup. Unavailable without cgroups.
  Result<CgroupStats> Stats(const std::string& id);
  // Ends this Runtime's hold on a container it created (see Holding above).
  void Release(const std::string& id);
  // Removes every container of the state root that no process holds and that
  // is stopped with auto_remove, created (never started) with
  // remove_unstarted (its processes are killed), or a directory without
  // state.json (a Create cut short). Returns the ids removed; a container it
  // could not remove is left for the next Prune and does not fail the others.
  // Internal when the state root cannot be read or locked.
  Result<std::vector<std::string>> Prune();

  const std::string& state_root() const { return options_.state_root; }

 private:
  Runtime(RuntimeOptions options, int init_fd);
  std::string Dir(const std::string& id) const;
  Status CreateIn(const ContainerSpec& spec, const std::string& dir, bool& cgroup_made);
  Status RemoveHalfCreated(const std::string& id, const std::string& dir);
  void Abandon(const std::string& id, const std::string& dir, bool cgroup_made, pid_t init_pid,
               pid_t monitor_pid);

  // Prune's decision for one directory, which it holds locked.
  Status PruneOne(const std::string& id, bool& removed);
  // Locks <dir> for Create (under the state root's shared lock, so Prune,
  // which takes it exclusively, never sees the directory unlocked).
  Status Hold(const std::string& id, const std::string& dir);

  RuntimeOptions options_;
  Sys& sys_;
  Clock& clock_;
  int init_fd_;           // sealed memfd copy of skiff-init
  SeccompCache seccomp_;  // <state_root>/.seccomp
  std::mutex held_mu_;
  std::map<std::string, UniqueFd> held_;  // id -> its directory, flock'd
};

}  // namespace skiff::runtime
