// CgroupV1 and CgroupV2 on this machine's real hierarchies: limits are enforced
// (an OOM kill is counted, a fork bomb stops at pids.max), KillAll and Destroy
// leave nothing, and injected faults leave nothing either. Every test works
// under its own parent ("skiff-test-<pid>") and removes it at the end.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <sstream>
#include <vector>

#include "nodeagent/runtime/cgroup_fs.h"
#include "nodeagent/runtime/cgroup_tree.h"
#include "nodeagent/runtime/cgroups.h"
#include "tests/nodeagent/runtime/cgroup_test_support.h"
#include "tests/skip.h"

namespace skiff::runtime {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// A forked child that waits until Release() before running its body, so the
// parent can put it into a cgroup first. Killed and reaped on destruction.
class HeldChild {
 public:
  explicit HeldChild(const std::function<int()>& body) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      close(fds[1]);
      char c;
      if (read(fds[0], &c, 1) != 1) _exit(120);
      _exit(body());
    }
    close(fds[0]);
    release_fd_ = fds[1];
  }
  ~HeldChild() {
    if (release_fd_ >= 0) close(release_fd_);
    if (!reaped_) {
      kill(pid_, SIGKILL);
      Wait();
    }
  }
  pid_t pid() const { return pid_; }
  void Release() {
    REQUIRE(write(release_fd_, "go", 1) == 1);
    close(release_fd_);
    release_fd_ = -1;
  }
  int Wait() {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    return status;
  }

 private:
  pid_t pid_ = -1;
  int release_fd_ = -1;
  bool reaped_ = false;
};

// The real layout and a parent of our own under every hierarchy; removes the
// parent directories at the end (Destroy leaves the parent by design).
struct RealCgroups {
  CgroupLayout layout = DetectCgroupLayout().value();
  std::string parent = "skiff-test-" + std::to_string(getpid());
  CgroupOptions options{parent, std::chrono::milliseconds(5000)};

  std::vector<std::string> ParentDirs() const {
    std::set<std::string> dirs;
    for (const auto& [controller, mount] : layout.v1_controllers) dirs.insert(mount + "/" + parent);
    if (!layout.unified.empty()) dirs.insert(layout.unified + "/" + parent);
    return {dirs.begin(), dirs.end()};
  }
  // Directories of `name` that exist in any hierarchy.
  std::vector<std::string> Leftovers(const std::string& name) const {
    std::vector<std::string> found;
    for (const std::string& dir : ParentDirs()) {
      if (fs::exists(dir + "/" + name)) found.push_back(dir + "/" + name);
    }
    return found;
  }
  // Also after a failed REQUIRE skipped a test's Destroy.
  ~RealCgroups() {
    auto real = NewLinuxCgroupFs();
    for (const std::string& dir : ParentDirs()) {
      (void)cgroup_tree::RemoveTree(*real, dir, std::chrono::milliseconds(2000));
    }
  }
};

CgroupResources Limits() {
  CgroupResources r;
  r.cpu_shares = 512;
  r.cpu_quota_us = 50000;
  r.memory_limit_bytes = 64 << 20;
  r.pids_limit = 32;
  return r;
}

bool IsV1(const CgroupLayout& layout) { return layout.mode != CgroupMode::kV2; }

// The manager for a v1 or hybrid host; on a pure v2 host the test is skipped
// (the v1 tests run on hybrid and v1 hosts, the v2 ones on v2 hosts).
std::unique_ptr<CgroupManager> V1Manager(const RealCgroups& cg) {
  if (!IsV1(cg.layout)) {
    skiff::testing::SkipTest(
        "this host has no cgroup v1 hierarchies; the v1 tests run on hybrid and v1 hosts");
  }
  return NewCgroupManager(cg.layout, cg.options);
}

