// Hostile: a container's root tries to lie about how its process ended (issue
// 15, findings 4 and 5): by writing init's status pipe through /proc/1/fd/3,
// and by ptrace-stopping init so its end is never seen. The exit status comes
// from what the monitor's waitpid sees; init is out of the container's reach.
#include <catch2/catch.hpp>
#include <string>

#include "nodeagent/runtime/container_record.h"
#include "nodeagent/runtime/runtime.h"
#include "tests/nodeagent/runtime/hostile_support.h"
#include "tests/nodeagent/runtime/runtime_test_support.h"

namespace skiff::runtime {
namespace {

using testing::BuildBusyboxRootfs;
using testing::BusyboxSpec;
using testing::ContainerGuard;
using testing::InstallProbe;
using testing::LogText;
using testing::OpenRuntime;
using testing::RunToEnd;
using testing::ScratchDir;

struct Forgery {
  std::string script;  // run by sh in the container
  int exit_code;       // what really happened
  int signal;
};

TEST_CASE("a container cannot forge its exit status on init's status pipe",
          "[hostile][privileged][integration]") {
  ScratchDir scratch;
  std::string rootfs = scratch.path() + "/rootfs";
  BuildBusyboxRootfs(rootfs);
  auto rt = OpenRuntime(scratch.path() + "/state");
  const Forgery forgeries[] = {
      {"printf 'exit 0\\n' >/proc/1/fd/3; exit 7", 7, 0},
      {"printf 'signal 9\\n' >/proc/1/fd/3; exit 7", 7, 0},
      {"printf 'exit 0\\n' >/proc/1/fd/3; kill -9 $$", 137, 9},
  };
  // With CAP_SYS_PTRACE the container's root may open /proc/1/fd/3 after all:
  // what it writes there still cannot change the code.
  bool with_ptrace = GENERATE(false, true);
  int n = 0;
  for (const Forgery& f : forgeries) {
    std::string id = "forge" + std::to_string(n++);
    auto spec = BusyboxSpec(id, rootfs, {"sh", "-c", "exec 2>/dev/null; " + f.script});
    if (with_ptrace) spec.security.cap_add = {"SYS_PTRACE"};
    INFO(f.script << (with_ptrace ? " (CAP_SYS_PTRACE)" : ""));
    ContainerState state = RunToEnd(*rt, spec);
    CHECK(state.exit_code == f.exit_code);
    CHECK(state.signal == f.signal);
    auto exit = ReadExitRecord(rt->state_root() + "/" + id);
    REQUIRE(exit.ok());
    REQUIRE(exit->has_value());
    CHECK((*exit)->exit_code == f.exit_code);
    CHECK((*exit)->signal == f.signal);
    REQUIRE(rt->Delete(id).ok());
  }
}

TEST_CASE("a container's processes cannot open init's descriptors",
          "[hostile][privileged][integration]") {
  ScratchDir scratch;
  std::string rootfs = scratch.path() + "/rootfs";
  BuildBusyboxRootfs(rootfs);
  auto rt = OpenRuntime(scratch.path() + "/state");
  auto spec = BusyboxSpec("fds", rootfs,
                          {"sh", "-c",
                           "exec 2>/dev/null; echo x >/proc/1/fd/3 && echo wrote; "
                           "readlink /proc/1/fd/3 && echo resolved; "
                           "cat /proc/1/environ >/dev/null && echo environ; echo done"});
  ContainerState state = RunToEnd(*rt, spec);
  CHECK(state.exit_code == 0);
  CHECK(LogText(state.log_path, "stdout") == "done\n");
  REQUIRE(rt->Delete("fds").ok());
}

TEST_CASE("a container cannot ptrace-stop its init to hide that its process ended",
          "[hostile][privileged][integration]") {
  ScratchDir scratch;
  std::string rootfs = scratch.path() + "/rootfs";
  BuildBusyboxRootfs(rootfs);
  InstallProbe(rootfs);
  auto rt = OpenRuntime(scratch.path() + "/state");
  // The probe leaves a process behind that holds PID 1 stopped, if it can.
  auto spec = BusyboxSpec("hold", rootfs, {"sh", "-c", "/bin/hostile_probe hold-init; exit 3"});
  REQUIRE(rt->Create(spec).ok());
  ContainerGuard guard(*rt, "hold");
  REQUIRE(rt->Start("hold").ok());
  auto state = rt->Wait("hold", std::chrono::seconds(10));
  INFO(state.status().ToString());
  REQUIRE(state.ok());
  CHECK(state->status == ContainerStatus::kStopped);
  CHECK(state->exit_code == 3);
  CHECK(LogText(state->log_path, "stdout") == "attach pid 1: " + std::to_string(EPERM) + "\n");
  REQUIRE(rt->Delete("hold").ok());
}

}  // namespace
}  // namespace skiff::runtime
