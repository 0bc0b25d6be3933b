#include "nodeagent/runtime/exec_session.h"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "nodeagent/runtime/exec_channel.h"

namespace skiff::runtime {
namespace {

void ReapHelper(pid_t helper) {
  while (waitpid(helper, nullptr, 0) < 0 && errno == EINTR) {
  }
}

int PollMillis(std::chrono::milliseconds timeout) {
  if (timeout.count() < 0) return 0;
  return static_cast<int>(std::min<int64_t>(timeout.count(), INT_MAX));
}

}  // namespace

ExecSession::ExecSession(Parts parts) : parts_(std::make_unique<Parts>(std::move(parts))) {}

ExecSession& ExecSession::operator=(ExecSession&& other) noexcept {
  if (this != &other) {
    KillAndReap();
    parts_ = std::move(other.parts_);
    exit_ = other.exit_;
  }
  return *this;
}

ExecSession::~ExecSession() { KillAndReap(); }

pid_t ExecSession::pid() const { return parts_ ? parts_->pid : 0; }
int ExecSession::stdin_fd() const { return parts_ ? parts_->in.get() : -1; }
int ExecSession::stdout_fd() const { return parts_ ? parts_->out.get() : -1; }
int ExecSession::stderr_fd() const { return parts_ ? parts_->err.get() : -1; }
int ExecSession::tty_fd() const { return parts_ ? parts_->tty.get() : -1; }
int ExecSession::exit_fd() const { return parts_ ? parts_->reports.get() : -1; }

void ExecSession::CloseStdin() {
  if (parts_) parts_->in.Reset();
}

Status ExecSession::Signal(int sig) {
  if (!parts_) return Status::BadRequest("exec: an empty session");
  if (exit_) return Status::Ok();  // it has ended: nothing left to signal
  if (syscall(SYS_pidfd_send_signal, parts_->pidfd.get(), sig, nullptr, 0) < 0 && errno != ESRCH) {
    return Status::FromErrno(errno, parts_->context + ": pidfd_send_signal");
  }
  return Status::Ok();
}

Status ExecSession::Resize(unsigned short rows, unsigned short cols) {
  if (!parts_ || !parts_->tty.valid()) return Status::BadRequest("exec: resize of a session without a TTY");
  winsize size{};
  size.ws_row = rows;
  size.ws_col = cols;
  if (ioctl(parts_->tty.get(), TIOCSWINSZ, &size) < 0) {
    return Status::FromErrno(errno, parts_->context + ": resize the TTY (TIOCSWINSZ)");
  }
  return Status::Ok();
}

Result<ExecExit> ExecSession::Wait(std::chrono::milliseconds timeout) {
  if (exit_) return *exit_;
  if (!parts_) return Status::BadRequest("exec: an empty session");
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{parts_->reports.get(), POLLIN, 0};
    int r = poll(&p, 1, PollMillis(left));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Status::FromErrno(errno, parts_->context + ": poll");
    if (r == 0) return Status(Code::kTimeout, parts_->context + ": the process is still running");
    SetupReport report;
    std::vector<UniqueFd> unexpected;
    int got = ReceiveReport(parts_->reports.get(), report, unexpected);
    if (got == 1 && report.kind != SetupReport::kExited) continue;
    ReapHelper(std::exchange(parts_->helper, 0));
    parts_->pidfd.Reset();
    if (got < 0) return Status::FromErrno(-got, parts_->context + ": read the exit report");
    if (got == 0) return Status::Internal(parts_->context + ": the helper died before the process ended");
    ExecExit exit;
    if (WIFSIGNALED(report.err)) {
      exit.signal = WTERMSIG(report.err);
      exit.exit_code = 128 + exit.signal;
    } else {
      exit.exit_code = WEXITSTATUS(report.err);
    }
    exit_ = exit;
    return exit;
  }
}

void ExecSession::KillAndReap() {
  if (!parts_ || parts_->helper == 0) return;
  if (parts_->pidfd.valid()) syscall(SYS_pidfd_send_signal, parts_->pidfd.get(), SIGKILL, nullptr, 0);
  // The helper reports the end and exits; reading on to end of file waits for it.
  for (;;) {
    SetupReport report;
    std::vector<UniqueFd> fds;
    if (ReceiveReport(parts_->reports.get(), report, fds) != 1) break;
  }
  ReapHelper(std::exchange(parts_->helper, 0));
}

}  // namespace skiff::runtime
