#include "nodeagent/runtime/exec_joiner.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "base/unique_fd.h"
#include "nodeagent/runtime/exec_channel.h"
#include "nodeagent/runtime/process_setup.h"

namespace skiff::runtime {
namespace {

constexpr int kPtmxMajor = 5, kPtmxMinor = 2;  // /dev/pts/ptmx of any devpts instance

// The process tells the helper why it did not exec over a plain pipe.
[[noreturn]] void ProcessFail(int fd, int err, const std::string& step,
                              const std::string& detail = "") {
  SetupReport r = ErrorReport(err, step.c_str(), detail.c_str());
  (void)!write(fd, &r, sizeof(r));
  _exit(127);
}

// The helper tells the caller.
[[noreturn]] void HelperFail(int channel, int err, const std::string& step,
                             const std::string& detail = "") {
  SendReport(channel, ErrorReport(err, step.c_str(), detail.c_str()));
  _exit(127);
}

std::vector<char*> Pointers(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (const std::string& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// Other threads of the caller may have opened fds (even other execs' pipes) that
// this fork copied: holding them would delay someone's end of file.
void CloseAllExcept(std::vector<int> keep) {
  syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
  std::sort(keep.begin(), keep.end());
  unsigned next = 3;
  for (int fd : keep) {
    if (fd < static_cast<int>(next)) continue;
    if (static_cast<unsigned>(fd) > next) syscall(SYS_close_range, next, fd - 1, 0);
    next = static_cast<unsigned>(fd) + 1;
  }
  syscall(SYS_close_range, next, ~0U, 0);
}

// A pty of the devpts mounted at the container's /dev/pts (the helper is in its
// mount namespace by now). The slave comes from the master (TIOCGPTPEER), not
// from a path the container could have replaced.
StepError OpenPty(Sys& sys, const ExecSpec& spec, UniqueFd& master, UniqueFd& slave) {
  int fd = sys.Open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0) return {-fd, "open the container's /dev/pts/ptmx", ""};
  master.Reset(fd);
  struct stat st;
  if (fstat(fd, &st) < 0) return {errno, "stat /dev/pts/ptmx", ""};
  if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != kPtmxMajor || minor(st.st_rdev) != kPtmxMinor) {
    return {ENOTTY, "open the container's /dev/pts/ptmx", "not a pty multiplexer"};
  }
  int unlock = 0;
  if (ioctl(fd, TIOCSPTLCK, &unlock) < 0) return {errno, "unlock the pty (TIOCSPTLCK)", ""};
  if (spec.rows != 0 || spec.cols != 0) {
    winsize size{};
    size.ws_row = spec.rows;
    size.ws_col = spec.cols;
    if (ioctl(fd, TIOCSWINSZ, &size) < 0) return {errno, "set the TTY size (TIOCSWINSZ)", ""};
  }
  int peer = ioctl(fd, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (peer < 0) return {errno, "open the pty's slave (TIOCGPTPEER)", ""};
  slave.Reset(peer);
  return {};
}

// 0, 1 and 2 from `stdio`, which may be any fds (even 0..2 in another order).
StepError SetStdio(const int (&stdio)[3]) {
  int above[3];
  for (int i = 0; i < 3; ++i) {
    above[i] = fcntl(stdio[i], F_DUPFD_CLOEXEC, 3);
    if (above[i] < 0) return {errno, "dup stdio", ""};
  }
  for (int i = 0; i < 3; ++i) {
    if (dup2(above[i], i) < 0) return {errno, "dup2 stdio", ""};
  }
  return {};
}

// A new session whose controlling terminal is the pty; the process's user owns
// the slave, as a login would leave it.
StepError TakeTerminal(Sys& sys, int slave, uid_t uid) {
  int r = sys.Setsid();
  if (r < 0) return {-r, "setsid", ""};
  if (ioctl(slave, TIOCSCTTY, 0) < 0)
    return {errno, "make the pty the controlling TTY (TIOCSCTTY)", ""};
  if (fchown(slave, uid, static_cast<gid_t>(-1)) < 0) return {errno, "chown the pty", ""};
  return {};
}

[[noreturn]] void RunProcess(Sys& sys, const ExecPlan& plan, int slave, int report) {
  // The caller's signal mask and ignored signals are not the process's.
  for (int sig = 1; sig < NSIG; ++sig) signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  umask(022);
  const ProcessSpec& container = plan.record->process;
  int in = plan.stdin_read;
  if (slave < 0 && in < 0) {
    in = sys.Open("/dev/null", O_RDONLY | O_CLOEXEC, 0);
    if (in < 0) ProcessFail(report, -in, "open /dev/null");
  }
  StepError e;
  if (slave >= 0) {
    e = TakeTerminal(sys, slave, container.uid);
    if (!e.ok()) ProcessFail(report, e.err, e.step);
  }
  const int stdio[3] = {slave >= 0 ? slave : in, slave >= 0 ? slave : plan.stdout_write,
                        slave >= 0 ? slave : plan.stderr_write};
  e = SetStdio(stdio);
  if (!e.ok()) ProcessFail(report, e.err, e.step);
  ProcessSpec process = container;
  if (!plan.spec->env.empty()) process.env = plan.spec->env;
  if (!plan.spec->cwd.empty()) process.cwd = plan.spec->cwd;
  int r = sys.Chdir(process.cwd.c_str());
  if (r < 0) ProcessFail(report, -r, "chdir", process.cwd);
  std::string executable = FindExecutable(plan.spec->args[0], process.env);
  if (executable.empty()) ProcessFail(report, ENOENT, "find executable", plan.spec->args[0]);
  std::vector<char*> argv = Pointers(plan.spec->args);
  std::vector<char*> envp = Pointers(process.env);
  e = ApplyIdentity(sys, process, plan.caps, plan.record->security.no_new_privs);
  if (!e.ok()) ProcessFail(report, e.err, e.step, e.detail);
  if (plan.seccomp) {
    r = ApplySeccompProgram(*plan.seccomp);
    if (r != 0) ProcessFail(report, r, "load seccomp filter");
  }
  r = sys.Execveat(AT_FDCWD, executable.c_str(), argv.data(), envp.data(), 0);
  ProcessFail(report, -r, "exec", executable);
}

void JoinContainer(Sys& sys, const ExecPlan& plan) {
  for (const std::string& file : plan.procs_files) {
    int cg = sys.Open(file.c_str(), O_WRONLY | O_CLOEXEC, 0);
    if (cg < 0) HelperFail(plan.channel, -cg, "open cgroup", file);
    ssize_t w = sys.Write(cg, "0", 1);
    close(cg);
    if (w < 0) HelperFail(plan.channel, static_cast<int>(-w), "join cgroup", file);
  }
  for (auto [ns, type] : plan.ns_fds) {
    int r = sys.Setns(ns, type);
    if (r < 0) HelperFail(plan.channel, -r, "setns");
    close(ns);
  }
}

int WaitStatus(pid_t child) {
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

// Waits for the process's end; kills it first when the caller hangs up (it died,
// or dropped a session it could not take), so no exec outlives its caller.
int AwaitProcess(int channel, int pidfd, pid_t child) {
  pollfd p[2] = {{pidfd, POLLIN, 0}, {channel, POLLRDHUP, 0}};
  for (;;) {
    int r = poll(p, 2, -1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 || p[0].revents) break;
    if (p[1].revents) {
      kill(child, SIGKILL);
      break;
    }
  }
  return WaitStatus(child);
}

}  // namespace

[[noreturn]] void RunExecHelper(Sys& sys, const ExecPlan& plan) {
  const int channel = plan.channel;
  std::vector<int> keep = {channel, plan.stdin_read, plan.stdout_write, plan.stderr_write};
  for (auto [ns, type] : plan.ns_fds) keep.push_back(ns);
  CloseAllExcept(keep);
  // Non-dumpable before the process we fork appears in the container's pid
  // namespace (runc's order): until its execve, which makes it dumpable again
  // with the seccomp filter in place, no process of the container may ptrace
  // it or read its /proc files.
  if (int r = sys.Prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); r < 0) {
    HelperFail(channel, -r, "make the exec non-dumpable");
  }
  JoinContainer(sys, plan);
  UniqueFd master, slave;
  if (plan.spec->tty) {
    StepError e = OpenPty(sys, *plan.spec, master, slave);
    if (!e.ok()) HelperFail(channel, e.err, e.step, e.detail);
  }
  int exec_pipe[2];
  int r = sys.Pipe2(exec_pipe, O_CLOEXEC);
  if (r < 0) HelperFail(channel, -r, "pipe");
  pid_t child = sys.Fork();
  if (child < 0) HelperFail(channel, -child, "fork");
  if (child == 0) {
    close(exec_pipe[0]);
    RunProcess(sys, plan, slave.get(), exec_pipe[1]);
  }
  close(exec_pipe[1]);
  slave.Reset();
  for (int fd : {plan.stdin_read, plan.stdout_write, plan.stderr_write}) {
    if (fd >= 0) close(fd);
  }
  int pidfd = sys.PidfdOpen(child);
  if (pidfd < 0) {
    kill(child, SIGKILL);
    WaitStatus(child);
    HelperFail(channel, -pidfd, "pidfd_open");
  }
  // End of file on the pipe: the process exec'd (the pipe is close-on-exec).
  SetupReport failed;
  ssize_t n;
  do {
    n = read(exec_pipe[0], &failed, sizeof(failed));
  } while (n < 0 && errno == EINTR);
  close(exec_pipe[0]);
  if (n == static_cast<ssize_t>(sizeof(failed))) {
    WaitStatus(child);
    SendReport(channel, failed);
    _exit(127);
  }
  SetupReport ready;
  ready.kind = SetupReport::kReady;
  ready.init_pid = child;
  const int fds[kMaxReportFds] = {pidfd, master.get()};
  if (SendReport(channel, ready, fds, master.valid() ? 2 : 1) < 0) {
    kill(child, SIGKILL);  // the caller is gone: so is the process
    WaitStatus(child);
    _exit(1);
  }
  master.Reset();
  SetupReport exited;
  exited.kind = SetupReport::kExited;
  exited.err = AwaitProcess(channel, pidfd, child);
  SendReport(channel, exited);
  _exit(0);
}

}  // namespace skiff::runtime