TEST_CASE("v1: Create writes the limits into every hierarchy and Destroy removes them",
          "[cgroups][privileged]") {
  RealCgroups cg;
  auto manager = V1Manager(cg);  // skips the test off v1 hosts
  REQUIRE(manager->Create("pod/app", Limits()).ok());
  const auto& v1 = cg.layout.v1_controllers;
  std::string cpu = v1.at("cpu") + "/" + cg.parent + "/pod/app/";
  std::string memory = v1.at("memory") + "/" + cg.parent + "/pod/app/";
  std::string pids = v1.at("pids") + "/" + cg.parent + "/pod/app/";
  CHECK(Trimmed(ReadFile(cpu + "cpu.shares")) == "512");
  CHECK(Trimmed(ReadFile(cpu + "cpu.cfs_quota_us")) == "50000");
  CHECK(Trimmed(ReadFile(cpu + "cpu.cfs_period_us")) == "100000");
  CHECK(Trimmed(ReadFile(memory + "memory.limit_in_bytes")) == std::to_string(64 << 20));
  if (fs::exists(memory + "memory.memsw.limit_in_bytes")) {
    CHECK(Trimmed(ReadFile(memory + "memory.memsw.limit_in_bytes")) == std::to_string(64 << 20));
  }
  CHECK(Trimmed(ReadFile(pids + "pids.max")) == "32");
  if (v1.count("cpuset")) {
    std::string cpus =
        Trimmed(ReadFile(v1.at("cpuset") + "/" + cg.parent + "/pod/app/cpuset.cpus"));
    CHECK_FALSE(cpus.empty());
    CHECK(cpus == Trimmed(ReadFile(v1.at("cpuset") + "/cpuset.cpus")));
  }
  CHECK(manager->Create("pod/app", {}).code() == Code::kAlreadyExists);

  CgroupResources lower;
  lower.memory_limit_bytes = 32 << 20;
  lower.pids_limit = -1;
  REQUIRE(manager->Update("pod/app", lower).ok());
  CHECK(Trimmed(ReadFile(memory + "memory.limit_in_bytes")) == std::to_string(32 << 20));
  CHECK(Trimmed(ReadFile(pids + "pids.max")) == "max");
  CgroupResources raise;
  raise.memory_limit_bytes = 128 << 20;
  REQUIRE(manager->Update("pod/app", raise).ok());
  CHECK(Trimmed(ReadFile(memory + "memory.limit_in_bytes")) == std::to_string(128 << 20));

  auto stats = manager->Stats("pod/app");
  REQUIRE(stats.ok());
  CHECK(stats->memory_limit_bytes == 128 << 20);
  CHECK(stats->pids_current == 0);
  CHECK(stats->oom_kill_count == 0);

  REQUIRE(manager->Destroy("pod").ok());
  CHECK(cg.Leftovers("pod").empty());
}

TEST_CASE("v1: a parent cpuset another creator made but did not set up yet is set up",
          "[cgroups][privileged]") {
  RealCgroups cg;
  if (!IsV1(cg.layout) || !cg.layout.v1_controllers.count("cpuset")) {
    skiff::testing::SkipTest("this host has no cgroup v1 cpuset hierarchy");
  }
  // What a concurrent first Create leaves for a moment: the parent made, its
  // cpus and mems still empty (a child of it could then never be joined).
  std::string root = cg.layout.v1_controllers.at("cpuset");
  std::string parent = root + "/" + cg.parent;
  REQUIRE((fs::create_directories(parent + "/pod") || fs::exists(parent + "/pod")));
  REQUIRE(Trimmed(ReadFile(parent + "/pod/cpuset.cpus")).empty());
  auto manager = NewCgroupManager(cg.layout, cg.options);
  REQUIRE(manager->Create("pod/app", {}).ok());
  std::string host_cpus = Trimmed(ReadFile(root + "/cpuset.cpus"));
  CHECK(Trimmed(ReadFile(parent + "/pod/cpuset.cpus")) == host_cpus);
  CHECK(Trimmed(ReadFile(parent + "/pod/app/cpuset.cpus")) == host_cpus);
  CHECK_FALSE(Trimmed(ReadFile(parent + "/pod/app/cpuset.mems")).empty());
  REQUIRE(manager->Destroy("pod").ok());
  CHECK(cg.Leftovers("pod").empty());
}

