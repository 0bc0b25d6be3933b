#define _GNU_SOURCE
#include "nodeagent/runtime/init/pid1.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nodeagent/runtime/init/init_fds.h"

enum { kExecFailed = 127 };

/* The child: default signal dispositions and mask, then exec. Never returns. */
static _Noreturn void exec_user_process(char** argv, int error_fd) {
  for (int sig = 1; sig < NSIG; ++sig) signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  setsid();
  execv(argv[0], argv + 1);
  int err = errno;
  (void)!write(error_fd, &err, sizeof(err));
  _exit(kExecFailed);
}

/* Waits for Start: opens the start fifo for writing (this blocks until Start
 * opens it for reading) and writes the byte Start waits for. */
static int announce_start(void) {
  char path[32];
  snprintf(path, sizeof(path), "/proc/self/fd/%d", SKIFF_INIT_START_FIFO_FD);
  int fd;
  do fd = open(path, O_WRONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  close(SKIFF_INIT_START_FIFO_FD);
  if (fd < 0) {
    dprintf(2, "skiff-init: open the start fifo: %s\n", strerror(errno));
    return -1;
  }
  (void)!write(fd, "s", 1);
  close(fd);
  return 0;
}

static void report_exec_error(int error_fd, const char* executable) {
  int err = 0;
  ssize_t n;
  do n = read(error_fd, &err, sizeof(err));
  while (n < 0 && errno == EINTR);
  if (n == sizeof(err)) dprintf(2, "skiff-init: exec %s: %s\n", executable, strerror(err));
}

/* Reaps every exited child; returns 1 when `main_pid` was among them. */
static int reap_all(pid_t main_pid, int* main_status) {
  int main_done = 0;
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return main_done;
    if (pid == main_pid) {
      *main_status = status;
      main_done = 1;
    }
  }
}

static int finish(int status) {
  char line[32];
  int code;
  if (WIFSIGNALED(status)) {
    snprintf(line, sizeof(line), "signal %d\n", WTERMSIG(status));
    code = 128 + WTERMSIG(status);
  } else {
    snprintf(line, sizeof(line), "exit %d\n", WEXITSTATUS(status));
    code = WEXITSTATUS(status);
  }
  (void)!write(SKIFF_INIT_STATUS_FD, line, strlen(line));
  return code;
}

int skiff_run_init(int argc, char** argv) {
  if (argc < 2) {
    dprintf(2, "skiff-init: usage: skiff-init init EXECUTABLE ARGV0 [ARGS...]\n");
    return 2;
  }
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, NULL);
  /* Not attachable by the container's processes (which lack CAP_SYS_PTRACE),
   * and /proc/1/fd unreadable to them: nobody in the container can stop us
   * (hiding the end of the user's process) or write our status pipe. The
   * runtime execs us from a file we may not read, so the kernel made us so
   * already at the exec; this holds it should that ever change. */
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  prctl(PR_SET_NAME, "skiff-init", 0, 0, 0);
  if (getpid() != 1) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  fcntl(SKIFF_INIT_STATUS_FD, F_SETFD, FD_CLOEXEC);
  if (announce_start() < 0) return kExecFailed;

  int error_pipe[2];
  if (pipe2(error_pipe, O_CLOEXEC) < 0) {
    dprintf(2, "skiff-init: pipe: %s\n", strerror(errno));
    return kExecFailed;
  }
  pid_t child = fork();
  if (child < 0) {
    dprintf(2, "skiff-init: fork: %s\n", strerror(errno));
    return kExecFailed;
  }
  if (child == 0) exec_user_process(argv, error_pipe[1]);
  close(error_pipe[1]);
  report_exec_error(error_pipe[0], argv[0]);
  close(error_pipe[0]);

  for (;;) {
    siginfo_t info;
    int sig = sigwaitinfo(&all, &info);
    if (sig < 0) continue;
    if (sig == SIGCHLD) {
      int status = 0;
      if (reap_all(child, &status)) return finish(status);
      continue;
    }
    kill(child, sig);
  }
}
