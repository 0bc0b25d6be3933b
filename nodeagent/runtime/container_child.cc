#include "nodeagent/runtime/container_child.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "nodeagent/runtime/process_setup.h"
#include "nodeagent/runtime/rootfs_setup.h"
#include "nodeagent/runtime/setup_report.h"

namespace skiff::runtime {
namespace {

[[noreturn]] void Die(Sys& sys, const ChildPlan& plan, int err, const std::string& step,
                      const std::string& detail = "") {
  SetupReport report = ErrorReport(err, step.c_str(), detail.c_str());
  (void)sys.Write(plan.report_fd, &report, sizeof(report));
  _exit(1);
}

void Check(Sys& sys, const ChildPlan& plan, int r, const char* step, const std::string& d = "") {
  if (r < 0) Die(sys, plan, -r, step, d);
}

void Check(Sys& sys, const ChildPlan& plan, const StepError& e) {
  if (!e.ok()) Die(sys, plan, e.err, e.step, e.detail);
}

// At most this many cgroup files to join (v1 has one hierarchy per controller).
constexpr size_t kMaxCgroupFiles = 32;

// The cgroup files are opened while the host's paths are reachable (before
// pivot_root) and written at the end (JoinCgroup): the child's own setup
// allocates on memory it shares with the agent, and a memory limit hit then (an
// OOM kill in the middle of malloc) would leave the agent's heap locked.
size_t OpenCgroupFiles(Sys& sys, const ChildPlan& plan, int (&fds)[kMaxCgroupFiles]) {
  if (plan.cgroup_procs_files.size() > kMaxCgroupFiles) Die(sys, plan, E2BIG, "join cgroup");
  size_t n = 0;
  for (const std::string& file : plan.cgroup_procs_files) {
    int fd = sys.Open(file.c_str(), O_WRONLY | O_CLOEXEC, 0);
    Check(sys, plan, fd, "open cgroup", file);
    fds[n++] = fd;
  }
  return n;
}

void JoinCgroup(Sys& sys, const ChildPlan& plan, const int (&fds)[kMaxCgroupFiles], size_t n) {
  for (size_t i = 0; i < n; ++i) {
    ssize_t w = sys.Write(fds[i], "0", 1);
    ::close(fds[i]);
    Check(sys, plan, static_cast<int>(w), "join cgroup", plan.cgroup_procs_files[i]);
  }
}

// Finds args[0] in the container's PATH, into init_exec->executable; the
// string it used is gone when this returns.
void FindInitExecutable(Sys& sys, const ChildPlan& plan) {
  const ProcessSpec& process = plan.spec->process;
  std::string executable = FindExecutable(process.args[0], process.env);
  if (executable.empty()) Die(sys, plan, ENOENT, "find executable", process.args[0]);
  if (executable.size() >= sizeof(plan.init_exec->executable)) {
    Die(sys, plan, ENAMETOOLONG, "find executable", process.args[0]);
  }
  memcpy(plan.init_exec->executable, executable.c_str(), executable.size() + 1);
}

void JoinNamespaces(Sys& sys, const ChildPlan& plan) {
  const std::pair<int, int> joins[] = {{plan.join_ipc_fd, CLONE_NEWIPC},
                                       {plan.join_uts_fd, CLONE_NEWUTS},
                                       {plan.join_net_fd, CLONE_NEWNET}};
  for (auto [fd, type] : joins) {
    if (fd >= 0) Check(sys, plan, sys.Setns(fd, type), "setns");
  }
}

void SetStdio(Sys& sys, const ChildPlan& plan) {
  const std::pair<int, int> stdio[] = {
      {plan.stdin_fd, 0}, {plan.stdout_fd, 1}, {plan.stderr_fd, 2}};
  for (auto [from, to] : stdio) {
    if (dup2(from, to) < 0) Die(sys, plan, errno, "dup2 stdio");
  }
}

// Execs skiff-init with every signal blocked (so init queues the signals sent
// before it is ready for them), its status pipe on kInitStatusFd and the start
// fifo on kInitStartFifoFd. Every private descriptor is at kLowestPrivateFd or
// above, so the dup2s overwrite none of them.
[[noreturn]] void ExecInit(Sys& sys, const ChildPlan& plan, char** argv, char** envp) {
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, nullptr);
  if (dup2(plan.init_status_fd, kInitStatusFd) < 0) Die(sys, plan, errno, "dup2 status fd");
  if (dup2(plan.start_fifo_fd, kInitStartFifoFd) < 0) Die(sys, plan, errno, "dup2 start fifo");
  int r = sys.Execveat(plan.init_fd, "", argv, envp, AT_EMPTY_PATH);
  Die(sys, plan, -r, "exec skiff-init");
}

}  // namespace

