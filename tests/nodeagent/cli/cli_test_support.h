// Test helpers for `skiff container`: run the real skiff binary (from
// SKIFF_BIN_DIR) with a temp --root and a cgroup parent of its own, capture its
// stdout, stderr and exit code, and check at the end that it left nothing
// behind (containers, cgroups, mounts, processes, files).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "nodeagent/images/fs_util.h"
#include "nodeagent/runtime/cgroups.h"
#include "tests/nodeagent/child_pids.h"

namespace skiff::cli::testing {

struct Outcome {
  int code = -1;
  std::string out, err;
};

inline std::string ReadWhole(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string SkiffBinary() {
  const char* bin = std::getenv("SKIFF_BIN_DIR");
  REQUIRE(bin != nullptr);  // ctest sets it; by hand: SKIFF_BIN_DIR=<build>/bin
  return std::string(bin) + "/skiff";
}

// A started `skiff container ...` whose output goes to files.
class SkiffProcess {
 public:
  SkiffProcess(const std::vector<std::string>& args, const std::string& out_path,
               const std::string& err_path)
      : out_path_(out_path), err_path_(err_path) {
    std::string binary = SkiffBinary();
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      int in = open("/dev/null", O_RDONLY);
      if (out < 0 || err < 0 || in < 0) _exit(120);
      dup2(in, 0);
      dup2(out, 1);
      dup2(err, 2);
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(binary.c_str()));
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
  }
  pid_t pid() const { return pid_; }
  std::string out() const { return ReadWhole(out_path_); }

  // Waits for the exit (REQUIREs that it comes within timeout).
  Outcome Wait(std::chrono::seconds timeout = std::chrono::seconds(60)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    for (;;) {
      pid_t r = waitpid(pid_, &status, WNOHANG);
      REQUIRE(r >= 0);
      if (r == pid_) break;
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        FAIL("skiff did not exit in time; stderr: " << ReadWhole(err_path_));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    Outcome o;
    o.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    o.out = ReadWhole(out_path_);
    o.err = ReadWhole(err_path_);
    return o;
  }

 private:
  pid_t pid_ = -1;
  std::string out_path_, err_path_;
};

// A temp root with the busybox test image imported as skiff-test/busybox:1.
class CliFixture {
 public:
  static constexpr const char* kImage = "skiff-test/busybox:1";

  CliFixture() {
    std::string pattern = (std::filesystem::temp_directory_path() / "skiff-cli-test-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    dir_ = pattern;
    cgroup_parent_ = "skiff-cli-test-" + std::to_string(getpid());
    // Orphans of our descendants (monitors, reapers) land here, so the leak
    // check below sees them.
    REQUIRE(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0);
    std::string layout = dir_ + "/image";
    std::string make = "sh " + std::string(SKIFF_SOURCE_DIR) + "/scripts/make-test-image.sh " + layout + " >/dev/null";
    REQUIRE(std::system(make.c_str()) == 0);
    Outcome imported = Skiff({"image", "import", layout, "--name", kImage});
    INFO(imported.err);
    REQUIRE(imported.code == 0);
  }

  ~CliFixture() {
    Outcome ids = Skiff({"ps", "-a", "-q"});
    std::istringstream lines(ids.out);
    for (std::string id; std::getline(lines, id);) {
      if (!id.empty()) Skiff({"rm", "-f", id});
    }
    CheckNothingLeft();
    prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
    (void)images::RemoveTree(dir_);
  }

  const std::string& dir() const { return dir_; }
  std::string root() const { return dir_ + "/root"; }
  const std::string& cgroup_parent() const { return cgroup_parent_; }

  std::vector<std::string> GlobalArgs() const {
    return {"container", "--root", root(), "--cgroup-parent", cgroup_parent_};
  }

  SkiffProcess Start(const std::vector<std::string>& args) {
    std::vector<std::string> all = GlobalArgs();
    all.insert(all.end(), args.begin(), args.end());
    ++runs_;
    return SkiffProcess(all, dir_ + "/out-" + std::to_string(runs_), dir_ + "/err-" + std::to_string(runs_));
  }

  Outcome Skiff(const std::vector<std::string>& args) { return Start(args).Wait(); }

  // The file of a container's cgroup in the hierarchy of `controller` ("pids").
  std::string CgroupFile(const std::string& controller, const std::string& id, const std::string& file) const {
    auto layout = runtime::DetectCgroupLayout();
    REQUIRE(layout.ok());
    std::string mount = layout->mode == runtime::CgroupMode::kV2 ? layout->root
                                                                 : layout->v1_controllers.at(controller);
    return mount + "/" + cgroup_parent_ + "/" + id + "/" + file;
  }

 private:
  // No container state (the runtime's own files, .seccomp and .lock, may
  // stay), no cgroup, no mount of ours, no process.
  void CheckNothingLeft() {
    std::error_code ec;
    std::vector<std::string> state_left;
    for (const auto& entry : std::filesystem::directory_iterator(root() + "/state", ec)) {
      std::string name = entry.path().filename().string();
      if (name[0] != '.') state_left.push_back(name);
    }
    INFO("left in the state root: " << state_left.size());
    CHECK(state_left.empty());
    auto layout = runtime::DetectCgroupLayout();
    if (layout.ok()) {
      std::vector<std::string> mounts;
      for (const auto& [controller, mount] : layout->v1_controllers) mounts.push_back(mount);
      if (!layout->unified.empty()) mounts.push_back(layout->unified);
      for (const std::string& mount : mounts) {
        std::string parent = mount + "/" + cgroup_parent_;
        int r = rmdir(parent.c_str());
        INFO(parent << ": " << strerror(errno));
        CHECK((r == 0 || errno == ENOENT));
      }
    }
    CHECK(ReadWhole("/proc/self/mountinfo").find(dir_) == std::string::npos);
    std::vector<pid_t> left;
    for (int i = 0; i < 200; ++i) {
      while (waitpid(-1, nullptr, WNOHANG) > 0) {
      }
      left = skiff::testing::ChildPids();
      if (left.empty()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(left.empty());
  }

  std::string dir_;
  std::string cgroup_parent_;
  int runs_ = 0;
};

// Lines of text, for counting.
inline int CountLines(const std::string& text) {
  int n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

}  // namespace skiff::cli::testing
