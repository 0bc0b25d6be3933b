// PumpExec: the foreground half of `exec`. It connects a started ExecSession to
// this process until the process ends: its output (the pty, or stdout and
// stderr) is written to out and err as it comes; with forward_stdin, what
// arrives on in_fd goes to the process (end of file closes its stdin, or sends
// ^D through a TTY); SIGWINCH resizes the session's TTY to resize_from's size;
// SIGINT, SIGTERM, SIGHUP and SIGQUIT are forwarded to the process instead of
// ending this one (so a raw terminal is always restored by the caller). At the
// deadline the process gets SIGKILL.
//
// After the process has ended, output still pending is drained; a stream that
// some descendant keeps open is given up after a short quiet spell.
//
// Returns the process's exit, or the session's error. The signal mask and the
// SIGPIPE disposition are restored on return. Not thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <ostream>

#include "base/status.h"
#include "nodeagent/runtime/exec_session.h"

namespace skiff::cli {

struct PumpOptions {
  int in_fd = 0;
  bool forward_stdin = false;
  int resize_from = -1;  // a terminal; -1: SIGWINCH is ignored
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

Result<runtime::ExecExit> PumpExec(runtime::ExecSession& session, const PumpOptions& options,
                                   std::ostream& out, std::ostream& err);

}  // namespace skiff::cli
