// Runtime::ExecStart and Runtime::Exec: another process in a running container.
//
// ExecStart prepares what the helper (exec_joiner.h) needs while the caller can
// still allocate and fail cleanly: the capability sets, the seccomp program, the
// cgroup files, fds of the container's namespaces, the channel and the pipes. It
// forks the helper and waits for its first report: the process exec'd (its
// pidfd and, with a TTY, the pty master arrive with it) or the step that failed.
// Exec is ExecStart without a TTY or stdin, reading both pipes to their end.
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "base/unique_fd.h"
#include "nodeagent/runtime/container_launch.h"
#include "nodeagent/runtime/container_record.h"
#include "nodeagent/runtime/exec_channel.h"
#include "nodeagent/runtime/exec_joiner.h"
#include "nodeagent/runtime/process_util.h"
#include "nodeagent/runtime/runtime.h"

namespace skiff::runtime {
namespace {

struct Namespace {
  const char* name;
  int type;
};
// The mount namespace late: after it, the host's /proc is out of reach. The
// user namespace last: in it we keep no rights over namespaces the host owns.
constexpr Namespace kNamespaces[] = {{"ipc", CLONE_NEWIPC},
                                     {"uts", CLONE_NEWUTS},
                                     {"net", CLONE_NEWNET},
                                     {"pid", CLONE_NEWPID},
                                     {"mnt", CLONE_NEWNS},
                                     {"user", CLONE_NEWUSER}};

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

// A pipe whose two ends the caller owns until the fork.
Status MakePipe(Sys& sys, UniqueFd& read_end, UniqueFd& write_end) {
  int fds[2];
  int r = sys.Pipe2(fds, O_CLOEXEC);
  if (r < 0) return Status::FromErrno(-r, "pipe");
  read_end.Reset(fds[0]);
  write_end.Reset(fds[1]);
  return Status::Ok();
}

void Reap(pid_t pid) {
  while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

// The helper's first report: kReady with its fds, or why there is no process.
Status AwaitReady(pid_t helper, ExecSession::Parts& parts) {
  SetupReport report;
  std::vector<UniqueFd> fds;
  int got = ReceiveReport(parts.reports.get(), report, fds);
  if (got == 1 && report.kind == SetupReport::kReady && !fds.empty()) {
    parts.helper = helper;
    parts.pid = report.init_pid;
    parts.pidfd = std::move(fds[0]);
    if (fds.size() > 1) parts.tty = std::move(fds[1]);
    return Status::Ok();
  }
  // Hung up on, the helper kills a process it may have started, and exits.
  parts.reports.Reset();
  Reap(helper);
  if (got < 0) return Status::FromErrno(-got, parts.context + ": read the helper's report");
  if (got == 1 && report.kind == SetupReport::kError) return StatusFromReport(report, parts.context);
  return Status::Internal(parts.context + ": the helper died before the process started");
}

int PollMillis(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::clamp<int64_t>(left.count(), 0, INT_MAX));
}

// Reads stdout and stderr to their end; kills the process at the deadline, and
// stops reading once it has ended after the deadline (a descendant may hold
// the pipes open).
void CollectOutput(ExecSession& session, ExecResult& result, std::chrono::steady_clock::time_point deadline) {
  int fds[2] = {session.stdout_fd(), session.stderr_fd()};
  std::string* sinks[2] = {&result.stdout_data, &result.stderr_data};
  bool open[2] = {true, true};
  bool killed = false;
  while (open[0] || open[1]) {
    pollfd p[3] = {{open[0] ? fds[0] : -1, POLLIN, 0},
                   {open[1] ? fds[1] : -1, POLLIN, 0},
                   {killed ? session.exit_fd() : -1, POLLIN, 0}};
    int r = poll(p, 3, killed ? -1 : PollMillis(deadline));
    if (r < 0 && errno != EINTR) return;
    if (r == 0 && !killed) {
      (void)session.Signal(SIGKILL);
      killed = true;
    }
    if (r <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (!p[i].revents) continue;
      char buf[65536];
      ssize_t n = read(fds[i], buf, sizeof(buf));
      if (n > 0) sinks[i]->append(buf, static_cast<size_t>(n));
      if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) open[i] = false;
    }
    if (p[2].revents) return;
  }
}

}  // namespace

Result<ExecSession> Runtime::ExecStart(const std::string& id, const ExecSpec& spec) {
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
  ExecPlan plan;
  plan.record = &*record;
  plan.spec = &spec;
  Result<CapabilityState> caps = ComputeCapabilities(record->security.cap_add, record->security.cap_drop);
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
  ExecSession::Parts parts;
  parts.context = "exec in " + id;
  int channel[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, channel) < 0) {
    return Status::FromErrno(errno, "exec: socketpair");
  }
  parts.reports.Reset(channel[0]);
  UniqueFd helper_channel(channel[1]);
  UniqueFd stdin_read, stdout_write, stderr_write;
  if (!spec.tty) {
    if (spec.open_stdin) SKIFF_RETURN_IF_ERROR(MakePipe(sys_, stdin_read, parts.in).WithContext("exec"));
    SKIFF_RETURN_IF_ERROR(MakePipe(sys_, parts.out, stdout_write).WithContext("exec"));
    SKIFF_RETURN_IF_ERROR(MakePipe(sys_, parts.err, stderr_write).WithContext("exec"));
  }
  plan.channel = helper_channel.get();
  plan.stdin_read = stdin_read.get();
  plan.stdout_write = stdout_write.get();
  plan.stderr_write = stderr_write.get();
  pid_t helper = sys_.Fork();
  if (helper < 0) return Status::FromErrno(-helper, "exec: fork");
  if (helper == 0) RunExecHelper(sys_, plan);
  // The helper's ends live on in it alone, so end of file means it is gone.
  helper_channel.Reset();
  stdin_read.Reset();
  stdout_write.Reset();
  stderr_write.Reset();
  owned.clear();
  SKIFF_RETURN_IF_ERROR(AwaitReady(helper, parts));
  return ExecSession(std::move(parts));
}

Result<ExecResult> Runtime::Exec(const std::string& id, const ExecSpec& spec, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  ExecSpec plain = spec;
  plain.tty = false;
  plain.open_stdin = false;
  Result<ExecSession> session = ExecStart(id, plain);
  if (!session.ok()) return session.status();
  ExecResult result;
  CollectOutput(*session, result, deadline);
  Result<ExecExit> exit = session->Wait(std::chrono::milliseconds(PollMillis(deadline)));
  if (!exit.ok() && exit.status().code() == Code::kTimeout) {
    SKIFF_RETURN_IF_ERROR(session->Signal(SIGKILL));
    exit = session->Wait(std::chrono::hours(1));
  }
  if (!exit.ok()) return exit.status();
  result.exit_code = exit->exit_code;
  result.signal = exit->signal;
  return result;
}

}  // namespace skiff::runtime