TEST_CASE("v1: a memory hog is OOM-killed and the kill is counted", "[cgroups][privileged]") {
  RealCgroups cg;
  auto manager = V1Manager(cg);  // skips the test off v1 hosts
  CgroupResources r;
  r.memory_limit_bytes = 32 << 20;
  REQUIRE(manager->Create("hog", r).ok());
  HeldChild hog([] {
    constexpr size_t kChunk = 1 << 20;
    for (int i = 0; i < 512; ++i) {
      char* p = static_cast<char*>(malloc(kChunk));
      if (p == nullptr) return 3;
      memset(p, i, kChunk);
    }
    return 0;  // never reached under a 32 MiB limit
  });
  REQUIRE(manager->AddProcess("hog", hog.pid()).ok());
  hog.Release();
  int status = hog.Wait();
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  auto oom = manager->OomKillCount("hog");
  REQUIRE(oom.ok());
  CHECK(*oom == 1);
  CHECK(manager->Stats("hog").value().oom_kill_count == 1);
  REQUIRE(manager->Destroy("hog").ok());
  CHECK(cg.Leftovers("hog").empty());
}

TEST_CASE("v1: a fork bomb stops at pids.max and Destroy kills what it made",
          "[cgroups][privileged]") {
  RealCgroups cg;
  auto manager = V1Manager(cg);  // skips the test off v1 hosts
  CgroupResources r;
  r.pids_limit = 16;
  REQUIRE(manager->Create("bomb", r).ok());
  int report[2];
  REQUIRE(pipe(report) == 0);
  HeldChild bomb([&] {
    close(report[0]);
    int forked = 0;
    int last_errno = 0;
    for (int i = 0; i < 200; ++i) {
      pid_t p = fork();
      if (p == 0) {
        pause();
        _exit(0);
      }
      if (p < 0) {
        last_errno = errno;
        break;
      }
      ++forked;
    }
    int out[2] = {forked, last_errno};
    if (write(report[1], out, sizeof out) != sizeof out) return 1;
    pause();
    return 0;
  });
  close(report[1]);
  REQUIRE(manager->AddProcess("bomb", bomb.pid()).ok());
  bomb.Release();
  int result[2] = {0, 0};
  REQUIRE(read(report[0], result, sizeof result) == sizeof result);
  close(report[0]);
  CHECK(result[0] == 15);  // the bomb itself is the 16th task
  CHECK(result[1] == EAGAIN);
  auto stats = manager->Stats("bomb");
  REQUIRE(stats.ok());
  CHECK(stats->pids_current == 16);
  CHECK(manager->Pids("bomb").value().size() == 16);
  REQUIRE(manager->Destroy("bomb").ok());
  CHECK(cg.Leftovers("bomb").empty());
  int status = bomb.Wait();
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
}

TEST_CASE("v1: KillAll kills a whole process tree, frozen so no fork escapes",
          "[cgroups][privileged]") {
  RealCgroups cg;
  auto manager = V1Manager(cg);  // skips the test off v1 hosts
  REQUIRE(manager->Create("tree", {}).ok());
  HeldChild parent([] {
    for (int i = 0; i < 4; ++i) {
      if (fork() == 0) {
        // Grandchildren keep forking short-lived children, racing the kill.
        for (;;) {
          pid_t p = fork();
          if (p == 0) _exit(0);
          if (p > 0) waitpid(p, nullptr, 0);
        }
      }
    }
    pause();
    return 0;
  });
  REQUIRE(manager->AddProcess("tree", parent.pid()).ok());
  parent.Release();
  for (int i = 0; i < 200 && manager->Pids("tree").value().size() < 5; ++i) usleep(5000);
  REQUIRE(manager->Pids("tree").value().size() >= 5);
  REQUIRE(manager->Freeze("tree").ok());
  REQUIRE(manager->Thaw("tree").ok());
  REQUIRE(manager->KillAll("tree").ok());
  int status = parent.Wait();
  CHECK(WIFSIGNALED(status));
  for (int i = 0; i < 200 && !manager->Pids("tree").value().empty(); ++i) usleep(5000);
  CHECK(manager->Pids("tree").value().empty());
  REQUIRE(manager->Destroy("tree").ok());
  CHECK(cg.Leftovers("tree").empty());
}

