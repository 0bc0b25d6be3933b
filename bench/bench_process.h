// Child processes for the out-of-process benchmarks: a program started with its
// output in a log file, waited for by a line in that log, measured through
// /proc (CPU time, resident memory) and stopped on scope exit.
//
// Not thread-safe; one owner, on the thread that started the child (which is
// killed when that thread ends: PR_SET_PDEATHSIG, so a benchmark that dies
// leaves no server behind). Failures to start are returned as Status values
// naming the program and the log; the destructor sends SIGKILL and reaps.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"

namespace skiff::bench {

// A fresh directory under `parent` (or the temp dir), removed on scope exit.
class ScopedTempDir {
 public:
  explicit ScopedTempDir(const std::string& parent = "") {
    std::filesystem::path base = parent.empty() ? std::filesystem::temp_directory_path() : std::filesystem::path(parent);
    std::string tmpl = (base / "skiff-http-bench-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp under " + base.string() + " failed");
    path_ = tmpl;
  }
  ~ScopedTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A loopback TCP port that was free a moment ago (bound to port 0, then closed).
inline int FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  if (fd >= 0) ::close(fd);
  return port;
}

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess() { Stop(SIGKILL); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Starts args[0] (a path) with stdout and stderr appended to log_path.
  Status Start(const std::vector<std::string>& args, const std::string& log_path) {
    log_path_ = log_path;
    int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log < 0) return Status::FromErrno(errno, "open " + log_path);
    // Built before fork: the child of a threaded program may only make async-signal-safe calls.
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    static constexpr char kExecFailed[] = "exec failed\n";
    started_ = std::chrono::steady_clock::now();
    pid_ = fork();
    if (pid_ < 0) {
      ::close(log);
      return Status::FromErrno(errno, "fork");
    }
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);  // do not outlive a benchmark that dies
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
      execv(argv[0], argv.data());
      ssize_t ignored = ::write(STDERR_FILENO, kExecFailed, sizeof kExecFailed - 1);
      (void)ignored;
      _exit(127);
    }
    ::close(log);
    name_ = args[0];
    return Status::Ok();
  }

  // Waits until the log contains `marker` (returns the log), the child exits, or
  // `timeout` passes (both Unavailable, with the log's text).
  Result<std::string> WaitForLog(const std::string& marker, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      std::string log = ReadWholeFile(log_path_);
      if (log.find(marker) != std::string::npos) return log;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return Status::Unavailable(name_ + " exited before \"" + marker + "\"; its log " + log_path_ + ":\n" + log);
      }
      if (std::chrono::steady_clock::now() > deadline) {
        return Status::Unavailable(name_ + " did not log \"" + marker + "\" in time; its log:\n" + log);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  // Sends sig and reaps; returns the wait status (0 if not running).
  int Stop(int sig = SIGTERM) {
    if (pid_ <= 0) return 0;
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

  pid_t pid() const { return pid_; }
  std::chrono::steady_clock::time_point started() const { return started_; }

  // User + system CPU seconds the child has used so far (from /proc/PID/stat).
  double CpuSeconds() const {
    std::string stat = ReadWholeFile("/proc/" + std::to_string(pid_) + "/stat");
    size_t close = stat.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream fields(stat.substr(close + 2));
    std::string f;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; fields >> f; ++i) {  // field 3 is the state
      if (i == 14) utime = std::stoull(f);
      if (i == 15) {
        stime = std::stoull(f);
        break;
      }
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  }

  // VmRSS of the child in MiB (from /proc/PID/status), 0 when unknown.
  double RssMiB() const {
    std::istringstream status(ReadWholeFile("/proc/" + std::to_string(pid_) + "/status"));
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("VmRSS:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
    }
    return 0;
  }

 private:
  pid_t pid_ = -1;
  std::string name_;
  std::string log_path_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace skiff::bench
