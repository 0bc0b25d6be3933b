#include "nodeagent/runtime/init/pid1.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "nodeagent/runtime/container_child.h"

namespace skiff::runtime {
namespace {

constexpr int kExecFailed = 127;

// The child: default signal dispositions and mask, then exec. Never returns.
[[noreturn]] void ExecUserProcess(char** argv, int error_fd) {
  for (int sig = 1; sig < NSIG; ++sig) signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  setsid();
  execv(argv[0], argv + 1);
  int err = errno;
  (void)!write(error_fd, &err, sizeof(err));
  _exit(kExecFailed);
}

void ReportExecError(int error_fd, const char* executable) {
  int err = 0;
  ssize_t n;
  do n = read(error_fd, &err, sizeof(err));
  while (n < 0 && errno == EINTR);
  if (n == sizeof(err)) dprintf(2, "skiff-init: exec %s: %s\n", executable, strerror(err));
}

// Reaps every exited child; returns true when `main` was among them.
bool ReapAll(pid_t main, int* main_status) {
  bool main_done = false;
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return main_done;
    if (pid == main) {
      *main_status = status;
      main_done = true;
    }
  }
}

int Finish(int status) {
  char line[32];
  int code;
  if (WIFSIGNALED(status)) {
    snprintf(line, sizeof(line), "signal %d\n", WTERMSIG(status));
    code = 128 + WTERMSIG(status);
  } else {
    snprintf(line, sizeof(line), "exit %d\n", WEXITSTATUS(status));
    code = WEXITSTATUS(status);
  }
  (void)!write(kInitStatusFd, line, strlen(line));
  return code;
}

}  // namespace

int RunInit(int argc, char** argv) {
  if (argc < 2) {
    dprintf(2, "skiff-init: usage: skiff-init init EXECUTABLE ARGV0 [ARGS...]\n");
    return 2;
  }
  prctl(PR_SET_NAME, "skiff-init", 0, 0, 0);
  if (getpid() != 1) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  fcntl(kInitStatusFd, F_SETFD, FD_CLOEXEC);
  // Every signal waits in the queue for sigwaitinfo; blocked signals reach PID 1
  // even from the parent namespace, where unhandled ones would be dropped.
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, nullptr);
  // Signals are ours now: tell Start (through the start fifo) the container runs.
  fcntl(kInitReadyFd, F_SETFD, FD_CLOEXEC);
  (void)!write(kInitReadyFd, "s", 1);
  close(kInitReadyFd);

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
  if (child == 0) ExecUserProcess(argv, error_pipe[1]);
  close(error_pipe[1]);
  ReportExecError(error_pipe[0], argv[0]);
  close(error_pipe[0]);

  for (;;) {
    siginfo_t info;
    int sig = sigwaitinfo(&all, &info);
    if (sig < 0) continue;
    if (sig == SIGCHLD) {
      int status = 0;
      if (ReapAll(child, &status)) return Finish(status);
      continue;
    }
    kill(child, sig);
  }
}

}  // namespace skiff::runtime
