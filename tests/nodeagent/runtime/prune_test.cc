// Prune: what a dead creator leaves behind is cleaned up by the next Runtime
// on the same state root (issue 15, finding 5), and nothing anyone still
// holds is touched.
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "nodeagent/runtime/runtime.h"
#include "tests/nodeagent/runtime/hostile_support.h"
#include "tests/nodeagent/runtime/runtime_test_support.h"

namespace skiff::runtime {
namespace {

using testing::BuildBusyboxRootfs;
using testing::BusyboxSpec;
using testing::ContainerGuard;
using testing::OpenRuntime;
using testing::ReadFile;
using testing::RunToEnd;
using testing::ScratchDir;

bool Exists(const std::string& path) { return std::filesystem::exists(path); }

// A pidfd of `pid`: readable once the process has ended, whatever reuses the pid.
int PidFd(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }

bool Ended(int pidfd) {
  pollfd p{pidfd, POLLIN, 0};
  return poll(&p, 1, 0) == 1;
}

TEST_CASE("Prune removes stopped auto_remove containers once nobody holds them",
          "[hostile][privileged][integration]") {
  ScratchDir scratch;
  std::string rootfs = scratch.path() + "/rootfs";
  BuildBusyboxRootfs(rootfs);
  std::string state_root = scratch.path() + "/state";
  auto rt = OpenRuntime(state_root);
  auto rm = BusyboxSpec("rm", rootfs, {"true"});
  rm.auto_remove = true;
  RunToEnd(*rt, rm);
  RunToEnd(*rt, BusyboxSpec("keep", rootfs, {"true"}));
  ContainerGuard keep_guard(*rt, "keep");

  auto other = OpenRuntime(state_root);
  // Still held by `rt` (its creator, who may want the exit code): untouched.
  auto pruned = other->Prune();
  REQUIRE(pruned.ok());
  CHECK(pruned->empty());
  CHECK(Exists(state_root + "/rm"));

  rt->Release("rm");
  pruned = other->Prune();
  REQUIRE(pruned.ok());
  CHECK(*pruned == std::vector<std::string>{"rm"});
  CHECK_FALSE(Exists(state_root + "/rm"));
  CHECK(Exists(state_root + "/keep"));  // no auto_remove
}

TEST_CASE("a container whose creator was killed between Create and Start is killed and removed",
          "[hostile][privileged][integration]") {
  ScratchDir scratch;
  std::string rootfs = scratch.path() + "/rootfs";
  BuildBusyboxRootfs(rootfs);
  std::string state_root = scratch.path() + "/state";
  int ready[2];
  REQUIRE(pipe(ready) == 0);
  pid_t creator = fork();
  REQUIRE(creator >= 0);
  if (creator == 0) {
    close(ready[0]);
    RuntimeOptions options;
    options.state_root = state_root;
    options.init_binary = testing::InitBinary();
    auto rt = Runtime::Open(options);
    if (!rt.ok()) _exit(1);
    auto spec = BusyboxSpec("half", rootfs, {"sleep", "60"});
    spec.remove_unstarted = true;
    if (!(*rt)->Create(spec).ok()) _exit(2);
    (void)!write(ready[1], "c", 1);
    pause();  // killed here, between Create and Start
    _exit(3);
  }
  close(ready[1]);
  char byte = 0;
  REQUIRE(read(ready[0], &byte, 1) == 1);
  close(ready[0]);
  kill(creator, SIGKILL);
  int status = 0;
  REQUIRE(waitpid(creator, &status, 0) == creator);

  auto rt = OpenRuntime(state_root);
  auto state = rt->State("half");
  REQUIRE(state.ok());
  REQUIRE(state->status == ContainerStatus::kCreated);
  int init = PidFd(state->init_pid), monitor = PidFd(state->monitor_pid);
  REQUIRE(init >= 0);
  REQUIRE(monitor >= 0);
  CHECK_FALSE(Ended(monitor));

  auto pruned = rt->Prune();
  REQUIRE(pruned.ok());
  CHECK(*pruned == std::vector<std::string>{"half"});
  CHECK(Ended(init));
  CHECK(Ended(monitor));
  close(init);
  close(monitor);
  CHECK_FALSE(Exists(state_root + "/half"));
  CHECK(ReadFile("/proc/self/mountinfo").find(scratch.path()) == std::string::npos);
}

TEST_CASE("Prune removes a Create cut short and keeps what a live creator holds",
          "[hostile][privileged][integration]") {
  ScratchDir scratch;
  std::string rootfs = scratch.path() + "/rootfs";
  BuildBusyboxRootfs(rootfs);
  std::string state_root = scratch.path() + "/state";
  auto rt = OpenRuntime(state_root);
  auto held = BusyboxSpec("held", rootfs, {"true"});
  held.remove_unstarted = true;
  REQUIRE(rt->Create(held).ok());
  ContainerGuard guard(*rt, "held");
  // A directory without state.json and without a holder: a creator died in Create.
  std::filesystem::create_directories(state_root + "/cut/rootfs");

  auto other = OpenRuntime(state_root);
  auto pruned = other->Prune();
  REQUIRE(pruned.ok());
  CHECK(*pruned == std::vector<std::string>{"cut"});
  CHECK_FALSE(Exists(state_root + "/cut"));
  auto state = other->State("held");
  REQUIRE(state.ok());
  CHECK(state->status == ContainerStatus::kCreated);
  REQUIRE(rt->Start("held").ok());
  REQUIRE(rt->Wait("held", std::chrono::seconds(10)).ok());
}

}  // namespace
}  // namespace skiff::runtime
