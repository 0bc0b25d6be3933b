// skiff-init's "init" mode: PID 1 of a container.
//
// It execs nothing itself. Once every signal is blocked (and so queued for it,
// see pid1.cc) it writes one byte on kInitReadyFd, the start fifo Start reads.
// Then it forks the user's process, forwards every signal it
// gets to that process, reaps every zombie in the container (PID 1 inherits the
// orphans), and when the user's process ends it writes "exit N" or "signal S" on
// the status fd (kInitStatusFd, read by the monitor) and exits with N, or with
// 128+S for a signal (PID 1 cannot die of a signal it sends itself). When the
// kernel refuses the exec, the reason goes to stderr (the container log) and the
// exit code is 127, as a shell does.
#pragma once

namespace skiff::runtime {

// argv: <executable> <argv0> [args...]
int RunInit(int argc, char** argv);

}  // namespace skiff::runtime
