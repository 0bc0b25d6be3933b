#include "nodeagent/runtime/container_record.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "nodeagent/runtime/process_util.h"
#include "runtime_test_support.h"

namespace skiff::runtime {
namespace {

TEST_CASE("state.json round-trips and a corrupt one names its file") {
  testing::ScratchDir dir;
  ContainerRecord r;
  r.id = "web";
  r.init_pid = 42;
  r.init_start_time = 1234;
  r.monitor_pid = 41;
  r.monitor_start_time = 1200;
  r.log_path = "/var/log/web.log";
  r.cgroup = "web";
  r.owns_overlay_dirs = true;
  r.created_at = "2026-11-28T23:59:59.000000001Z";
  r.process.args = {"sh", "-c", "echo \"quoted\""};
  r.process.env = {"A=1"};
  r.process.uid = 1000;
  r.process.supplementary_groups = {5, 6};
  r.security.cap_add = {"NET_ADMIN"};
  r.security.seccomp = false;
  REQUIRE(WriteContainerRecord(LinuxSysInstance(), dir.path(), r).ok());
  auto back = ReadContainerRecord(dir.path());
  REQUIRE(back.ok());
  CHECK(back->init_start_time == 1234);
  CHECK(back->process.args == r.process.args);
  CHECK(back->process.supplementary_groups == r.process.supplementary_groups);
  CHECK(back->security.cap_add == r.security.cap_add);
  CHECK_FALSE(back->security.seccomp);
  CHECK(back->owns_overlay_dirs);

  std::ofstream(dir.path() + "/state.json") << "{\"id\": 3";
  auto corrupt = ReadContainerRecord(dir.path());
  CHECK(corrupt.status().code() == Code::kInternal);
  CHECK(corrupt.status().message().find(dir.path() + "/state.json") != std::string::npos);
  CHECK(ReadContainerRecord(dir.path() + "/nothing").status().code() == Code::kNotFound);
}

TEST_CASE("exit.json is absent until the monitor writes it") {
  testing::ScratchDir dir;
  auto none = ReadExitRecord(dir.path());
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  std::ofstream(dir.path() + "/exit.json")
      << R"({"exit_code":137,"signal":9,"finished_at":"t","error":""})";
  auto exit = ReadExitRecord(dir.path());
  REQUIRE(exit.ok());
  REQUIRE(exit->has_value());
  CHECK((*exit)->exit_code == 137);
  CHECK((*exit)->signal == 9);
}

TEST_CASE("a process is known by its pid and start time") {
  auto start = ProcStartTime(getpid());
  REQUIRE(start.ok());
  CHECK(ProcessMatches(getpid(), *start));
  CHECK_FALSE(ProcessMatches(getpid(), *start + 1));
  CHECK(ProcStartTime(-5).status().code() == Code::kNotFound);
}

}  // namespace
}  // namespace skiff::runtime
