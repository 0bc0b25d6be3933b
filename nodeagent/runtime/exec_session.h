// ExecSession: one process started by Runtime::ExecStart in a running container,
// with the caller's ends of its streams (what CRI exec streaming needs).
//
// Streams. Without a TTY: stdin_fd() writes to the process's stdin (-1 unless
// ExecSpec.open_stdin asked for it; the process then reads /dev/null),
// stdout_fd() and stderr_fd() read its output; each reaches end of file when
// every holder of the other end has closed it. With a TTY: tty_fd() is the pty
// master, both ways (writes are the terminal's input, reads its output; a read
// fails with EIO once every holder of the slave has closed it) and the three
// pipe fds are -1. The fds are blocking and close-on-exec; the caller may poll
// them and change their flags.
//
// Life. exit_fd() turns readable when the process has ended; Wait then returns
// its exit code (and the signal that ended it, if one did). Signal sends a
// signal through a pidfd, so a reused pid is never hit. Resize sets the pty's
// window size (the kernel sends SIGWINCH to its foreground process group).
// Destroying a session whose process still runs kills it (SIGKILL) and reaps the
// helper: a session leaves no process and no fd behind.
//
// Errors: BadRequest for a TTY operation on a session without one, Timeout when
// Wait runs out, Internal (with errno and the step) for a failed system call or
// a helper that died without a word. Move-only; not thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "base/unique_fd.h"

namespace skiff::runtime {

struct ExecExit {
  int exit_code = 0;  // 128+signal when a signal ended the process
  int signal = 0;
};

class ExecSession {
 public:
  // What ExecStart hands over: the helper (the process's parent, which reports
  // its end on `reports`), the process's host pid and a pidfd of it, and the
  // caller's ends of the streams (-1 where there is none).
  struct Parts {
    pid_t helper = 0;
    pid_t pid = 0;
    UniqueFd pidfd, reports;
    UniqueFd in, out, err, tty;
    std::string context;  // "exec in <id>", for error messages
  };

  ExecSession() = default;
  explicit ExecSession(Parts parts);
  ExecSession(ExecSession&&) noexcept = default;
  ExecSession& operator=(ExecSession&& other) noexcept;
  ExecSession(const ExecSession&) = delete;
  ExecSession& operator=(const ExecSession&) = delete;
  ~ExecSession();

  pid_t pid() const;
  int stdin_fd() const;
  int stdout_fd() const;
  int stderr_fd() const;
  int tty_fd() const;
  int exit_fd() const;

  // The process's stdin reaches end of file (no effect with a TTY: write the
  // terminal's EOF character, ^D, instead).
  void CloseStdin();
  Status Signal(int sig);
  Status Resize(unsigned short rows, unsigned short cols);
  // Waits up to `timeout` (zero: a poll) for the end. Once it has returned the
  // exit, it returns the same exit again.
  Result<ExecExit> Wait(std::chrono::milliseconds timeout);

 private:
  void KillAndReap();

  std::unique_ptr<Parts> parts_;
  std::optional<ExecExit> exit_;
};

}  // namespace skiff::runtime
