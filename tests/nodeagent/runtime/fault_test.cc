// The fault loop (fault_loop.h) over a container with a volume and a tmpfs.
#include <catch2/catch.hpp>
#include <filesystem>
#include <set>

#include "fault_loop.h"
#include "runtime_test_support.h"

namespace skiff::runtime {
namespace {

using testing::BuildBusyboxRootfs;
using testing::BusyboxSpec;
using testing::RunFaultLoop;
using testing::ScratchDir;

TEST_CASE("a fault at any system call leaves no mount, process or state behind",
          "[privileged][integration][slow]") {
  ScratchDir scratch;
  std::string rootfs = scratch.path() + "/rootfs", state = scratch.path() + "/state";
  std::string volume = scratch.path() + "/volume";
  BuildBusyboxRootfs(rootfs);
  std::filesystem::create_directories(volume);
  auto spec = BusyboxSpec("fault", rootfs, {"sh", "-c", "echo hi; cat /v/../v/x 2>/dev/null; true"});
  spec.mounts.push_back({MountSpec::Type::kBind, volume, "/v", true, ""});
  spec.mounts.push_back({MountSpec::Type::kTmpfs, "", "/scratch", false, ""});
  std::set<std::string> failed_calls = RunFaultLoop(state, spec);
  // The loop reached the caller, the intermediate, the monitor (started with a
  // clone that shares the agent's memory: "clone" twice) and the container's child.
  for (const char* call : {"setsid", "clone", "pipe2", "mount", "pivot_root",
                           "sethostname", "setresuid", "execveat", "rename"}) {
    INFO(call);
    CHECK(failed_calls.count(call) == 1);
  }
}

}  // namespace
}  // namespace skiff::runtime
