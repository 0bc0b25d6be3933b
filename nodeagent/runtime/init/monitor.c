#define _GNU_SOURCE
#include "nodeagent/runtime/init/monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nodeagent/runtime/init/cri_log.h"

struct outcome {
  char status_line[64];  /* the newest bytes of the status pipe: init's "exit N" / "signal S" */
  size_t status_len;
  char error[256];       /* the monitor's own failure, if any */
  int wait_status;
  int reaped;
};

/* The state of one monitor; static, so the 32 KiB log buffers are not on the stack. */
static struct cri_log g_log;
static struct outcome g_outcome;

static int write_all(int fd, const char* p, size_t len) {
  while (len > 0) {
    ssize_t w = write(fd, p, len);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    len -= (size_t)w;
  }
  return 0;
}

/* JSON string contents of s into out (at most size-1 bytes, always terminated). */
static void json_escape(const char* s, char* out, size_t size) {
  size_t n = 0;
  for (; *s != 0 && n + 7 < size; ++s) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      out[n++] = '\\';
      out[n++] = (char)c;
    } else if (c < 0x20) {
      n += (size_t)snprintf(out + n, size - n, "\\u%04x", c);
    } else {
      out[n++] = (char)c;
    }
  }
  out[n] = 0;
}

/* The last complete line of what came on the status pipe, or "". */
static const char* last_status_line(const struct outcome* o, char* line, size_t size) {
  const char* end = o->status_line + o->status_len;
  while (end > o->status_line && end[-1] != '\n') --end; /* drop a partial line */
  if (end == o->status_line) return "";
  const char* start = end - 1;
  while (start > o->status_line && start[-1] != '\n') --start;
  size_t len = (size_t)(end - 1 - start);
  if (len >= size) len = size - 1;
  memcpy(line, start, len);
  line[len] = 0;
  return line;
}

/* The exit code is init's, from waitpid: nothing in the container can change
 * it. What waitpid cannot tell, whether 128+S was the user's process dying of
 * signal S or exiting with that code, comes from init's "signal S" line, and
 * only when it agrees with that code: a line written by anyone else can at most
 * turn an exit 137 into a SIGKILL, never change the code. */
static void exit_status_of(const struct outcome* o, int* code, int* sig) {
  *sig = 0;
  if (WIFSIGNALED(o->wait_status)) {
    *sig = WTERMSIG(o->wait_status);
    *code = 128 + *sig;
    return;
  }
  *code = WEXITSTATUS(o->wait_status);
  char buf[sizeof(o->status_line)];
  int reported = 0;
  if (sscanf(last_status_line(o, buf, sizeof(buf)), "signal %d", &reported) == 1 &&
      reported > 0 && 128 + reported == *code) {
    *sig = reported;
  }
}

static void write_exit_file(const char* path, const struct outcome* o) {
  int code = 0, sig = 0;
  exit_status_of(o, &code, &sig);
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  char when[CRI_TIMESTAMP_SIZE], error[sizeof(o->error) * 6 + 1], json[2048];
  cri_format_timestamp(&now, when);
  json_escape(o->error, error, sizeof(error));
  int n = snprintf(json, sizeof(json),
                   "{\"exit_code\":%d,\"signal\":%d,\"finished_at\":\"%s\",\"error\":\"%s\"}\n",
                   code, sig, when, error);
  char tmp[PATH_MAX];
  if (n <= 0 || (size_t)n >= sizeof(json)) return;
  if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) return;
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  int ok = write_all(fd, json, (size_t)n) == 0;
  close(fd);
  if (ok) rename(tmp, path);
}

/* Reads what is there; 0 at end of file (or error), 1 while open. */
static int pump(int fd, enum cri_stream stream) {
  static char buf[65536];
  ssize_t n = read(fd, buf, sizeof(buf));
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return 1;
  if (n <= 0) return 0;
  cri_log_write(&g_log, stream, buf, (size_t)n);
  return 1;
}

/* Reads a non-blocking fd until it has nothing more. */
static void drain(int fd, enum cri_stream stream) {
  static char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    cri_log_write(&g_log, stream, buf, (size_t)n);
  }
}

/* Opens the log path again (the old file was renamed away); keeps the old file
 * when the new one cannot be opened. */
static void reopen_log(const char* path, int* log_fd) {
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return;
  close(*log_fd);
  *log_fd = fd;
  g_log.fd = fd;
}

