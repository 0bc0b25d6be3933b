// CgroupV2 against an in-memory cgroup v2 tree (FakeCgroupFs), including a fault
// loop; the real unified hierarchy is exercised in cgroup_privileged_test.cc.
#include "nodeagent/runtime/cgroup_v2.h"

#include <signal.h>

#include <algorithm>
#include <catch2/catch.hpp>

#include "nodeagent/runtime/cgroup_resources.h"
#include "tests/nodeagent/runtime/cgroup_fake_fs.h"

namespace skiff::runtime {
namespace {

using testing::FakeCgroupFs;

constexpr const char* kRoot = "/cg";

struct V2Fixture {
  std::shared_ptr<FakeCgroupFs> fs = std::make_shared<FakeCgroupFs>(kRoot);
  CgroupLayout layout{CgroupMode::kV2, kRoot, {}, kRoot};
  std::unique_ptr<CgroupManager> manager =
      NewCgroupManager(layout, CgroupOptions{"skiff", std::chrono::milliseconds(50)}, fs);
};

CgroupResources Limits() {
  CgroupResources r;
  r.cpu_shares = 1024;
  r.cpu_quota_us = 50000;
  r.memory_limit_bytes = 64 << 20;
  r.pids_limit = 100;
  return r;
}

TEST_CASE("v2 Create delegates controllers down every level and writes the limits", "[cgroups]") {
  V2Fixture f;
  REQUIRE(f.manager->Create("pod-1/app", Limits()).ok());
  CHECK(f.fs->Get("/cg/cgroup.subtree_control") == "cpu memory pids");
  CHECK(f.fs->Get("/cg/skiff/cgroup.subtree_control") == "cpu memory pids");
  CHECK(f.fs->Get("/cg/skiff/pod-1/cgroup.subtree_control") == "cpu memory pids");
  CHECK(f.fs->Get("/cg/skiff/pod-1/app/cpu.weight") == std::to_string(CpuSharesToWeight(1024)));
  CHECK(f.fs->Get("/cg/skiff/pod-1/app/cpu.max") == "50000 100000");
  CHECK(f.fs->Get("/cg/skiff/pod-1/app/memory.max") == std::to_string(64 << 20));
  CHECK(f.fs->Get("/cg/skiff/pod-1/app/memory.swap.max") == "0");
  CHECK(f.fs->Get("/cg/skiff/pod-1/app/pids.max") == "100");
  CHECK(f.manager->UnifiedPath("pod-1/app") == "/cg/skiff/pod-1/app");
  CHECK(f.fs->device_rules.at("/cg/skiff/pod-1/app") == DefaultDeviceRules());
  CHECK(f.fs->device_rules.count("/cg/skiff/pod-1") == 0);
  CHECK(f.manager->ProcsFiles("pod-1/app") ==
        std::vector<std::string>{"/cg/skiff/pod-1/app/cgroup.procs"});
  CHECK(f.manager->SelfJoinFiles("pod-1/app") ==
        std::vector<std::string>{"/cg/skiff/pod-1/app/cgroup.procs"});
}

TEST_CASE("cpu shares convert to weights as runc does", "[cgroups]") {
  CHECK(CpuSharesToWeight(2) == 1);
  CHECK(CpuSharesToWeight(262144) == 10000);
  CHECK(CpuSharesToWeight(1024) == 39);
}

TEST_CASE("v2 skips controllers the host does not offer", "[cgroups]") {
  auto fs = std::make_shared<FakeCgroupFs>(kRoot, "pids");
  auto manager = NewCgroupManager({CgroupMode::kV2, kRoot, {}, kRoot}, {}, fs);
  CgroupResources pids_only;
  pids_only.pids_limit = 5;
  REQUIRE(manager->Create("a", pids_only).ok());
  CHECK(fs->Get("/cg/cgroup.subtree_control") == "pids");
  // A memory limit needs memory.max, which this host's cgroups do not have.
  CgroupResources memory;
  memory.memory_limit_bytes = 1 << 20;
  Status s = manager->Create("b", memory);
  CHECK(s.code() == Code::kNotFound);
  CHECK(s.message().find("memory.max") != std::string::npos);
  CHECK_FALSE(fs->Exists("/cg/skiff/b"));
}

TEST_CASE("v2 refuses bad names and bad limits before touching anything", "[cgroups]") {
  V2Fixture f;
  for (const char* name : {"", "/abs", "a/../b", "a//b", "./a", "a/"}) {
    INFO(name);
    CHECK(f.manager->Create(name, {}).code() == Code::kInvalid);
  }
  CgroupResources bad;
  bad.cpu_shares = 1;
  bad.memory_limit_bytes = 0;
  Status s = f.manager->Create("ok", bad);
  CHECK(s.code() == Code::kInvalid);
  CHECK(s.causes().size() == 2);
  CHECK(f.fs->writes.empty());
  CHECK(f.fs->DirCount() == 1);  // not even the parent was made
}

TEST_CASE("v2 Create of an existing cgroup is AlreadyExists and keeps it", "[cgroups]") {
  V2Fixture f;
  REQUIRE(f.manager->Create("a", Limits()).ok());
  CHECK(f.manager->Create("a", {}).code() == Code::kAlreadyExists);
  CHECK(f.fs->Exists("/cg/skiff/a"));
  CHECK(f.fs->Get("/cg/skiff/a/pids.max") == "100");
}

TEST_CASE("v2 Update changes only what is set, and a new period keeps the quota", "[cgroups]") {
  V2Fixture f;
  REQUIRE(f.manager->Create("a", Limits()).ok());
  CgroupResources period;
  period.cpu_period_us = 200000;
  REQUIRE(f.manager->Update("a", period).ok());
  CHECK(f.fs->Get("/cg/skiff/a/cpu.max") == "50000 200000");
  CHECK(f.fs->Get("/cg/skiff/a/pids.max") == "100");
  CgroupResources unlimited;
  unlimited.cpu_quota_us = -1;
  unlimited.pids_limit = -1;
  REQUIRE(f.manager->Update("a", unlimited).ok());
  CHECK(f.fs->Get("/cg/skiff/a/cpu.max") == "max 100000");
  CHECK(f.fs->Get("/cg/skiff/a/pids.max") == "max");
  CHECK(f.manager->Update("missing", unlimited).code() == Code::kNotFound);
  CHECK(f.fs->device_rules.at("/cg/skiff/a") == DefaultDeviceRules());  // untouched
  CgroupResources all;
  all.devices = AllDevicesRules();
  REQUIRE(f.manager->Update("a", all).ok());
  CHECK(f.fs->device_rules.at("/cg/skiff/a") == AllDevicesRules());
  CgroupResources bad;
  bad.devices = std::vector<DeviceRule>{{'x', 1, 3, "rwm"}, {'c', -2, 0, "rwm"}, {'c', 1, 3, "q"}};
  Status s = f.manager->Update("a", bad);
  CHECK(s.code() == Code::kInvalid);
  CHECK(s.causes().size() == 3);
}

TEST_CASE("v2 Stats and OomKillCount read the kernel's counters", "[cgroups]") {
  V2Fixture f;
  REQUIRE(f.manager->Create("a", Limits()).ok());
  f.fs->Set("/cg/skiff/a/cpu.stat", "usage_usec 1500\nuser_usec 1000\n");
  f.fs->Set("/cg/skiff/a/memory.current", "10485760\n");
  f.fs->Set("/cg/skiff/a/memory.stat", "anon 1\ninactive_file 1048576\n");
  f.fs->Set("/cg/skiff/a/memory.events", "low 0\nhigh 0\nmax 7\noom 3\noom_kill 2\n");
  f.fs->Set("/cg/skiff/a/pids.current", "4\n");
  auto stats = f.manager->Stats("a");
  REQUIRE(stats.ok());
  CHECK(stats->cpu_usage_ns == 1500000);
  CHECK(stats->memory_usage_bytes == 10485760);
  CHECK(stats->memory_working_set_bytes == 10485760 - 1048576);
  CHECK(stats->memory_limit_bytes == 64 << 20);
  CHECK(stats->oom_kill_count == 2);
  CHECK(stats->pids_current == 4);
  CHECK(f.manager->OomKillCount("a").value() == 2);
  CHECK(f.manager->Stats("missing").status().code() == Code::kNotFound);
}

TEST_CASE("v2 AddProcess, Freeze, Thaw and KillAll use the cgroup files", "[cgroups]") {
  V2Fixture f;
  REQUIRE(f.manager->Create("a", {}).ok());
  REQUIRE(f.manager->AddProcess("a", 4242).ok());
  CHECK(f.manager->Pids("a").value() == std::vector<pid_t>{4242});
  REQUIRE(f.manager->Freeze("a").ok());
  CHECK(f.fs->Get("/cg/skiff/a/cgroup.freeze") == "1");
  REQUIRE(f.manager->Thaw("a").ok());
  CHECK(f.fs->Get("/cg/skiff/a/cgroup.freeze") == "0");
  REQUIRE(f.manager->KillAll("a").ok());
  CHECK(f.manager->Pids("a").value().empty());
  CHECK(f.fs->kills.empty());  // cgroup.kill, not kill(2)
  CHECK(f.manager->AddProcess("missing", 1).code() == Code::kNotFound);
}

TEST_CASE("v2 KillAll without cgroup.kill freezes, signals each process and thaws", "[cgroups]") {
  auto fs = std::make_shared<FakeCgroupFs>(kRoot, "cpu memory pids", /*has_kill=*/false);
  auto manager = NewCgroupManager({CgroupMode::kV2, kRoot, {}, kRoot}, {}, fs);
  REQUIRE(manager->Create("a/b", {}).ok());
  REQUIRE(manager->AddProcess("a", 11).ok());
  REQUIRE(manager->AddProcess("a/b", 12).ok());
  REQUIRE(manager->KillAll("a").ok());
  CHECK(fs->kills == std::vector<std::pair<pid_t, int>>{{12, SIGKILL}, {11, SIGKILL}});
  CHECK(fs->Get("/cg/skiff/a/cgroup.freeze") == "0");
  auto freeze_writes =
      std::count(fs->writes.begin(), fs->writes.end(), "/cg/skiff/a/cgroup.freeze=1");
  CHECK(freeze_writes == 1);
  REQUIRE(manager->Destroy("a").ok());
  CHECK_FALSE(fs->Exists("/cg/skiff/a"));
  CHECK(fs->Exists("/cg/skiff"));
}

TEST_CASE("v2 Destroy removes a tree of cgroups with processes in it", "[cgroups]") {
  V2Fixture f;
  REQUIRE(f.manager->Create("pod/app", {}).ok());
  REQUIRE(f.manager->Create("pod/sidecar", {}).ok());
  REQUIRE(f.manager->AddProcess("pod/app", 21).ok());
  REQUIRE(f.manager->AddProcess("pod/sidecar", 22).ok());
  REQUIRE(f.manager->Destroy("pod").ok());
  CHECK_FALSE(f.fs->Exists("/cg/skiff/pod"));
  CHECK(f.fs->DirCount() == 2);  // the root and skiff/
}

TEST_CASE("v2 Destroy waits for processes that refuse to leave, then gives up", "[cgroups]") {
  V2Fixture f;
  REQUIRE(f.manager->Create("a", {}).ok());
  REQUIRE(f.manager->AddProcess("a", 77).ok());
  f.fs->unkillable.insert(77);
  Status s = f.manager->Destroy("a");
  CHECK(s.code() == Code::kUnavailable);
  CHECK(s.message().find("/cg/skiff/a") != std::string::npos);
  CHECK(f.fs->pauses > 0);
  REQUIRE_FALSE(f.fs->kills.empty());
  CHECK(f.fs->kills.back() == std::pair<pid_t, int>{77, SIGKILL});
  CHECK(f.fs->Exists("/cg/skiff/a"));
  f.fs->unkillable.clear();
  CHECK(f.manager->Destroy("a").ok());
  CHECK_FALSE(f.fs->Exists("/cg/skiff/a"));
  CHECK(f.manager->Destroy("a").ok());  // repeating is fine
}

TEST_CASE("v2 Create under injected faults either succeeds or leaves nothing", "[cgroups]") {
  for (int n = 1;; ++n) {
    auto fake = std::make_shared<FakeCgroupFs>(kRoot);
    auto faulty = std::make_shared<FaultyCgroupFs>(fake, n);
    auto manager = NewCgroupManager({CgroupMode::kV2, kRoot, {}, kRoot}, {}, faulty);
    Status s = manager->Create("pod/app", Limits());
    INFO("fault at call " << n << ": " << s.ToString());
    if (!faulty->fired()) {
      REQUIRE(s.ok());
      CHECK(n > 5);
      break;
    }
    CHECK_FALSE(s.ok());
    CHECK(s.sys_errno() == EIO);
    CHECK_FALSE(fake->Exists("/cg/skiff/pod"));
    CHECK(fake->DirCount() <= 2);  // the root, and skiff/ once made
  }
}

}  // namespace
}  // namespace skiff::runtime

