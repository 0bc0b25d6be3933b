// skiff-init's "monitor" mode: the process that watches one container.
//
// The runtime forks it twice (so it is nobody's child but init's and sits in its
// own session), clones the container's first process from it, opens the log,
// tells the caller of Create that the container is ready, and then execs it into
// this mode, so the container's init stays its child. It
//   - copies the container's stdout and stderr pipes into the log file in the CRI
//     format (cri_log.h),
//   - reaps the container's init and writes <state>/exit.json atomically:
//     {"exit_code":N,"signal":S,"finished_at":"...","error":"..."}, where the
//     signal and code come from init's status line ("exit N", "signal S") or,
//     when init itself was killed, from its wait status,
//   - records a failure of the last start steps (seccomp, exec of init) as error,
//   - reopens the log path on SIGUSR1, so kubelet-style rotation (rename the file,
//     then ask the runtime to reopen, CRI ReopenContainerLog) loses no line,
//   - ignores SIGHUP, SIGINT, SIGTERM and SIGPIPE, so it outlives the node agent.
#pragma once

namespace skiff::runtime {

// argv: <log path> <exit file> <init pid> <stdout fd> <stderr fd> <init status fd>
//       <setup report fd> <log fd, open on the log path>
int RunMonitor(int argc, char** argv);

}  // namespace skiff::runtime
