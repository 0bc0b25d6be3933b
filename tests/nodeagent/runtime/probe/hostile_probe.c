/* hostile_probe: a small static program the hostile runtime tests copy into a
 * container's root to attack the runtime from inside, as the container's root
 * user would. Each mode prints one line of results on stdout.
 *
 *   io_uring              "io_uring_setup: <errno>" (0 when it returned a ring)
 *   race STOP EXE         until the file STOP exists, tries to ptrace every new
 *                         pid of the container as soon as it appears
 *                         (ns_last_pid); prints
 *                         "seen=N attached=A early=E unfiltered=U": E of the A
 *                         successful attaches caught a process that had not yet
 *                         exec'd EXE, U saw "Seccomp: 0" in its status
 *   hold-init             forks a process that ptrace-attaches PID 1 and keeps
 *                         it stopped; prints "attach pid 1: <errno>" and exits
 *
 * Plain C against musl (or static glibc): busybox has no ptrace. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A bound on the race, should the test never create the stop file. */
enum { kRaceSeconds = 60 };

#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#endif
#ifndef __WALL
#define __WALL 0x40000000
#endif

static int io_uring_probe(void) {
  unsigned char params[120]; /* struct io_uring_params, zeroed: no flags */
  memset(params, 0, sizeof(params));
  long fd = syscall(SYS_io_uring_setup, 4, params);
  printf("io_uring_setup: %d\n", fd >= 0 ? 0 : errno);
  return 0;
}

/* The "Seccomp:" value of /proc/<pid>/status, -1 when unreadable. */
static int seccomp_mode(pid_t pid) {
  char path[64], buf[4096];
  snprintf(path, sizeof(path), "/proc/%d/status", pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  char* line = strstr(buf, "\nSeccomp:");
  return line ? atoi(line + strlen("\nSeccomp:")) : -1;
}

static int exists(pid_t pid) {
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d", pid);
  return access(path, F_OK) == 0;
}

struct race {
  long seen, attached, early, unfiltered;
  const char* exe;
};

/* Attached to pid (seized): stops it, judges what it is (on stderr too), lets
 * it go. */
static void judge(struct race* r, pid_t pid) {
  ++r->attached;
  if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) != 0) return;
  int status;
  if (waitpid(pid, &status, __WALL) != pid || !WIFSTOPPED(status)) return;
  char path[64], exe[512];
  snprintf(path, sizeof(path), "/proc/%d/exe", pid);
  ssize_t n = readlink(path, exe, sizeof(exe) - 1);
  exe[n > 0 ? n : 0] = 0;
  int mode = seccomp_mode(pid);
  int early = strcmp(exe, r->exe) != 0;
  if (early) ++r->early;
  if (mode == 0) ++r->unfiltered;
  if (early || mode == 0) fprintf(stderr, "attached pid %d: exe %s, Seccomp: %d\n", pid, exe, mode);
  ptrace(PTRACE_DETACH, pid, 0, 0);
}

/* The newest pid of our pid namespace, -1 when unreadable. */
static pid_t last_pid(int fd) {
  char buf[32];
  ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
  if (n <= 0) return -1;
  buf[n] = 0;
  return (pid_t)atoi(buf);
}

/* Until the stop file appears, attacks the newest pid of the namespace and the
 * one that comes next (ns_last_pid): a process the runtime just forked into
 * the container is the newest one. */
static int race_probe(const char* stop, const char* exe) {
  struct race r = {0, 0, 0, 0, exe};
  int last_fd = open("/proc/sys/kernel/ns_last_pid", O_RDONLY | O_CLOEXEC);
  if (last_fd < 0) {
    perror("open /proc/sys/kernel/ns_last_pid");
    return 1;
  }
  pid_t self = getpid(), counted = self, settled = self;
  const time_t give_up = time(NULL) + kRaceSeconds;
  for (unsigned long round = 0;; ++round) {
    if ((round & 1023) == 0 && (access(stop, F_OK) == 0 || time(NULL) > give_up)) break;
    pid_t newest = last_pid(last_fd);
    for (pid_t pid = newest; pid <= newest + 1; ++pid) {
      if (pid <= settled) continue;
      if (ptrace(PTRACE_SEIZE, pid, 0, 0) == 0) {
        long early = r.early, unfiltered = r.unfiltered;
        judge(&r, pid);
        /* Once it has exec'd, it is the container's own business. */
        if (r.early == early && r.unfiltered == unfiltered) settled = pid;
      } else if (errno == ESRCH && !exists(pid)) {
        continue;
      }
      if (pid > counted) {
        ++r.seen;
        counted = pid;
      }
    }
  }
  printf("seen=%ld attached=%ld early=%ld unfiltered=%ld\n", r.seen, r.attached, r.early,
         r.unfiltered);
  return 0;
}

static int hold_init(void) {
  int fds[2];
  if (pipe(fds) != 0) return 1;
  pid_t child = fork();
  if (child == 0) {
    setsid();
    int err = ptrace(PTRACE_ATTACH, 1, 0, 0) == 0 ? 0 : errno;
    if (err == 0) waitpid(1, NULL, __WALL);
    (void)!write(fds[1], &err, sizeof(err));
    if (err != 0) _exit(0);
    for (;;) pause(); /* keeps PID 1 stopped until killed */
  }
  int err = -1;
  close(fds[1]);
  (void)!read(fds[0], &err, sizeof(err));
  printf("attach pid 1: %d\n", err);
  return 0;
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc == 2 && strcmp(argv[1], "io_uring") == 0) return io_uring_probe();
  if (argc == 4 && strcmp(argv[1], "race") == 0) return race_probe(argv[2], argv[3]);
  if (argc == 2 && strcmp(argv[1], "hold-init") == 0) return hold_init();
  fprintf(stderr, "usage: hostile_probe io_uring | race STOP EXE | hold-init\n");
  return 2;
}