TEST_CASE("v1: a single-threaded child joins every hierarchy through SelfJoinFiles",
          "[cgroups][privileged]") {
  RealCgroups cg;
  auto manager = V1Manager(cg);  // skips the test off v1 hosts
  REQUIRE(manager->Create("tasks-join", {}).ok());
  std::vector<std::string> files = manager->SelfJoinFiles("tasks-join");
  REQUIRE(files.size() == manager->ProcsFiles("tasks-join").size());
  for (const std::string& file : files) CHECK(file.ends_with("/tasks-join/tasks"));
  std::string suffix = ":/" + cg.parent + "/tasks-join";
  int status = testing::RunInChild([&] {
    for (const std::string& file : files) {
      int fd = open(file.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0 || write(fd, "0", 1) != 1) return 1;
      close(fd);
    }
    // One line of /proc/self/cgroup ("N:controllers:/path") per hierarchy we
    // wrote names the new cgroup.
    std::istringstream lines(ReadFile("/proc/self/cgroup"));
    size_t joined = 0;
    for (std::string line; std::getline(lines, line);) joined += line.ends_with(suffix);
    return joined == files.size() ? 0 : 2;
  });
  CHECK(testing::ChildResult(status) == 0);
  REQUIRE(manager->Destroy("tasks-join").ok());
  CHECK(cg.Leftovers("tasks-join").empty());
}

TEST_CASE("v1: a child joins its cgroup itself through ProcsFiles", "[cgroups][privileged]") {
  RealCgroups cg;
  auto manager = V1Manager(cg);  // skips the test off v1 hosts
  REQUIRE(manager->Create("self", {}).ok());
  std::vector<std::string> files = manager->ProcsFiles("self");
  CHECK(files.size() == std::set<std::string>([&] {
                          std::set<std::string> mounts;
                          for (const auto& [c, m] : cg.layout.v1_controllers) mounts.insert(m);
                          return mounts;
                        }())
                            .size());
  std::string want = "memory:/" + cg.parent + "/self";
  int status = testing::RunInChild([&] {
    for (const std::string& file : files) {
      int fd = open(file.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0 || write(fd, "0", 1) != 1) return 1;
      close(fd);
    }
    return ReadFile("/proc/self/cgroup").find(want) != std::string::npos ? 0 : 2;
  });
  CHECK(testing::ChildResult(status) == 0);
  REQUIRE(manager->Destroy("self").ok());
  CHECK(cg.Leftovers("self").empty());
}

// Makes a device node for (type, major, minor) in `dir` and opens it: 0 when
// open works, else open's errno (mknod failing returns 200 + errno).
int OpenNewDevice(const std::string& dir, mode_t type, int major_number, int minor_number,
                  int flags = O_RDONLY) {
  std::string node =
      dir + "/dev-" + std::to_string(major_number) + "-" + std::to_string(minor_number);
  unlink(node.c_str());
  if (mknod(node.c_str(), type | 0600, makedev(major_number, minor_number)) != 0)
    return 200 + errno;
  int fd = open(node.c_str(), flags | O_NONBLOCK | O_CLOEXEC);
  int result = fd >= 0 ? 0 : errno;
  if (fd >= 0) close(fd);
  unlink(node.c_str());
  return result;
}

