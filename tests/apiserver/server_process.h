// ServerProcess: starts a real `skiff server` on loopback with a temp data dir
// for integration tests, waits for its "ready" line, and kills it on scope exit.
#pragma once

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace skiff::testing {

inline std::string BinDir() {
  if (const char* dir = std::getenv("SKIFF_BIN_DIR")) return dir;
  return std::filesystem::read_symlink("/proc/self/exe").parent_path().string();
}

// A fresh temp directory removed (recursively) on scope exit.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "skiff-test-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A field of /proc/<pid>/status as a number ("VmRSS", "VmHWM" in KiB;
// "Threads"); -1 when the process or the field is not there.
inline long ProcStatusKib(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

class ServerProcess {
 public:
  explicit ServerProcess(const std::string& data_dir, std::vector<std::string> extra = {}) : data_dir_(data_dir) {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ == 0) {
      // A test process that dies before its destructor runs takes the server
      // with it (else an orphan holds ctest's output pipe open for ever).
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      dup2(out[1], STDERR_FILENO);
      close(out[0]);
      close(out[1]);
      std::string bin = BinDir() + "/skiff";
      std::vector<std::string> args = {bin, "server", "--data-dir", data_dir, "--listen", "127.0.0.1:0"};
      args.insert(args.end(), extra.begin(), extra.end());
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(bin.c_str(), argv.data());
      _exit(127);
    }
    close(out[1]);
    stderr_fd_ = out[0];
    ReadUntilReady();
  }
  ~ServerProcess() { Kill(SIGKILL); }

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }

  // The admin token the server wrote into its data dir.
  std::string AdminToken() const {
    std::ifstream in(data_dir_ + "/tokens.csv");
    std::string line;
    std::getline(in, line);
    return line.substr(0, line.find(','));
  }

  // A client that trusts the cluster CA; with the admin token unless anonymous.
  std::unique_ptr<httplib::Client> NewClient(bool anonymous = false) const {
    auto c = std::make_unique<httplib::Client>(url());
    c->set_ca_cert_path((data_dir_ + "/pki/ca.crt").c_str());
    c->enable_server_certificate_verification(true);
    if (!anonymous) c->set_bearer_token_auth(AdminToken().c_str());
    return c;
  }
  const std::string& output() const { return output_; }

  // Sends sig and reaps the process; returns its wait status.
  int Kill(int sig) {
    if (pid_ <= 0) return 0;
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    if (stderr_fd_ >= 0) close(stderr_fd_);
    stderr_fd_ = -1;
    return status;
  }

 private:
  void ReadUntilReady() {
    const std::string marker = "ready on https://127.0.0.1:";
    char buf[512];
    while (true) {
      ssize_t n = read(stderr_fd_, buf, sizeof buf);
      if (n <= 0) throw std::runtime_error("skiff server exited before ready: " + output_);
      output_.append(buf, static_cast<size_t>(n));
      size_t at = output_.find(marker);
      if (at != std::string::npos && output_.find('\n', at) != std::string::npos) {
        port_ = std::atoi(output_.c_str() + at + marker.size());
        return;
      }
    }
  }

  std::string data_dir_;
  pid_t pid_ = -1;
  int stderr_fd_ = -1;
  int port_ = 0;
  std::string output_;
};

}  // namespace skiff::testing
