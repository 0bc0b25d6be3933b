// Containers in cgroups on this host's layout (v1 or hybrid here, v2 elsewhere):
// the container joins its cgroup before exec, limits hold, OOM kills are reported.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "nodeagent/runtime/cgroups.h"
#include "nodeagent/runtime/runtime.h"
#include "runtime_test_support.h"

namespace skiff::runtime {
namespace {

using testing::BuildBusyboxRootfs;
using testing::BusyboxSpec;
using testing::InitBinary;
using testing::LogText;
using testing::RunToEnd;
using testing::ScratchDir;

struct CgroupFixture {
  ScratchDir scratch;
  std::string rootfs = scratch.path() + "/rootfs";
  CgroupLayout layout;
  CgroupOptions options;
  std::shared_ptr<CgroupManager> cgroups;
  std::unique_ptr<Runtime> rt;
  CgroupFixture() {
    BuildBusyboxRootfs(rootfs);
    auto detected = DetectCgroupLayout();
    REQUIRE(detected.ok());
    layout = *detected;
    options.parent = "skiff-runtime-test-" + std::to_string(getpid());
    cgroups = NewCgroupManager(layout, options);
    RuntimeOptions ro;
    ro.state_root = scratch.path() + "/state";
    ro.init_binary = InitBinary();
    ro.cgroups = cgroups;
    auto opened = Runtime::Open(ro);
    REQUIRE(opened.ok());
    rt = std::move(*opened);
  }
  // Delete removes each container's cgroup; the parent the fixture named goes here.
  ~CgroupFixture() {
    rt.reset();
    std::vector<std::string> roots;
    for (const auto& [controller, mount] : layout.v1_controllers) roots.push_back(mount);
    if (!layout.unified.empty()) roots.push_back(layout.unified);
    for (const std::string& root : roots) rmdir((root + "/" + options.parent).c_str());
  }
};

TEST_CASE("a container runs in its cgroup, under its pids limit", "[privileged][integration]") {
  CgroupFixture f;
  auto spec = BusyboxSpec("limited", f.rootfs,
                          {"sh", "-c",
                           "grep -c limited /proc/self/cgroup; "
                           "sleep 30 & (for i in $(seq 20); do sleep 30 & done); wait"});
  spec.resources.pids_limit = 8;
  spec.resources.memory_limit_bytes = 64 << 20;
  Status created = f.rt->Create(spec);
  INFO(created.ToString());
  REQUIRE(created.ok());
  REQUIRE(f.rt->Start("limited").ok());
  uint64_t most = 0;
  for (int i = 0; i < 50; ++i) {
    auto stats = f.rt->Stats("limited");
    REQUIRE(stats.ok());
    most = std::max(most, stats->pids_current);
    usleep(20000);
  }
  CHECK(most <= 8);
  auto stats = f.rt->Stats("limited");
  REQUIRE(stats.ok());
  CHECK(stats->pids_current >= 3);  // init, sh, sleep and the sleeps forked before the limit
  REQUIRE(f.rt->Stop("limited", std::chrono::seconds(5)).ok());
  auto state = f.rt->State("limited");
  REQUIRE(state.ok());
  CHECK(std::stoi(LogText(state->log_path, "stdout")) >= 1);  // the cgroup is named in /proc
  CHECK(LogText(state->log_path, "stderr").find("fork") != std::string::npos);
  REQUIRE(f.rt->Delete("limited").ok());
}

TEST_CASE("an OOM kill is reported", "[privileged][integration]") {
  CgroupFixture f;
  auto spec = BusyboxSpec("hog", f.rootfs,
                          {"tail", "-c", "200000000", "/dev/zero"});
  spec.resources.memory_limit_bytes = 32 << 20;
  ContainerState state = RunToEnd(*f.rt, spec);
  CHECK(state.oom_killed);
  CHECK(state.signal == SIGKILL);
  CHECK(state.exit_code == 128 + SIGKILL);
  REQUIRE(f.rt->Delete("hog").ok());
}

TEST_CASE("Delete leaves no cgroup behind", "[privileged][integration]") {
  std::vector<std::string> dirs;
  {
    CgroupFixture f;
    ContainerState state = RunToEnd(*f.rt, BusyboxSpec("gone", f.rootfs, {"true"}));
    CHECK(state.exit_code == 0);
    for (const auto& [controller, mount] : f.layout.v1_controllers) {
      dirs.push_back(mount + "/" + f.options.parent);
      CHECK(std::filesystem::exists(mount + "/" + f.options.parent + "/gone"));
    }
    REQUIRE(f.rt->Delete("gone").ok());
    for (const std::string& d : dirs) CHECK_FALSE(std::filesystem::exists(d + "/gone"));
  }
  for (const std::string& d : dirs) CHECK_FALSE(std::filesystem::exists(d));
}

}  // namespace
}  // namespace skiff::runtime
