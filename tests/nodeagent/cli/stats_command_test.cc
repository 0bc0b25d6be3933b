// `skiff container stats`: one row per running container with its CPU, memory
// (against its limit) and pids, as `docker stats --no-stream` prints them.
#include <catch2/catch.hpp>
#include <regex>
#include <sstream>

#include "cli_test_support.h"

namespace skiff::cli {
namespace {

using testing::CliFixture;
using testing::CountLines;
using testing::Outcome;

// The columns of the row of container `id` (MEM USAGE / LIMIT split in three).
std::vector<std::string> RowOf(const std::string& table, const std::string& id) {
  std::istringstream lines(table);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(id + " ", 0) != 0) continue;
    std::istringstream words(line);
    std::vector<std::string> columns;
    for (std::string w; words >> w;) columns.push_back(w);
    return columns;
  }
  return {};
}

// "1.5MiB" → bytes.
double Bytes(const std::string& text) {
  size_t unit = text.find_first_not_of("0123456789.");
  double value = std::stod(text.substr(0, unit));
  std::string suffix = text.substr(unit);
  for (const char* u : {"B", "KiB", "MiB", "GiB", "TiB"}) {
    if (suffix == u) return value;
    value *= 1024;
  }
  FAIL("unknown unit in " << text);
  return 0;
}

TEST_CASE("stats shows each running container's CPU, memory and pids", "[privileged][integration]") {
  CliFixture f;
  Outcome idle = f.Skiff({"run", "-d", "--name", "idle", "--memory", "64m", CliFixture::kImage, "--", "sleep", "300"});
  INFO(idle.err);
  REQUIRE(idle.code == 0);
  Outcome busy = f.Skiff({"run", "-d", "--name", "busy", CliFixture::kImage, "--", "sh", "-c", "while :; do :; done"});
  REQUIRE(busy.code == 0);
  Outcome done = f.Skiff({"run", "--name", "done", CliFixture::kImage, "--", "true"});
  REQUIRE(done.code == 0);

  Outcome stats = f.Skiff({"stats"});
  INFO(stats.out << stats.err);
  REQUIRE(stats.code == 0);
  std::string header = stats.out.substr(0, stats.out.find('\n'));
  CHECK(std::regex_match(header, std::regex("CONTAINER ID +CPU % +MEM USAGE / LIMIT +MEM % +PIDS")));
  CHECK(CountLines(stats.out) == 3);  // the header and the two running ones, not "done"
  // id, cpu, usage, "/", limit, mem %, pids
  std::vector<std::string> row = RowOf(stats.out, "idle");
  REQUIRE(row.size() == 7);
  CHECK(Bytes(row[2]) > 0);
  CHECK(row[4] == "64MiB");
  CHECK(std::stod(row[5]) > 0);
  CHECK(std::stoi(row[6]) >= 2);  // init and sleep
  std::vector<std::string> spinning = RowOf(stats.out, "busy");
  REQUIRE(spinning.size() == 7);
  CHECK(std::stod(spinning[1]) > 10);  // a busy loop gets a good share of a CPU
  CHECK(Bytes(spinning[4]) > Bytes("64MiB"));  // no limit: the host's memory

  Outcome one = f.Skiff({"stats", "idl"});  // an id prefix
  CHECK(one.code == 0);
  CHECK(CountLines(one.out) == 2);
  CHECK(RowOf(one.out, "idle").size() == 7);
  Outcome stopped = f.Skiff({"stats", "done"});
  CHECK(RowOf(stopped.out, "done") == std::vector<std::string>{"done", "--", "--", "/", "--", "--", "--"});
  Outcome missing = f.Skiff({"stats", "nosuch"});
  CHECK(missing.code == 1);
  CHECK(missing.err == "skiff container stats: no such container: nosuch\n");
}

}  // namespace
}  // namespace skiff::cli
