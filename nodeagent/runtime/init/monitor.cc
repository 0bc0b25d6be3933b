#include "nodeagent/runtime/init/monitor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "nodeagent/runtime/cri_log.h"
#include "nodeagent/runtime/setup_report.h"

namespace skiff::runtime {
namespace {

struct Outcome {
  std::string status_line;  // from init: "exit N" / "signal S"
  std::string error;        // a late setup failure
  int wait_status = 0;
  bool reaped = false;
};

bool WriteAll(int fd, const void* data, size_t len) {
  const char* p = static_cast<const char*>(data);
  while (len > 0) {
    ssize_t w = write(fd, p, len);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    len -= static_cast<size_t>(w);
  }
  return true;
}

std::string JsonEscape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void WriteExitFile(const std::string& path, const Outcome& o) {
  int code = 0, signal = 0;
  if (sscanf(o.status_line.c_str(), "exit %d", &code) == 1) {
  } else if (sscanf(o.status_line.c_str(), "signal %d", &signal) == 1) {
    code = 128 + signal;
  } else if (WIFSIGNALED(o.wait_status)) {
    signal = WTERMSIG(o.wait_status);
    code = 128 + signal;
  } else {
    code = WEXITSTATUS(o.wait_status);
  }
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  std::string json = "{\"exit_code\":" + std::to_string(code) +
                     ",\"signal\":" + std::to_string(signal) + ",\"finished_at\":\"" +
                     FormatCriTimestamp(now) + "\",\"error\":\"" + JsonEscape(o.error) + "\"}\n";
  std::string tmp = path + ".tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  bool ok = WriteAll(fd, json.data(), json.size());
  close(fd);
  if (ok) rename(tmp.c_str(), path.c_str());
}

// Reads what is there; false at end of file (or error).
bool Pump(int fd, LogStream stream, CriLogWriter& log) {
  char buf[65536];
  ssize_t n = read(fd, buf, sizeof(buf));
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) return false;
  log.Write(stream, buf, static_cast<size_t>(n));
  return true;
}

// Opens the log path again (the old file was renamed away); keeps the old file
// when the new one cannot be opened.
void ReopenLog(const std::string& path, int& log_fd, CriLogWriter& log) {
  int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return;
  close(log_fd);
  log_fd = fd;
  log.set_fd(fd);
}

// Reads a non-blocking fd until it has nothing more.
void Drain(int fd, LogStream stream, CriLogWriter& log) {
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    log.Write(stream, buf, static_cast<size_t>(n));
  }
}

void ReadStatusLine(int fd, Outcome& o, bool& open) {
  char buf[64];
  ssize_t n = read(fd, buf, sizeof(buf));
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) {
    open = false;
    return;
  }
  o.status_line.append(buf, static_cast<size_t>(n));
}

void ReadSetupReport(int fd, Outcome& o, bool& open) {
  SetupReport r;
  ssize_t n = read(fd, &r, sizeof(r));
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n == sizeof(r) && r.kind == SetupReport::kError) {
    r.step[sizeof(r.step) - 1] = 0;
    r.detail[sizeof(r.detail) - 1] = 0;
    o.error = std::string(r.step) + (r.detail[0] ? std::string(" ") + r.detail : "") + ": " +
              strerror(r.err);
    return;
  }
  open = false;
}

}  // namespace

int RunMonitor(int argc, char** argv) {
  if (argc < 8) {
    dprintf(2, "skiff-init monitor: expected 8 arguments\n");
    return 2;
  }
  prctl(PR_SET_NAME, "skiff-monitor", 0, 0, 0);
  for (int sig : {SIGHUP, SIGINT, SIGTERM, SIGPIPE}) signal(sig, SIG_IGN);
  std::string log_path = argv[0], exit_file = argv[1];
  pid_t init = static_cast<pid_t>(atoi(argv[2]));
  int out_fd = atoi(argv[3]), err_fd = atoi(argv[4]), status_fd = atoi(argv[5]);
  int setup_fd = atoi(argv[6]), log_fd = atoi(argv[7]);
  for (int fd : {out_fd, err_fd, status_fd, setup_fd, log_fd}) {
    fcntl(fd, F_SETFD, FD_CLOEXEC);
  }

  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigaddset(&chld, SIGUSR1);  // reopen the log (after kubelet rotated it)
  sigprocmask(SIG_BLOCK, &chld, nullptr);
  int sig_fd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  Outcome outcome;
  if (sig_fd < 0) {
    // Create has returned already: the failure goes where Wait looks.
    outcome.error = std::string("monitor: signalfd: ") + strerror(errno);
    kill(init, SIGKILL);
    waitpid(init, &outcome.wait_status, 0);
    WriteExitFile(exit_file, outcome);
    return 1;
  }

  CriLogWriter log(log_fd);
  bool out_open = true, err_open = true, status_open = true, setup_open = true;
  while (!outcome.reaped) {
    pollfd fds[5] = {{sig_fd, POLLIN, 0},
                     {out_open ? out_fd : -1, POLLIN, 0},
                     {err_open ? err_fd : -1, POLLIN, 0},
                     {status_open ? status_fd : -1, POLLIN, 0},
                     {setup_open ? setup_fd : -1, POLLIN, 0}};
    if (poll(fds, 5, -1) < 0) continue;
    if (fds[1].revents) out_open = Pump(out_fd, LogStream::kStdout, log);
    if (fds[2].revents) err_open = Pump(err_fd, LogStream::kStderr, log);
    if (fds[3].revents) ReadStatusLine(status_fd, outcome, status_open);
    if (fds[4].revents) ReadSetupReport(setup_fd, outcome, setup_open);
    if (fds[0].revents) {
      signalfd_siginfo info;
      bool reopen = false;
      while (read(sig_fd, &info, sizeof(info)) > 0) reopen |= info.ssi_signo == SIGUSR1;
      if (reopen) ReopenLog(log_path, log_fd, log);
      if (waitpid(init, &outcome.wait_status, WNOHANG) == init) outcome.reaped = true;
    }
  }
  // Init is gone, and with it every process of its pid namespace: drain what they wrote.
  for (int fd : {out_fd, err_fd, status_fd}) fcntl(fd, F_SETFL, O_NONBLOCK);
  if (out_open) Drain(out_fd, LogStream::kStdout, log);
  if (err_open) Drain(err_fd, LogStream::kStderr, log);
  if (status_open) ReadStatusLine(status_fd, outcome, status_open);
  if (setup_open) ReadSetupReport(setup_fd, outcome, setup_open);
  log.Flush(LogStream::kStdout);
  log.Flush(LogStream::kStderr);
  WriteExitFile(exit_file, outcome);
  return 0;
}

}  // namespace skiff::runtime