/* Appends what came on the status pipe, keeping the newest bytes when it is
 * full (init's line comes last). Returns 1 when it read something; clears
 * *open at end of file. */
static int read_status_line(int fd, struct outcome* o, int* open) {
  const size_t cap = sizeof(o->status_line) - 1;
  char chunk[sizeof(o->status_line) - 1];
  ssize_t n = read(fd, chunk, cap);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return 0;
  if (n <= 0) {
    *open = 0;
    return 0;
  }
  size_t got = (size_t)n; /* <= cap, so dropping at most status_len bytes makes room */
  if (o->status_len + got > cap) {
    size_t drop = o->status_len + got - cap;
    memmove(o->status_line, o->status_line + drop, o->status_len - drop);
    o->status_len -= drop;
  }
  memcpy(o->status_line + o->status_len, chunk, got);
  o->status_len += got;
  o->status_line[o->status_len] = 0;
  return 1;
}

static int parse_fd(const char* s) {
  char* end;
  long v = strtol(s, &end, 10);
  return *end == 0 && v >= 0 && v <= INT_MAX ? (int)v : -1;
}

int skiff_run_monitor(int argc, char** argv) {
  if (argc < 7) {
    dprintf(2, "skiff-init monitor: expected 7 arguments\n");
    return 2;
  }
  prctl(PR_SET_NAME, "skiff-monitor", 0, 0, 0);
  const int ignored[] = {SIGHUP, SIGINT, SIGTERM, SIGPIPE};
  for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); ++i) signal(ignored[i], SIG_IGN);
  const char* log_path = argv[0];
  const char* exit_file = argv[1];
  pid_t init = (pid_t)parse_fd(argv[2]);
  int out_fd = parse_fd(argv[3]), err_fd = parse_fd(argv[4]), status_fd = parse_fd(argv[5]);
  int log_fd = parse_fd(argv[6]);
  const int fds[] = {out_fd, err_fd, status_fd, log_fd};
  for (size_t i = 0; i < 4; ++i) fcntl(fds[i], F_SETFD, FD_CLOEXEC);

  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigaddset(&chld, SIGUSR1); /* reopen the log (after kubelet rotated it) */
  sigprocmask(SIG_BLOCK, &chld, NULL);
  struct outcome* o = &g_outcome;
  int sig_fd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sig_fd < 0) {
    /* Create has returned already: the failure goes where Wait looks. */
    snprintf(o->error, sizeof(o->error), "monitor: signalfd: %s", strerror(errno));
    kill(init, SIGKILL);
    waitpid(init, &o->wait_status, 0);
    write_exit_file(exit_file, o);
    return 1;
  }

  cri_log_init(&g_log, log_fd, NULL);
  int out_open = 1, err_open = 1, status_open = 1;
  while (!o->reaped) {
    struct pollfd p[4] = {{sig_fd, POLLIN, 0},
                          {out_open ? out_fd : -1, POLLIN, 0},
                          {err_open ? err_fd : -1, POLLIN, 0},
                          {status_open ? status_fd : -1, POLLIN, 0}};
    if (poll(p, 4, -1) < 0) continue;
    if (p[1].revents) out_open = pump(out_fd, CRI_STDOUT);
    if (p[2].revents) err_open = pump(err_fd, CRI_STDERR);
    if (p[3].revents) read_status_line(status_fd, o, &status_open);
    if (p[0].revents) {
      struct signalfd_siginfo info;
      int reopen = 0;
      while (read(sig_fd, &info, sizeof(info)) > 0) reopen |= info.ssi_signo == SIGUSR1;
      if (reopen) reopen_log(log_path, &log_fd);
      if (waitpid(init, &o->wait_status, WNOHANG) == init) o->reaped = 1;
    }
  }
  /* Init is gone, and with it every process of its pid namespace: drain what they wrote. */
  for (size_t i = 0; i < 3; ++i) fcntl(fds[i], F_SETFL, O_NONBLOCK);
  if (out_open) drain(out_fd, CRI_STDOUT);
  if (err_open) drain(err_fd, CRI_STDERR);
  while (status_open && read_status_line(status_fd, o, &status_open)) {
  }
  cri_log_flush(&g_log, CRI_STDOUT);
  cri_log_flush(&g_log, CRI_STDERR);
  write_exit_file(exit_file, o);
  return 0;
}
