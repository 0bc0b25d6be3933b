#include "nodeagent/cli/units.h"

#include <signal.h>

#include <catch2/catch.hpp>

namespace skiff::cli {
namespace {

TEST_CASE("memory sizes parse as docker writes them", "[cli]") {
  CHECK(*ParseMemoryBytes("64m") == 64LL << 20);
  CHECK(*ParseMemoryBytes("64M") == 64LL << 20);
  CHECK(*ParseMemoryBytes("64mb") == 64LL << 20);
  CHECK(*ParseMemoryBytes("1g") == 1LL << 30);
  CHECK(*ParseMemoryBytes("1.5g") == 3LL << 29);
  CHECK(*ParseMemoryBytes("8192k") == 8LL << 20);
  CHECK(*ParseMemoryBytes("10485760") == 10LL << 20);
  for (const char* bad : {"", "m", "64x", "-1m", "1m", "12q"}) {
    Result<int64_t> parsed = ParseMemoryBytes(bad);
    INFO(bad);
    CHECK(parsed.status().code() == Code::kInvalid);
    CHECK(parsed.status().message().rfind("--memory: ", 0) == 0);
  }
}

TEST_CASE("cpus become a CFS quota over a 100 ms period", "[cli]") {
  CHECK(*ParseCpuQuotaUs("0.5") == 50000);
  CHECK(*ParseCpuQuotaUs("2") == 200000);
  CHECK(*ParseCpuQuotaUs("0.01") == 1000);
  for (const char* bad : {"", "0", "-1", "abc", "0.001", "1x"}) {
    INFO(bad);
    CHECK(ParseCpuQuotaUs(bad).status().code() == Code::kInvalid);
  }
}

TEST_CASE("signals by name, with or without SIG, or by number", "[cli]") {
  CHECK(*ParseSignal("TERM") == SIGTERM);
  CHECK(*ParseSignal("SIGKILL") == SIGKILL);
  CHECK(*ParseSignal("hup") == SIGHUP);
  CHECK(*ParseSignal("10") == 10);
  for (const char* bad : {"", "NOPE", "0", "999", "9x"}) {
    INFO(bad);
    CHECK(!ParseSignal(bad).ok());
  }
}

TEST_CASE("human sizes and durations as docker prints them", "[cli]") {
  CHECK(HumanSize(999) == "999B");
  CHECK(HumanSize(1030000) == "1.03MB");
  CHECK(HumanSize(4200000000) == "4.2GB");
  CHECK(HumanDuration(0) == "Less than a second");
  CHECK(HumanDuration(1) == "1 second");
  CHECK(HumanDuration(59) == "59 seconds");
  CHECK(HumanDuration(61) == "About a minute");
  CHECK(HumanDuration(600) == "10 minutes");
  CHECK(HumanDuration(3600) == "About an hour");
  CHECK(HumanDuration(7200) == "2 hours");
  CHECK(HumanDuration(3 * 86400) == "3 days");
}

TEST_CASE("RFC 3339 times with nanoseconds parse to epoch seconds", "[cli]") {
  CHECK(*ParseRfc3339Seconds("2026-01-01T00:00:00Z") == 1767225600);
  CHECK(*ParseRfc3339Seconds("2026-01-01T00:00:01.123456789Z") == 1767225601);
  CHECK(!ParseRfc3339Seconds("2026-01-01T00:00:00+01:00").ok());
  CHECK(!ParseRfc3339Seconds("yesterday").ok());
}

}  // namespace
}  // namespace skiff::cli
