// Detecting the cgroup layout from mountinfo.
#include <catch2/catch.hpp>

#include "nodeagent/runtime/cgroups.h"

namespace skiff::runtime {
namespace {

constexpr const char* kHybrid =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
    "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset,clone_children\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory\n"
    "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate\n"
    "50 23 0:40 / /mnt/other rw,relatime - cgroup cgroup rw,freezer\n";

TEST_CASE("a hybrid host has v1 controllers and a cgroup2 mount beside them", "[cgroups]") {
  auto layout = ParseCgroupLayout(kHybrid, "/sys/fs/cgroup");
  REQUIRE(layout.ok());
  CHECK(layout->mode == CgroupMode::kHybrid);
  CHECK(layout->unified == "/sys/fs/cgroup/unified");
  CHECK(layout->v1_controllers.at("cpu") == "/sys/fs/cgroup/cpu,cpuacct");
  CHECK(layout->v1_controllers.at("cpuacct") == "/sys/fs/cgroup/cpu,cpuacct");
  CHECK(layout->v1_controllers.at("memory") == "/sys/fs/cgroup/memory");
  CHECK(layout->v1_controllers.at("cpuset") == "/sys/fs/cgroup/cpuset");
  // name=systemd is not a controller, and a mount outside the root is ignored.
  CHECK(layout->v1_controllers.count("name=systemd") == 0);
  CHECK(layout->v1_controllers.count("freezer") == 0);
  CHECK(layout->v1_controllers.size() == 5);
}

TEST_CASE("a pure v2 host has one cgroup2 mount at the root", "[cgroups]") {
  auto layout = ParseCgroupLayout(
      "25 20 0:23 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 "
      "rw,nsdelegate,memory_recursiveprot\n",
      "/sys/fs/cgroup");
  REQUIRE(layout.ok());
  CHECK(layout->mode == CgroupMode::kV2);
  CHECK(layout->unified == "/sys/fs/cgroup");
  CHECK(layout->v1_controllers.empty());
}

TEST_CASE("a v1 host without cgroup2, and mount points with escaped spaces", "[cgroups]") {
  auto layout = ParseCgroupLayout(
      "35 31 0:32 / /cg\\040root/memory rw - cgroup cgroup rw,memory\n"
      "36 31 0:33 / /cg\\040root/pids rw - cgroup cgroup rw,pids\n",
      "/cg root");
  REQUIRE(layout.ok());
  CHECK(layout->mode == CgroupMode::kV1);
  CHECK(layout->unified.empty());
  CHECK(layout->v1_controllers.at("memory") == "/cg root/memory");
}

TEST_CASE("no cgroup mount is NotFound and garbage lines are skipped", "[cgroups]") {
  auto layout = ParseCgroupLayout("garbage\n1 2 3\n\n", "/sys/fs/cgroup");
  REQUIRE_FALSE(layout.ok());
  CHECK(layout.status().code() == Code::kNotFound);
}

TEST_CASE("this machine's layout is detected from /proc/self/mountinfo", "[cgroups]") {
  auto layout = DetectCgroupLayout();
  REQUIRE(layout.ok());
  // CI and development machines differ; whatever the mode, it is consistent.
  if (layout->mode == CgroupMode::kV2) {
    CHECK(layout->unified == "/sys/fs/cgroup");
  } else {
    CHECK(layout->v1_controllers.count("memory") == 1);
    CHECK((layout->mode == CgroupMode::kHybrid) == !layout->unified.empty());
  }
}

}  // namespace
}  // namespace skiff::runtime