TEST_CASE("v1: the default device rules allow mknod but refuse opening host devices",
          "[cgroups][privileged]") {
  RealCgroups cg;
  if (!IsV1(cg.layout) || !cg.layout.v1_controllers.count("devices")) {
    skiff::testing::SkipTest("this host has no v1 devices controller");
  }
  testing::TempDir tmp;
  auto manager = NewCgroupManager(cg.layout, cg.options);
  REQUIRE(manager->Create("dev", {}).ok());
  std::string list =
      ReadFile(cg.layout.v1_controllers.at("devices") + "/" + cg.parent + "/dev/devices.list");
  CHECK(list.find("c 1:3 rwm") != std::string::npos);
  CHECK(list.find("a *:* rwm") == std::string::npos);
  CgroupResources all;
  all.devices = AllDevicesRules();
  REQUIRE(manager->Create("dev-all", all).ok());

  auto probe = [&](const std::string& name) {
    HeldChild child([&] {
      int null_result = OpenNewDevice(tmp.path(), S_IFCHR, 1, 3);
      int kmsg_result = OpenNewDevice(tmp.path(), S_IFCHR, 1, 11);
      return (null_result == 0 ? 0 : 1) | (kmsg_result == 0 ? 0 : kmsg_result == EPERM ? 2 : 4);
    });
    REQUIRE(manager->AddProcess(name, child.pid()).ok());
    child.Release();
    return testing::ChildResult(child.Wait());
  };
  CHECK(probe("dev") == 2);      // /dev/null opens, /dev/kmsg is refused
  CHECK(probe("dev-all") == 0);  // every device opens
  REQUIRE(manager->Destroy("dev").ok());
  REQUIRE(manager->Destroy("dev-all").ok());
  CHECK(cg.Leftovers("dev").empty());
  CHECK(cg.Leftovers("dev-all").empty());
}

TEST_CASE("v1: Create under injected faults succeeds or leaves nothing", "[cgroups][privileged]") {
  RealCgroups cg;
  if (!IsV1(cg.layout)) {
    skiff::testing::SkipTest("this host has no cgroup v1 hierarchies");
  }
  for (int n = 1;; ++n) {
    auto faulty = std::make_shared<FaultyCgroupFs>(NewLinuxCgroupFs(), n);
    auto manager = NewCgroupManager(cg.layout, cg.options, faulty);
    Status s = manager->Create("pod/app", Limits());
    INFO("fault at call " << n << ": " << s.ToString());
    if (!faulty->fired()) {
      REQUIRE(s.ok());
      CHECK(n > 10);
      break;
    }
    CHECK(s.sys_errno() == EIO);
    CHECK(cg.Leftovers("pod").empty());
  }
  REQUIRE(NewCgroupManager(cg.layout, cg.options)->Destroy("pod").ok());
  CHECK(cg.Leftovers("pod").empty());
}

TEST_CASE("v1: Destroy under injected faults fails cleanly and a retry finishes",
          "[cgroups][privileged]") {
  RealCgroups cg;
  auto manager = V1Manager(cg);  // skips the test off v1 hosts
  for (int n = 1;; ++n) {
    REQUIRE(manager->Create("pod/app", Limits()).ok());
    HeldChild sleeper([] {
      pause();
      return 0;
    });
    REQUIRE(manager->AddProcess("pod/app", sleeper.pid()).ok());
    sleeper.Release();
    auto faulty = std::make_shared<FaultyCgroupFs>(NewLinuxCgroupFs(), n);
    Status s = NewCgroupManager(cg.layout, cg.options, faulty)->Destroy("pod");
    INFO("fault at call " << n << ": " << s.ToString());
    REQUIRE(manager->Destroy("pod").ok());
    CHECK(cg.Leftovers("pod").empty());
    int status = sleeper.Wait();
    CHECK(WIFSIGNALED(status));
    if (!faulty->fired()) {
      REQUIRE(s.ok());
      break;
    }
  }
}

