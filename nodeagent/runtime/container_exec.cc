// Runtime::Exec: another process in a running container.
//
//   caller ──fork──▶ joiner: join the cgroup, setns ipc, uts, net, pid, mnt
//                      └─fork──▶ process (now inside the pid namespace): chdir,
//                                identity, capabilities, no_new_privs, seccomp, exec
//   joiner reports the process's pid, then its wait status; the caller collects
//   stdout and stderr until both pipes close.
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "nodeagent/runtime/container_launch.h"
#include "nodeagent/runtime/container_record.h"
#include "nodeagent/runtime/process_setup.h"
#include "nodeagent/runtime/process_util.h"
#include "nodeagent/runtime/runtime.h"
#include "nodeagent/runtime/setup_report.h"
#include "base/unique_fd.h"

namespace skiff::runtime {
namespace {

struct Namespace {
  const char* name;
  int type;
};
// The mount namespace last: after it, the host's /proc is out of reach.
constexpr Namespace kNamespaces[] = {{"ipc", CLONE_NEWIPC},
                                     {"uts", CLONE_NEWUTS},
                                     {"net", CLONE_NEWNET},
                                     {"pid", CLONE_NEWPID},
                                     {"mnt", CLONE_NEWNS}};

struct ExecPlan {
  const ContainerRecord* record;
  const ExecSpec* spec;
  CapabilityState caps;
  std::optional<SeccompProgram> seccomp;
  std::vector<std::string> procs_files;
  std::vector<std::pair<int, int>> ns_fds;  // fd, type (only namespaces that differ from ours)
  int out[2], err[2], report[2];
};

void Report(int fd, const SetupReport& r) { (void)!write(fd, &r, sizeof(r)); }

[[noreturn]] void Fail(int fd, int err, const std::string& step, const std::string& detail = "") {
  Report(fd, ErrorReport(err, step.c_str(), detail.c_str()));
  _exit(127);
}

std::vector<char*> Pointers(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (const std::string& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

[[noreturn]] void RunProcess(Sys& sys, const ExecPlan& plan) {
  int fd = plan.report[1];
  // The agent's signal mask and ignored signals are not the process's.
  for (int sig = 1; sig < NSIG; ++sig) signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  umask(022);
  int devnull = sys.Open("/dev/null", O_RDONLY | O_CLOEXEC, 0);
  if (devnull < 0) Fail(fd, -devnull, "open /dev/null");
  if (dup2(devnull, 0) < 0 || dup2(plan.out[1], 1) < 0 || dup2(plan.err[1], 2) < 0) {
    Fail(fd, errno, "dup2 stdio");
  }
  const ProcessSpec& container = plan.record->process;
  ProcessSpec process = container;
  if (!plan.spec->env.empty()) process.env = plan.spec->env;
  if (!plan.spec->cwd.empty()) process.cwd = plan.spec->cwd;
  int r = sys.Chdir(process.cwd.c_str());
  if (r < 0) Fail(fd, -r, "chdir", process.cwd);
  std::string executable = FindExecutable(plan.spec->args[0], process.env);
  if (executable.empty()) Fail(fd, ENOENT, "find executable", plan.spec->args[0]);
  std::vector<char*> argv = Pointers(plan.spec->args);
  std::vector<char*> envp = Pointers(process.env);
  StepError e = ApplyIdentity(sys, process, plan.caps, plan.record->security.no_new_privs);
  if (!e.ok()) Fail(fd, e.err, e.step, e.detail);
  if (plan.seccomp) {
    r = ApplySeccompProgram(*plan.seccomp);
    if (r != 0) Fail(fd, r, "load seccomp filter");
  }
  r = sys.Execveat(AT_FDCWD, executable.c_str(), argv.data(), envp.data(), 0);
  Fail(fd, -r, "exec", executable);
}

[[noreturn]] void RunJoiner(Sys& sys, const ExecPlan& plan) {
  int fd = plan.report[1];
  syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
  for (const std::string& file : plan.procs_files) {
    int cg = sys.Open(file.c_str(), O_WRONLY | O_CLOEXEC, 0);
    if (cg < 0) Fail(fd, -cg, "open cgroup", file);
    ssize_t w = sys.Write(cg, "0", 1);
    close(cg);
    if (w < 0) Fail(fd, static_cast<int>(-w), "join cgroup", file);
  }
  for (auto [ns, type] : plan.ns_fds) {
    int r = sys.Setns(ns, type);
    if (r < 0) Fail(fd, -r, "setns");
  }
  pid_t child = sys.Fork();
  if (child < 0) Fail(fd, -child, "fork");
  if (child == 0) RunProcess(sys, plan);
  close(plan.out[1]);
  close(plan.err[1]);
  SetupReport started;
  started.kind = SetupReport::kReady;
  started.init_pid = child;
  Report(fd, started);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  SetupReport exited;
  exited.kind = SetupReport::kExited;
  exited.err = status;
  Report(fd, exited);
  _exit(0);
}

// The namespaces of pid that are not the caller's, opened for setns.
Status OpenNamespaces(pid_t pid, std::vector<UniqueFd>& owned, ExecPlan& plan) {
  for (const Namespace& ns : kNamespaces) {
    std::string theirs = "/proc/" + std::to_string(pid) + "/ns/" + ns.name;
    std::string ours = std::string("/proc/self/ns/") + ns.name;
    struct stat a, b;
    if (stat(theirs.c_str(), &a) < 0) return Status::FromErrno(errno, "stat " + theirs);
    if (stat(ours.c_str(), &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) continue;
    int fd = open(theirs.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::FromErrno(errno, "open " + theirs);
    owned.emplace_back(fd);
    plan.ns_fds.push_back({fd, ns.type});
  }
  return Status::Ok();
}

// Reads both pipes to their end, and the reports as they come; kills the
// process when the deadline passes.
void Collect(ExecPlan& plan, pid_t& process, ExecResult& result,
             std::vector<SetupReport>& reports, std::chrono::steady_clock::time_point deadline) {
  int fds[3] = {plan.out[0], plan.err[0], plan.report[0]};
  std::string* sinks[2] = {&result.stdout_data, &result.stderr_data};
  bool open[3] = {true, true, true};
  while (open[0] || open[1]) {
    pollfd p[3];
    for (int i = 0; i < 3; ++i) p[i] = {open[i] ? fds[i] : -1, POLLIN, 0};
    int r = poll(p, 3, 100);
    if (r < 0 && errno != EINTR) return;
    for (int i = 0; i < 2; ++i) {
      if (!p[i].revents) continue;
      char buf[65536];
      ssize_t n = read(fds[i], buf, sizeof(buf));
      if (n <= 0) open[i] = false;
      else sinks[i]->append(buf, static_cast<size_t>(n));
    }
    if (p[2].revents) {
      SetupReport report;
      if (read(fds[2], &report, sizeof(report)) != sizeof(report)) {
        open[2] = false;
      } else if (report.kind == SetupReport::kReady) {
        process = report.init_pid;
      } else {
        reports.push_back(report);
      }
    }
    if (std::chrono::steady_clock::now() > deadline && process > 0) kill(process, SIGKILL);
  }
}

}  // namespace

Result<ExecResult> Runtime::Exec(const std::string& id, const ExecSpec& spec,
                                 std::chrono::milliseconds timeout) {
  if (spec.args.empty() || spec.args[0].empty()) {
    return Status::Invalid("exec: args must not be empty",
                           {{"args", "FieldValueRequired", "must not be empty"}});
  }
  Result<ContainerState> state = State(id);
  if (!state.ok()) return state.status();
  if (state->status != ContainerStatus::kRunning) {
    return Status::Conflict("exec in container \"" + id + "\": it is not running");
  }
  Result<ContainerRecord> record = ReadContainerRecord(Dir(id));
  if (!record.ok()) return record.status();
  ExecPlan plan{};
  plan.record = &*record;
  plan.spec = &spec;
  Result<CapabilityState> caps =
      ComputeCapabilities(record->security.cap_add, record->security.cap_drop);
  if (!caps.ok()) return caps.status();
  plan.caps = *caps;
  if (record->security.seccomp) {
    Result<SeccompProgram> program = BuildDefaultSeccompProgram(caps->effective);
    if (!program.ok()) return program.status();
    plan.seccomp = std::move(*program);
  }
  if (options_.cgroups && !record->cgroup.empty()) {
    plan.procs_files = options_.cgroups->SelfJoinFiles(record->cgroup);
  }
  std::vector<UniqueFd> owned;
  SKIFF_RETURN_IF_ERROR(OpenNamespaces(record->init_pid, owned, plan).WithContext("exec"));
  if (!ProcessMatches(record->init_pid, record->init_start_time)) {
    return Status::Conflict("exec in container \"" + id + "\": it is not running");
  }
  for (int* pipe : {plan.out, plan.err, plan.report}) {
    int r = sys_.Pipe2(pipe, O_CLOEXEC);
    if (r < 0) return Status::FromErrno(-r, "exec: pipe");
    owned.emplace_back(pipe[0]);
    owned.emplace_back(pipe[1]);
  }
  pid_t joiner = sys_.Fork();
  if (joiner < 0) return Status::FromErrno(-joiner, "exec: fork");
  if (joiner == 0) RunJoiner(sys_, plan);
  for (int fd : {plan.out[1], plan.err[1], plan.report[1]}) {
    for (UniqueFd& f : owned) {
      if (f.get() == fd) f.Reset();
    }
  }
  ExecResult result;
  pid_t process = 0;
  std::vector<SetupReport> reports;
  Collect(plan, process, result, reports, std::chrono::steady_clock::now() + timeout);
  // The rest of the report pipe: the process's wait status or why it never ran.
  SetupReport report;
  while (read(plan.report[0], &report, sizeof(report)) == sizeof(report)) {
    reports.push_back(report);
  }
  std::optional<Status> failure;
  int wait_status = -1;
  for (SetupReport& r : reports) {
    r.step[sizeof(r.step) - 1] = 0;
    r.detail[sizeof(r.detail) - 1] = 0;
    if (r.kind == SetupReport::kError) failure = StatusFromReport(r, "exec in " + id);
    if (r.kind == SetupReport::kExited) wait_status = r.err;
  }
  while (waitpid(joiner, nullptr, 0) < 0 && errno == EINTR) {
  }
  if (failure) return *failure;
  if (wait_status < 0) return Status::Internal("exec in " + id + ": the process was lost");
  if (WIFSIGNALED(wait_status)) {
    result.signal = WTERMSIG(wait_status);
    result.exit_code = 128 + result.signal;
  } else {
    result.exit_code = WEXITSTATUS(wait_status);
  }
  return result;
}

}  // namespace skiff::runtime