namespace skiff::runtime {
namespace {

TEST_CASE("v2 Destroy under injected faults fails cleanly and a retry finishes", "[cgroups]") {
  for (int n = 1;; ++n) {
    auto fake = std::make_shared<testing::FakeCgroupFs>(kRoot);
    auto faulty = std::make_shared<FaultyCgroupFs>(fake, 0);
    auto manager = NewCgroupManager({CgroupMode::kV2, kRoot, {}, kRoot}, {}, faulty);
    REQUIRE(manager->Create("pod/app", Limits()).ok());
    REQUIRE(manager->AddProcess("pod/app", 31).ok());
    FaultyCgroupFs armed(fake, n);
    auto armed_ptr = std::shared_ptr<CgroupFs>(&armed, [](CgroupFs*) {});
    auto armed_manager = NewCgroupManager({CgroupMode::kV2, kRoot, {}, kRoot}, {}, armed_ptr);
    Status s = armed_manager->Destroy("pod");
    INFO("fault at call " << n << ": " << s.ToString());
    if (!armed.fired()) {
      REQUIRE(s.ok());
      break;
    }
    REQUIRE(manager->Destroy("pod").ok());
    CHECK_FALSE(fake->Exists("/cg/skiff/pod"));
  }
}

}  // namespace
}  // namespace skiff::runtime
