// Test helpers for the container runtime: a busybox root filesystem in a temp
// dir (from Debian's busybox-static, so no image store is needed), a Runtime on
// a temp state root, and leak checks (mounts, child processes).
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "nodeagent/runtime/runtime.h"
#include "tests/nodeagent/child_pids.h"

namespace skiff::runtime::testing {

class ScratchDir {
 public:
  explicit ScratchDir(const char* prefix = "skiff-rt-") {
    std::string pattern = (std::filesystem::temp_directory_path() / prefix).string() + "XXXXXX";
    path_ = mkdtemp(pattern.data());
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// <dir>/bin/busybox with applet symlinks, and the directories a root needs.
inline void BuildBusyboxRootfs(const std::string& dir) {
  namespace fs = std::filesystem;
  for (const char* d : {"bin", "proc", "dev", "sys", "tmp", "etc", "root", "data"}) {
    fs::create_directories(fs::path(dir) / d);
  }
  fs::copy_file("/bin/busybox", dir + "/bin/busybox", fs::copy_options::overwrite_existing);
  for (const char* applet : {"sh", "true", "false", "echo", "cat", "sleep", "hostname", "ps",
                             "ls", "id", "grep", "wc", "kill", "env", "touch", "head", "mount",
                             "yes", "test", "seq", "pwd", "readlink", "stat",
                             "unshare", "chown", "mkdir", "nsenter", "tr", "tail"}) {
    fs::create_symlink("busybox", fs::path(dir) / "bin" / applet);
  }
  std::ofstream(dir + "/etc/hostname") << "image\n";
}

inline std::string InitBinary() {
  const char* bin = std::getenv("SKIFF_BIN_DIR");
  REQUIRE(bin != nullptr);  // ctest sets it; run by hand: SKIFF_BIN_DIR=<build>/bin
  return std::string(bin) + "/skiff-init";
}

inline std::unique_ptr<Runtime> OpenRuntime(const std::string& state_root, Sys* sys = nullptr) {
  RuntimeOptions options;
  options.state_root = state_root;
  options.init_binary = InitBinary();
  options.sys = sys;
  auto runtime = Runtime::Open(options);
  REQUIRE(runtime.ok());
  return std::move(*runtime);
}

inline ContainerSpec BusyboxSpec(const std::string& id, const std::string& rootfs,
                                 std::vector<std::string> args) {
  ContainerSpec spec;
  spec.id = id;
  spec.rootfs.lower_dirs = {rootfs};
  spec.process.args = std::move(args);
  spec.process.env = {"PATH=/bin", "HOME=/root"};
  spec.hostname = "box-" + id;
  return spec;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The text of every CRI record of one stream, in order ("hello\nworld\n").
inline std::string LogText(const std::string& log_path, const std::string& stream) {
  std::istringstream in(ReadFile(log_path));
  std::string line, out;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string time, s, tag;
    fields >> time >> s >> tag;
    if (s != stream) continue;
    std::string text = line.size() > time.size() + s.size() + tag.size() + 3
                           ? line.substr(time.size() + s.size() + tag.size() + 3)
                           : "";
    out += text;
    if (tag == "F") out += "\n";
  }
  return out;
}

// A /proc file of a process that may exit while we read it: "" then (an
// ifstream would throw ESRCH from the middle of the read).
inline std::string ReadProcFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return n < 0 ? "" : out;
}

// Runs a container to its end and returns its state.
inline ContainerState RunToEnd(Runtime& rt, const ContainerSpec& spec) {
  Status created = rt.Create(spec);
  INFO(created.ToString());
  REQUIRE(created.ok());
  Status started = rt.Start(spec.id);
  INFO(started.ToString());
  REQUIRE(started.ok());
  auto state = rt.Wait(spec.id, std::chrono::seconds(20));
  INFO(state.status().ToString());
  REQUIRE(state.ok());
  return *state;
}

// Pids whose parent is this process (after reaping exited ones): with
// PR_SET_CHILD_SUBREAPER set, every orphan of our descendants lands here.
inline std::vector<pid_t> LiveChildren() {
  while (waitpid(-1, nullptr, WNOHANG) > 0) {
  }
  return skiff::testing::ChildPids();
}

}  // namespace skiff::runtime::testing
