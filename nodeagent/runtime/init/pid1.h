/* skiff-init's "init" mode: PID 1 of a container.
 *
 * The container's first process execs it as soon as the container is built
 * (Create), with the descriptors of init_fds.h. It blocks every signal (blocked
 * signals are queued for it: they reach a namespace's PID 1 even from the
 * parent namespace, where unhandled ones would be dropped), then opens the start
 * fifo for writing, which waits for Start, and writes one byte on it. Then it
 * forks the user's process, forwards every signal it gets to that process, reaps
 * every zombie in the container (PID 1 inherits the orphans; when it is not PID 1,
 * in a joined pid namespace, it is a child subreaper), and when the user's
 * process ends it writes "exit N" or "signal S" on SKIFF_INIT_STATUS_FD (read by
 * the monitor) and exits with N, or 128+S for a signal (PID 1 cannot die of a
 * signal it sends itself). It execs nothing itself, and is non-dumpable: the
 * container's processes (without CAP_SYS_PTRACE) can neither ptrace it nor
 * open its descriptors through /proc/1/fd. When the kernel refuses the
 * user's exec the reason goes to stderr (the container log) and the exit code is
 * 127, as a shell does. */
#ifndef SKIFF_RUNTIME_INIT_PID1_H_
#define SKIFF_RUNTIME_INIT_PID1_H_

/* argv: <executable> <argv0> [args...] */
int skiff_run_init(int argc, char** argv);

#endif
