/* skiff-init's "monitor" mode: the process that watches one container.
 *
 * The runtime forks it (so it is nobody's child but the host's init or the
 * nearest subreaper, and sits in its own session), clones the container's first
 * process from it, opens the log, tells the caller of Create that the container
 * is ready, and then execs it into this mode, so the container's init stays its
 * child. It
 *   - copies the container's stdout and stderr pipes into the log file in the CRI
 *     format (cri_log.h),
 *   - reaps the container's init and writes <state>/exit.json atomically:
 *     {"exit_code":N,"signal":S,"finished_at":"...","error":"..."}, where the
 *     code is init's wait status (its exit code, or 128+S when init itself was
 *     killed) and init's status line ("signal S") only tells a process killed
 *     by S from one that exited with 128+S: a line forged by a process of the
 *     container cannot change the code,
 *   - reopens the log path on SIGUSR1, so kubelet-style rotation (rename the file,
 *     then ask the runtime to reopen, CRI ReopenContainerLog) loses no line,
 *   - ignores SIGHUP, SIGINT, SIGTERM and SIGPIPE, so it outlives the node agent.
 * SIGCHLD and SIGUSR1 arrive blocked (the runtime blocks them before it clones
 * init), so no exit and no reopen request is lost before the signalfd exists. */
#ifndef SKIFF_RUNTIME_INIT_MONITOR_H_
#define SKIFF_RUNTIME_INIT_MONITOR_H_

/* argv: <log path> <exit file> <init pid> <stdout fd> <stderr fd>
 *       <init status fd> <log fd, open on the log path> */
int skiff_run_monitor(int argc, char** argv);

#endif
