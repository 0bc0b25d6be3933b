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

// The cgroup files are opened while the host's paths are reachable (before
// pivot_root) and written at the end (JoinCgroup): the child's own setup
// allocates while it shares the monitor's memory, and a memory limit hit then
// (an OOM kill in the middle of malloc) would leave the monitor's heap locked.
std::vector<int> OpenCgroupFiles(Sys& sys, const ChildPlan& plan) {
  std::vector<int> fds;
  for (const std::string& file : plan.cgroup_procs_files) {
    int fd = sys.Open(file.c_str(), O_WRONLY | O_CLOEXEC, 0);
    Check(sys, plan, fd, "open cgroup", file);
    fds.push_back(fd);
  }
  return fds;
}

void JoinCgroup(Sys& sys, const ChildPlan& plan, const std::vector<int>& fds) {
  for (size_t i = 0; i < fds.size(); ++i) {
    ssize_t w = sys.Write(fds[i], "0", 1);
    ::close(fds[i]);
    Check(sys, plan, static_cast<int>(w), "join cgroup", plan.cgroup_procs_files[i]);
  }
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

std::vector<char*> Pointers(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (const std::string& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

}  // namespace

void RunContainerChild(Sys& sys, const ChildPlan& plan) {
  // Nothing the caller had open reaches skiff-init or the user's process.
  syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
  umask(0);
  SetStdio(sys, plan);
  std::vector<int> cgroup_fds = OpenCgroupFiles(sys, plan);
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
  std::string executable = FindExecutable(spec.process.args[0], spec.process.env);
  if (executable.empty()) Die(sys, plan, ENOENT, "find executable", spec.process.args[0]);
  std::vector<std::string> init_args = plan.init_args;
  init_args.push_back(executable);
  init_args.insert(init_args.end(), spec.process.args.begin(), spec.process.args.end());
  std::vector<char*> argv = Pointers(init_args);
  std::vector<char*> envp = Pointers(plan.env);
  JoinCgroup(sys, plan, cgroup_fds);
  Check(sys, plan,
        ApplyIdentity(sys, spec.process, plan.capabilities, spec.security.no_new_privs));
  umask(022);
  if (plan.seccomp != nullptr) {
    Check(sys, plan, -ApplySeccompProgram(*plan.seccomp), "load seccomp filter");
  }
  ExecInit(sys, plan, argv.data(), envp.data());
}

}  // namespace skiff::runtime
