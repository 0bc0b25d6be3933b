#include "nodeagent/cli/exec_pump.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <string>

#include "base/unique_fd.h"
#include "nodeagent/cli/raw_terminal.h"

namespace skiff::cli {
namespace {

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH};
// How long output may stay quiet after the process ended before the streams a
// descendant still holds are given up.
constexpr int kQuietAfterExitMs = 200;
constexpr char kTerminalEof = '\x04';

// Blocks the forwarded signals into a signalfd and ignores SIGPIPE; undoes both.
class SignalRedirect {
 public:
  Status Install() {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : kForwarded) sigaddset(&set, sig);
    if (sigprocmask(SIG_BLOCK, &set, &saved_mask_) < 0) return Status::FromErrno(errno, "block signals");
    blocked_ = true;
    fd_.Reset(signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!fd_.valid()) return Status::FromErrno(errno, "signalfd");
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &saved_pipe_);
    pipe_saved_ = true;
    return Status::Ok();
  }
  ~SignalRedirect() {
    // Signals taken but not read yet are dropped, not delivered after the unblock.
    signalfd_siginfo info;
    while (fd_.valid() && read(fd_.get(), &info, sizeof(info)) == sizeof(info)) {
    }
    if (pipe_saved_) sigaction(SIGPIPE, &saved_pipe_, nullptr);
    if (blocked_) sigprocmask(SIG_SETMASK, &saved_mask_, nullptr);
  }
  int fd() const { return fd_.get(); }

 private:
  UniqueFd fd_;
  sigset_t saved_mask_{};
  bool blocked_ = false;
  struct sigaction saved_pipe_ {};
  bool pipe_saved_ = false;
};

void SetNonBlocking(int fd) {
  if (fd >= 0) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

bool Transient(ssize_t n) { return n < 0 && (errno == EAGAIN || errno == EINTR); }

class Pump {
 public:
  Pump(runtime::ExecSession& session, const PumpOptions& options, std::ostream& out, std::ostream& err)
      : session_(session), options_(options) {
    tty_ = session.tty_fd() >= 0;
    outputs_[0] = {tty_ ? session.tty_fd() : session.stdout_fd(), &out};
    outputs_[1] = {tty_ ? -1 : session.stderr_fd(), &err};
    target_ = tty_ ? session.tty_fd() : session.stdin_fd();
    forwarding_ = options.forward_stdin && target_ >= 0;
    for (const Output& o : outputs_) SetNonBlocking(o.fd);
    SetNonBlocking(target_);
  }

  Result<runtime::ExecExit> Run(int signal_fd) {
    for (;;) {
      bool streaming = outputs_[0].fd >= 0 || outputs_[1].fd >= 0;
      if (exit_ && !streaming) return *exit_;
      pollfd p[6] = {
          {forwarding_ && !in_eof_ && pending_.empty() && !exit_ ? options_.in_fd : -1, POLLIN, 0},
          {forwarding_ && !pending_.empty() ? target_ : -1, POLLOUT, 0},
          {outputs_[0].fd, POLLIN, 0},
          {outputs_[1].fd, POLLIN, 0},
          {exit_ ? -1 : session_.exit_fd(), POLLIN, 0},
          {signal_fd, POLLIN, 0}};
      int r = poll(p, 6, Timeout());
      if (r < 0 && errno != EINTR) return Status::FromErrno(errno, "poll");
      if (r == 0 && exit_) return *exit_;  // a descendant holds the streams
      if (r == 0) KillAtDeadline();
      if (r <= 0) continue;
      if (p[0].revents) ReadInput();
      if (p[1].revents) WriteInput();
      for (int i = 0; i < 2; ++i) {
        if (p[2 + i].revents) CopyOutput(outputs_[i]);
      }
      if (p[4].revents) SKIFF_RETURN_IF_ERROR(CollectExit());
      if (p[5].revents) ForwardSignals(signal_fd);
    }
  }

 private:
  struct Output {
    int fd = -1;
    std::ostream* sink = nullptr;
  };

  int Timeout() const {
    if (exit_) return kQuietAfterExitMs;
    if (!options_.deadline || killed_) return -1;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*options_.deadline -
                                                                      std::chrono::steady_clock::now());
    return static_cast<int>(std::clamp<int64_t>(left.count(), 0, INT_MAX));
  }

  void KillAtDeadline() {
    if (killed_ || !options_.deadline || std::chrono::steady_clock::now() < *options_.deadline) return;
    (void)session_.Signal(SIGKILL);
    killed_ = true;
  }

  void ReadInput() {
    char buf[65536];
    ssize_t n = read(options_.in_fd, buf, sizeof(buf));
    if (Transient(n)) return;
    if (n > 0) {
      pending_.append(buf, static_cast<size_t>(n));
      return;
    }
    in_eof_ = true;  // end of file or an unreadable input: the process sees its end
    if (tty_) {
      pending_ += kTerminalEof;
    } else if (pending_.empty()) {
      StopForwarding();
    }
  }

  void WriteInput() {
    ssize_t n = write(target_, pending_.data(), pending_.size());
    if (Transient(n)) return;
    if (n < 0) {  // the process closed its stdin or is gone
      StopForwarding();
      return;
    }
    pending_.erase(0, static_cast<size_t>(n));
    if (pending_.empty() && in_eof_ && !tty_) StopForwarding();
  }

  void StopForwarding() {
    pending_.clear();
    forwarding_ = false;
    if (!tty_) session_.CloseStdin();
  }

  void CopyOutput(Output& o) {
    char buf[65536];
    ssize_t n = read(o.fd, buf, sizeof(buf));
    if (Transient(n)) return;
    if (n <= 0) {  // end of file, or EIO from a pty whose slave is closed
      o.fd = -1;
      return;
    }
    o.sink->write(buf, n);
    o.sink->flush();
  }

  Status CollectExit() {
    Result<runtime::ExecExit> exit = session_.Wait(std::chrono::milliseconds(0));
    if (exit.ok()) {
      exit_ = *exit;
      return Status::Ok();
    }
    return exit.status().code() == Code::kTimeout ? Status::Ok() : exit.status();
  }

  void ForwardSignals(int signal_fd) {
    signalfd_siginfo info;
    while (read(signal_fd, &info, sizeof(info)) == sizeof(info)) {
      int sig = static_cast<int>(info.ssi_signo);
      if (sig != SIGWINCH) {
        (void)session_.Signal(sig);
      } else if (options_.resize_from >= 0 && tty_) {
        WindowSize size = TerminalSize(options_.resize_from);
        if (size.rows != 0 || size.cols != 0) (void)session_.Resize(size.rows, size.cols);
      }
    }
  }

  runtime::ExecSession& session_;
  const PumpOptions& options_;
  bool tty_ = false;
  Output outputs_[2];
  int target_ = -1;
  bool forwarding_ = false;
  bool in_eof_ = false;
  bool killed_ = false;
  std::string pending_;
  std::optional<runtime::ExecExit> exit_;
};

}  // namespace

Result<runtime::ExecExit> PumpExec(runtime::ExecSession& session, const PumpOptions& options, std::ostream& out,
                                   std::ostream& err) {
  SignalRedirect signals;
  SKIFF_RETURN_IF_ERROR(signals.Install().WithContext("exec"));
  Pump pump(session, options, out, err);
  return pump.Run(signals.fd());
}

}  // namespace skiff::cli
