// The channel between Runtime::ExecStart and its helper: SetupReports over a
// SOCK_SEQPACKET socketpair (one report per message, so a short read cannot
// split one), optionally carrying file descriptors (SCM_RIGHTS): the helper
// hands the caller a pidfd of the process and, with a TTY, the pty master it
// opened inside the container's mount namespace.
//
// Both calls are thin over sendmsg/recvmsg; SendReport does not allocate (it
// runs in the forked helper) and never raises SIGPIPE.
#pragma once

#include <vector>

#include "base/unique_fd.h"
#include "nodeagent/runtime/setup_report.h"

namespace skiff::runtime {

inline constexpr int kMaxReportFds = 2;

// Returns 0, or -errno (EPIPE when the caller has gone).
int SendReport(int socket, const SetupReport& report, const int* fds = nullptr, int fd_count = 0);

// Returns 1 with a report (and the fds sent with it, close-on-exec), 0 at end
// of file (the helper is gone), or -errno. A message of the wrong size or with
// truncated fds is -EPROTO; fds that did arrive with it are closed.
int ReceiveReport(int socket, SetupReport& report, std::vector<UniqueFd>& fds);

}  // namespace skiff::runtime