TEST_CASE("v2: the unified hierarchy runs, freezes and kills a process", "[cgroups][privileged]") {
  RealCgroups cg;
  if (cg.layout.unified.empty()) {
    skiff::testing::SkipTest(
        "this host has no cgroup2 mount; the v2 logic is covered by cgroup_v2_test.cc");
  }
  CgroupLayout v2{CgroupMode::kV2, cg.layout.root, {}, cg.layout.unified};
  auto manager = NewCgroupManager(v2, cg.options);
  REQUIRE(manager->Create("pod/app", {}).ok());
  std::string dir = cg.layout.unified + "/" + cg.parent + "/pod/app";
  CHECK(manager->UnifiedPath("pod/app") == dir);
  HeldChild sleeper([] {
    for (;;) pause();
    return 0;
  });
  REQUIRE(manager->AddProcess("pod/app", sleeper.pid()).ok());
  sleeper.Release();
  CHECK(manager->Pids("pod/app").value() == std::vector<pid_t>{sleeper.pid()});
  REQUIRE(manager->Freeze("pod/app").ok());
  CHECK(ReadFile(dir + "/cgroup.events").find("frozen 1") != std::string::npos);
  REQUIRE(manager->Thaw("pod/app").ok());
  CHECK(manager->Stats("pod/app").ok());
  REQUIRE(manager->KillAll("pod/app").ok());
  int status = sleeper.Wait();
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  REQUIRE(manager->Destroy("pod").ok());
  CHECK_FALSE(fs::exists(cg.layout.unified + "/" + cg.parent + "/pod"));
  if (cg.layout.mode == CgroupMode::kHybrid) {
    // The hybrid host keeps memory in v1, so v2 cannot enforce a memory limit.
    CgroupResources memory;
    memory.memory_limit_bytes = 1 << 20;
    Status s = manager->Create("mem", memory);
    CHECK(s.code() == Code::kNotFound);
    CHECK_FALSE(fs::exists(cg.layout.unified + "/" + cg.parent + "/mem"));
  }
}

TEST_CASE("v2: device rules become an eBPF program that refuses other devices",
          "[cgroups][privileged]") {
  RealCgroups cg;
  if (cg.layout.unified.empty()) {
    skiff::testing::SkipTest("this host has no cgroup2 mount");
  }
  testing::TempDir tmp;
  auto manager =
      NewCgroupManager({CgroupMode::kV2, cg.layout.root, {}, cg.layout.unified}, cg.options);
  // Runs the probes in a child inside `name`: bit 0 /dev/null read, bit 1
  // /dev/null write, bit 2 /dev/kmsg read, bit 3 mknod of a disk; set = refused.
  auto probe = [&](const std::string& name) {
    HeldChild child([&] {
      int refused = 0;
      if (OpenNewDevice(tmp.path(), S_IFCHR, 1, 3, O_RDONLY) != 0) refused |= 1;
      if (OpenNewDevice(tmp.path(), S_IFCHR, 1, 3, O_WRONLY) != 0) refused |= 2;
      if (OpenNewDevice(tmp.path(), S_IFCHR, 1, 11, O_RDONLY) != 0) refused |= 4;
      std::string disk = tmp.path() + "/disk";
      if (mknod(disk.c_str(), S_IFBLK | 0600, makedev(8, 0)) != 0) refused |= 8;
      unlink(disk.c_str());
      return refused;
    });
    REQUIRE(manager->AddProcess(name, child.pid()).ok());
    child.Release();
    return testing::ChildResult(child.Wait());
  };
  REQUIRE(manager->Create("dev", {}).ok());
  CHECK(probe("dev") == 4);  // null read/write and mknod work, kmsg is refused

  CgroupResources read_only_null;
  read_only_null.devices = std::vector<DeviceRule>{{'c', 1, 3, "rm"}};
  REQUIRE(manager->Create("dev-ro", read_only_null).ok());
  CHECK(probe("dev-ro") == (2 | 4 | 8));

  CgroupResources all;
  all.devices = AllDevicesRules();
  Status updated = manager->Update("dev", all);  // replaces the program attached by Create
  INFO(updated.ToString());
  REQUIRE(updated.ok());
  CHECK(probe("dev") == 0);
  CgroupResources no_change;
  no_change.pids_limit = 10;
  (void)manager->Update("dev", no_change);  // no pids controller on a hybrid host; rules stay
  CHECK(probe("dev") == 0);

  REQUIRE(manager->Destroy("dev").ok());
  REQUIRE(manager->Destroy("dev-ro").ok());
  CHECK_FALSE(fs::exists(cg.layout.unified + "/" + cg.parent + "/dev"));
}

}  // namespace
}  // namespace skiff::runtime
