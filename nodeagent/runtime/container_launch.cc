#include "nodeagent/runtime/container_launch.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <optional>

#include "nodeagent/runtime/container_child.h"
#include "nodeagent/runtime/setup_report.h"
#include "nodeagent/runtime/user_namespace.h"
#include "nodeagent/runtime/vfork_clone.h"
#include "base/unique_fd.h"

namespace skiff::runtime {
namespace {

// Descriptors the container's child must keep apart from 0, 1, 2 and
// the descriptors of init_fds.h, so the dup2s that set those up never overwrite one in use.
constexpr int kLowestPrivateFd = 10;

void WriteReport(int fd, const SetupReport& report) {
  const char* p = reinterpret_cast<const char*>(&report);
  size_t left = sizeof(report);
  while (left > 0) {
    ssize_t w = write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    p += w;
    left -= static_cast<size_t>(w);
  }
}

// Reads one whole report; false at end of file or on error.
bool ReadReport(int fd, SetupReport& report) {
  char* p = reinterpret_cast<char*>(&report);
  size_t got = 0;
  while (got < sizeof(report)) {
    ssize_t n = read(fd, p + got, sizeof(report) - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    got += static_cast<size_t>(n);
  }
  report.step[sizeof(report.step) - 1] = 0;
  report.detail[sizeof(report.detail) - 1] = 0;
  return true;
}

struct ChildArgs {
  Sys* sys;
  const ChildPlan* plan;
  int caller_fd;
  UserNamespaceLaunch* userns;  // null: the host's user namespace
};

int RunChild(void* arg) {
  const ChildArgs& a = *static_cast<ChildArgs*>(arg);
  close(a.caller_fd);  // the container must not keep the caller's pipe open
  if (a.userns != nullptr) a.userns->RunChild(*a.plan);
  RunContainerChild(*a.sys, *a.plan);
}

// The monitor before its exec: everything it does is reported on caller_fd.
class PreExecMonitor {
 public:
  PreExecMonitor(Sys& sys, const LaunchRequest& req, ChildPlan& plan, int caller_fd)
      : sys_(sys), req_(req), plan_(plan), caller_fd_(caller_fd) {}

  [[noreturn]] void Run() {
    PrepareProcess();
    OpenDescriptors();
    JoinPidNamespace();
    std::optional<UserNamespaceLaunch> userns = PrepareUserNamespace();
    FillPlanDescriptors();
    ChildArgs args{&sys_, &plan_, caller_fd_, userns ? &*userns : nullptr};
    // The child shares our memory and we sleep until it has exec'd skiff-init
    // (or died): nothing is copied, and a stop at Start costs no process of ours.
    // With a user namespace we write its maps while the child waits: a copy.
    pid_t child = userns ? sys_.Clone(CloneFlags() | SIGCHLD) : CloneSharedChild(args);
    if (child == 0) RunChild(&args);
    if (child < 0) Fail(ErrorReport(-child, "clone"));
    child_ = child;
    if (userns) Check(userns->AfterClone(child));
    for (int fd : {out_[1], err_[1], status_[1], setup_[1]}) close(fd);
    // The report pipe is close-on-exec: end of file without a report means the
    // child exec'd skiff-init, unless it died.
    SetupReport report;
    if (ReadReport(setup_[0], report)) Fail(report);
    if (waitpid(child_, nullptr, WNOHANG) == child_) {
      child_ = 0;
      Fail(ErrorReport(ECHILD, "container child exited before it was ready"));
    }
    close(setup_[0]);
    OpenLog();
    ReportReady();
    ExecMonitor();
  }

 private:
  [[noreturn]] void Fail(const SetupReport& report) {
    if (child_ > 0) {
      kill(child_, SIGKILL);
      waitpid(child_, nullptr, 0);
    }
    WriteReport(caller_fd_, report);
    if (log_fd_ >= 0) close(log_fd_);
    _exit(1);
  }

  // Moves fd to kLowestPrivateFd or above, close-on-exec.
  int High(int fd, const char* step) {
    if (fd < 0) Fail(ErrorReport(-fd, step));
    if (fd >= kLowestPrivateFd) return fd;
    int moved = fcntl(fd, F_DUPFD_CLOEXEC, kLowestPrivateFd);
    if (moved < 0) Fail(ErrorReport(errno, step));
    close(fd);
    return moved;
  }

  void MakePipe(int (&fds)[2], const char* step) {
    int r = sys_.Pipe2(fds, O_CLOEXEC);
    if (r < 0) Fail(ErrorReport(-r, step));
    fds[0] = High(fds[0], step);
    fds[1] = High(fds[1], step);
  }

  void PrepareProcess() {
    // Whatever the caller had open is closed at our exec and the child's.
    syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
    caller_fd_ = High(caller_fd_, "move report fd");
    init_fd_ = High(fcntl(req_.init_fd, F_DUPFD_CLOEXEC, kLowestPrivateFd), "move init fd");
    // Every signal stays blocked until the exec (CloneVfork and the fork from
    // the intermediate start us so): we may share the agent's memory, and one of
    // its handlers must not run here. SIGCHLD's disposition is ours to set.
    signal(SIGCHLD, SIG_DFL);
  }

  void OpenDescriptors() {
    MakePipe(out_, "pipe stdout");
    MakePipe(err_, "pipe stderr");
    MakePipe(status_, "pipe init status");
    MakePipe(setup_, "pipe setup report");
    devnull_ = High(sys_.Open("/dev/null", O_RDONLY | O_CLOEXEC, 0), "open /dev/null");
    fifo_ = High(sys_.Open(req_.start_fifo.c_str(), O_PATH | O_CLOEXEC, 0), "open start fifo");
    const NamespacesSpec& ns = req_.spec->namespaces;
    join_uts_ = OpenJoin(ns.uts);
    join_ipc_ = OpenJoin(ns.ipc);
    join_net_ = OpenJoin(ns.net);
  }

  int OpenJoin(const NamespaceSpec& ns) {
    if (ns.mode != NamespaceSpec::Mode::kJoin) return -1;
    return High(sys_.Open(ns.path.c_str(), O_RDONLY | O_CLOEXEC, 0), "open namespace");
  }

  void Check(const StepError& e) {
    if (!e.ok()) Fail(ErrorReport(e.err, e.step.c_str(), e.detail.c_str()));
  }

  // The monitor's part of a user namespace of the container's own (user_namespace.h).
  std::optional<UserNamespaceLaunch> PrepareUserNamespace() {
    if (!UsesOwnUserNamespace(*req_.spec)) return std::nullopt;
    std::string dir = req_.rootfs_mountpoint.substr(0, req_.rootfs_mountpoint.rfind('/'));
    std::optional<UserNamespaceLaunch> userns;
    userns.emplace(sys_, *req_.spec, dir, req_.upper_dir, req_.work_dir, req_.start_fifo,
                   kLowestPrivateFd);
    Check(userns->BeforeClone(
        {{&join_ipc_, CLONE_NEWIPC}, {&join_uts_, CLONE_NEWUTS}, {&join_net_, CLONE_NEWNET}}));
    return userns;
  }

  // A pid namespace is joined by the parent: it applies to the children it makes.
  void JoinPidNamespace() {
    const NamespaceSpec& pid = req_.spec->namespaces.pid;
    if (pid.mode != NamespaceSpec::Mode::kJoin) return;
    int fd = High(sys_.Open(pid.path.c_str(), O_RDONLY | O_CLOEXEC, 0), "open pid namespace");
    int r = sys_.Setns(fd, CLONE_NEWPID);
    if (r < 0) Fail(ErrorReport(-r, "setns pid", pid.path.c_str()));
    close(fd);
  }

  unsigned long CloneFlags() const {
    const NamespacesSpec& ns = req_.spec->namespaces;
    unsigned long flags = CLONE_NEWNS;
    if (ns.pid.mode == NamespaceSpec::Mode::kNew) flags |= CLONE_NEWPID;
    if (ns.uts.mode == NamespaceSpec::Mode::kNew) flags |= CLONE_NEWUTS;
    if (ns.ipc.mode == NamespaceSpec::Mode::kNew) flags |= CLONE_NEWIPC;
    if (ns.net.mode == NamespaceSpec::Mode::kNew) flags |= CLONE_NEWNET;
    if (ns.user.mode == NamespaceSpec::Mode::kNew) flags |= CLONE_NEWUSER;
    return flags;
  }

  // The descriptors of the plan the caller made (the rest of it is theirs).
  void FillPlanDescriptors() {
    plan_.report_fd = setup_[1];
    plan_.start_fifo_fd = fifo_;
    plan_.init_fd = init_fd_;
    plan_.init_status_fd = status_[1];
    plan_.stdin_fd = devnull_;
    plan_.stdout_fd = out_[1];
    plan_.stderr_fd = err_[1];
    plan_.join_uts_fd = join_uts_;
    plan_.join_ipc_fd = join_ipc_;
    plan_.join_net_fd = join_net_;
  }

  pid_t CloneSharedChild(ChildArgs& args) {
    char* stack = ThreadStack(VforkStack::kChild);
    if (stack == nullptr) Fail(ErrorReport(errno, "map the child's stack"));
    return sys_.CloneVfork(CloneFlags() | SIGCHLD, RunChild, &args, stack);
  }

  // The log is opened before Create returns, so a bad log path fails Create.
  void OpenLog() {
    int fd = sys_.Open(req_.log_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) Fail(ErrorReport(-fd, "open the log", req_.log_path.c_str()));
    log_fd_ = High(fd, "move the log fd");
  }

  // Create reads this once we have exec'd skiff-init (or, when we are a fork,
  // at once): the container's init runs, its exit can only be collected by us,
  // and SIGCHLD and SIGUSR1 wait, blocked, for the monitor's signalfd.
  void ReportReady() {
    SetupReport ready;
    ready.kind = SetupReport::kReady;
    ready.init_pid = child_;
    ready.monitor_pid = getpid();
    WriteReport(caller_fd_, ready);
    close(caller_fd_);
    caller_fd_ = -1;
  }

  // After ReportReady nobody waits for a report: a failed exec kills the child
  // and exits without exit.json, which State reports as a lost monitor.
  [[noreturn]] void ExecMonitor() {
    for (int fd : {out_[0], err_[0], status_[0], log_fd_}) fcntl(fd, F_SETFD, 0);
    // Numbers on our stack: we may share the agent's memory, and what we still
    // hold allocated at the exec would stay allocated there.
    char numbers[5][16];
    const int values[5] = {child_, out_[0], err_[0], status_[0], log_fd_};
    for (int i = 0; i < 5; ++i) snprintf(numbers[i], sizeof(numbers[i]), "%d", values[i]);
    const char* argv[] = {"skiff-monitor", "monitor", req_.log_path.c_str(), req_.exit_file.c_str(),
                          numbers[0],      numbers[1], numbers[2],          numbers[3],
                          numbers[4],      nullptr};
    char* envp[] = {nullptr};
    // SIGCHLD stays blocked across the exec so the monitor's signalfd misses no
    // exit; SIGUSR1 (ReopenLog) too, since Create may call it right after.
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigaddset(&chld, SIGUSR1);
    sigprocmask(SIG_SETMASK, &chld, nullptr);
    (void)sys_.Execveat(init_fd_, "", const_cast<char**>(argv), envp, AT_EMPTY_PATH);
    kill(child_, SIGKILL);
    waitpid(child_, nullptr, 0);
    _exit(1);
  }

  Sys& sys_;
  const LaunchRequest& req_;
  ChildPlan& plan_;
  int caller_fd_;
  int init_fd_ = -1;
  pid_t child_ = 0;
  int out_[2] = {-1, -1}, err_[2] = {-1, -1}, status_[2] = {-1, -1}, setup_[2] = {-1, -1};
  int devnull_ = -1, fifo_ = -1, log_fd_ = -1;
  int join_uts_ = -1, join_ipc_ = -1, join_net_ = -1;
};

struct IntermediateArgs {
  Sys* sys;
  const LaunchRequest* request;
  ChildPlan* plan;
  int write_fd;
};

int RunMonitor(void* arg) {
  const IntermediateArgs& a = *static_cast<IntermediateArgs*>(arg);
  PreExecMonitor(*a.sys, *a.request, *a.plan, a.write_fd).Run();
}

// The monitor, started from the intermediate. Without a user namespace of the
// container's own it shares the agent's memory too, and the intermediate sleeps
// until it has exec'd: no copy of the agent at all, however big and busy the
// agent is. With one, the monitor runs code that allocates while the child
// waits for its uid maps, so it is a fork: one copy.
pid_t StartMonitor(const IntermediateArgs& a) {
  if (UsesOwnUserNamespace(*a.request->spec)) {
    pid_t pid = a.sys->Fork();
    if (pid == 0) PreExecMonitor(*a.sys, *a.request, *a.plan, a.write_fd).Run();
    return pid;
  }
  char* stack = ThreadStack(VforkStack::kMonitor);
  if (stack == nullptr) return -errno;
  return a.sys->CloneVfork(SIGCHLD, RunMonitor, const_cast<IntermediateArgs*>(&a), stack);
}

// The intermediate: a new session, the monitor started from it, and exit, so
// the monitor is nobody's child but the host's init (or the nearest subreaper).
int RunIntermediate(void* arg) {
  const IntermediateArgs& a = *static_cast<IntermediateArgs*>(arg);
  int s = a.sys->Setsid();
  if (s < 0) {
    WriteReport(a.write_fd, ErrorReport(-s, "setsid"));
    _exit(1);
  }
  pid_t monitor = StartMonitor(a);
  if (monitor < 0) WriteReport(a.write_fd, ErrorReport(-monitor, "start the monitor"));
  _exit(0);
}

// The intermediate shares the caller's memory and runs on a stack the calling
// thread keeps, while that thread waits (vfork_clone.h). Not a Sys call: the
// caller's part of a launch makes none, so a fault loop's Nth call is the same
// step in every run. Returns the pid or -errno.
pid_t SpawnIntermediate(IntermediateArgs& args) {
  char* stack = ThreadStack(VforkStack::kIntermediate);
  if (stack == nullptr) return -errno;
  return CloneVfork(SIGCHLD, RunIntermediate, &args, stack);
}

// Everything of the child's plan but the descriptors, which the monitor opens.
void PlanChild(const LaunchRequest& req, InitExec& init_exec, ChildPlan& plan) {
  const ContainerSpec& spec = *req.spec;
  plan.spec = &spec;
  plan.rootfs_mountpoint = req.rootfs_mountpoint;
  plan.upper_dir = req.upper_dir;
  plan.work_dir = req.work_dir;
  plan.cgroup_procs_files = req.cgroup_procs_files;
  plan.hostname = spec.hostname.empty() ? spec.id.substr(0, 63) : spec.hostname;
  plan.capabilities = req.capabilities;
  plan.seccomp = req.seccomp;
  PrepareInitExec(spec, init_exec);
  plan.init_exec = &init_exec;
}

}  // namespace

Status StatusFromReport(const SetupReport& report, std::string_view context) {
  std::string what(report.step);
  if (report.detail[0] != 0) what += std::string(" ") + report.detail;
  return Status::FromErrno(report.err, std::string(context) + ": " + what);
}

Result<Launched> LaunchContainer(Sys& sys, const LaunchRequest& request) {
  int fds[2];
  int r = sys.Pipe2(fds, O_CLOEXEC);
  if (r < 0) return Status::FromErrno(-r, "create container: pipe");
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  // Made here, in the caller's own memory, and freed here: the monitor and the
  // child may share that memory and must leave nothing allocated in it.
  InitExec init_exec;
  ChildPlan plan;
  PlanChild(request, init_exec, plan);
  IntermediateArgs args{&sys, &request, &plan, write_end.get()};
  pid_t intermediate = SpawnIntermediate(args);
  if (intermediate < 0) return Status::FromErrno(-intermediate, "create container: clone");
  write_end.Reset();
  // The intermediate exits once the monitor has exec'd (or forked); reaping it
  // is cleanup, never a fault point.
  while (waitpid(intermediate, nullptr, 0) < 0 && errno == EINTR) {
  }
  // A raw read: while the monitor and the child work, the caller makes no Sys
  // call, so the Nth call of a fault loop is the same step in every run.
  SetupReport report;
  if (!ReadReport(read_end.get(), report)) {
    return Status::Internal("create container: the monitor ended without reporting");
  }
  if (report.kind != SetupReport::kReady) return StatusFromReport(report, "create container");
  return Launched{report.init_pid, report.monitor_pid};
}

}  // namespace skiff::runtime