void JoinCgroupNow(Sys& sys, const ChildPlan& plan) {
  int fds[kMaxCgroupFiles];
  JoinCgroup(sys, plan, fds, OpenCgroupFiles(sys, plan, fds));
}

void PrepareInitExec(const ContainerSpec& spec, InitExec& out) {
  out.strings = {"skiff-init", "init"};
  out.strings.insert(out.strings.end(), spec.process.args.begin(), spec.process.args.end());
  out.strings.insert(out.strings.end(), spec.process.env.begin(), spec.process.env.end());
  const size_t args_end = 2 + spec.process.args.size();
  out.argv = {out.strings[0].data(), out.strings[1].data(), out.executable};
  for (size_t i = 2; i < args_end; ++i) out.argv.push_back(out.strings[i].data());
  out.argv.push_back(nullptr);
  out.envp.clear();
  for (size_t i = args_end; i < out.strings.size(); ++i) out.envp.push_back(out.strings[i].data());
  out.envp.push_back(nullptr);
}

void RunContainerChild(Sys& sys, const ChildPlan& plan) {
  // Nothing the caller had open reaches skiff-init or the user's process.
  syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
  umask(0);
  SetStdio(sys, plan);
  int cgroup_fds[kMaxCgroupFiles];
  size_t cgroups = OpenCgroupFiles(sys, plan, cgroup_fds);
  JoinNamespaces(sys, plan);
  const ContainerSpec& spec = *plan.spec;
  // A new network namespace starts with lo down; pods (and docker run) have it up.
  if (spec.namespaces.net.mode == NamespaceSpec::Mode::kNew) {
    Check(sys, plan, sys.SetLinkUp("lo"), "bring up lo");
  }
  Check(sys, plan, PrepareRootfs(sys, spec, plan.rootfs_mountpoint, plan.upper_dir, plan.work_dir));
  Check(sys, plan, EnterRootfs(sys, spec, plan.rootfs_mountpoint));
  if (spec.namespaces.uts.mode == NamespaceSpec::Mode::kNew) {
    Check(sys, plan, sys.Sethostname(plan.hostname.data(), plan.hostname.size()), "sethostname");
  }
  Check(sys, plan, sys.Chdir(spec.process.cwd.c_str()), "chdir", spec.process.cwd);
  FindInitExecutable(sys, plan);
  JoinCgroup(sys, plan, cgroup_fds, cgroups);
  // From here to the exec the container's identity holds, but not yet its
  // seccomp filter, and we may share the agent's memory: the guard capability
  // of ApplyIdentity keeps the container's processes (in a joined pid
  // namespace) from attaching. Without the DAC capabilities at the exec, the
  // exec of skiff-init (a file we may not read) leaves init non-dumpable.
  Check(sys, plan,
        ApplyIdentity(sys, spec.process, plan.capabilities, spec.security.no_new_privs,
                      /*dac_off=*/true));
  umask(022);
  if (plan.seccomp != nullptr) {
    Check(sys, plan, -ApplySeccompProgram(*plan.seccomp), "load seccomp filter");
  }
  ExecInit(sys, plan, plan.init_exec->argv.data(), plan.init_exec->envp.data());
}

}  // namespace skiff::runtime
