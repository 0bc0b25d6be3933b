// What a process inside a container holds: the default capabilities only,
// no_new_privs, the seccomp filter, the user and groups of the spec.
#include <catch2/catch.hpp>
#include <cinttypes>
#include <cstdio>

#include "nodeagent/runtime/capabilities.h"
#include "nodeagent/runtime/runtime.h"
#include "runtime_test_support.h"

namespace skiff::runtime {
namespace {

using testing::BuildBusyboxRootfs;
using testing::BusyboxSpec;
using testing::LogText;
using testing::OpenRuntime;
using testing::RunToEnd;
using testing::ScratchDir;

std::string Hex(uint64_t bits) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%016" PRIx64, bits);
  return buf;
}

TEST_CASE("a root container holds the default capabilities under seccomp",
          "[privileged][integration]") {
  ScratchDir scratch;
  BuildBusyboxRootfs(scratch.path() + "/rootfs");
  auto rt = OpenRuntime(scratch.path() + "/state");
  auto spec = BusyboxSpec("caps", scratch.path() + "/rootfs",
                          {"sh", "-c",
                           "grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status; "
                           "mkdir -p /m; mount -t tmpfs none /m 2>/dev/null && echo mounted; "
                           "unshare -m true 2>/dev/null && echo unshared; "
                           "chown 1234 /tmp && echo chowned"});
  ContainerState state = RunToEnd(*rt, spec);
  CHECK(state.exit_code == 0);
  std::string caps = Hex(DefaultCapabilities().bits);
  CHECK(LogText(state.log_path, "stdout") ==
        "CapEff:\t" + caps + "\nCapBnd:\t" + caps + "\nNoNewPrivs:\t1\nSeccomp:\t2\nchowned\n");
  REQUIRE(rt->Delete("caps").ok());
}

TEST_CASE("a container runs as the spec's user and groups, with dropped capabilities",
          "[privileged][integration]") {
  ScratchDir scratch;
  BuildBusyboxRootfs(scratch.path() + "/rootfs");
  auto rt = OpenRuntime(scratch.path() + "/state");
  auto spec = BusyboxSpec("user", scratch.path() + "/rootfs",
                          {"sh", "-c",
                           "id -u; id -g; id -G; grep -E '^CapEff:' /proc/self/status; "
                           "echo hi > /tmp/x 2>/dev/null || echo denied"});
  spec.process.uid = 1000;
  spec.process.gid = 1000;
  spec.process.supplementary_groups = {2000, 3000};
  ContainerState state = RunToEnd(*rt, spec);
  CHECK(state.exit_code == 0);
  CHECK(LogText(state.log_path, "stdout") ==
        "1000\n1000\n1000 2000 3000\nCapEff:\t0000000000000000\ndenied\n");
  REQUIRE(rt->Delete("user").ok());

  auto dropped = BusyboxSpec("dropped", scratch.path() + "/rootfs",
                             {"sh", "-c", "chown 1234 /tmp 2>/dev/null || echo no-chown"});
  dropped.security.cap_drop = {"CHOWN"};
  state = RunToEnd(*rt, dropped);
  CHECK(LogText(state.log_path, "stdout") == "no-chown\n");
  REQUIRE(rt->Delete("dropped").ok());
}

}  // namespace
}  // namespace skiff::runtime
