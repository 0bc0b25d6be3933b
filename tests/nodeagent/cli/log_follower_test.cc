#include "nodeagent/cli/log_follower.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

#include "nodeagent/images/fs_util.h"

namespace skiff::cli {
namespace {

TEST_CASE("CRI records: F lines end with a newline, P lines do not", "[cli]") {
  LogChunk chunk;
  REQUIRE(ParseCriRecord("2026-11-28T23:59:59.123456789Z stdout F hello world", chunk));
  CHECK(!chunk.is_stderr);
  CHECK(chunk.text == "hello world\n");
  REQUIRE(ParseCriRecord("2026-11-28T23:59:59.123456789Z stderr P part", chunk));
  CHECK(chunk.is_stderr);
  CHECK(chunk.text == "part");
  REQUIRE(ParseCriRecord("2026-11-28T23:59:59.123456789Z stdout F", chunk));
  CHECK(chunk.text == "\n");
  CHECK(!ParseCriRecord("not a record", chunk));
  CHECK(!ParseCriRecord("2026-11-28T23:59:59Z stdin F x", chunk));
  CHECK(!ParseCriRecord("2026-11-28T23:59:59Z stdout X x", chunk));
}

TEST_CASE("the follower returns complete records as they are appended", "[cli]") {
  char dir[] = "/tmp/skiff-cli-log-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  std::string path = std::string(dir) + "/container.log";
  LogFollower follower(path);
  CHECK(follower.Pump().status().code() == Code::kNotFound);
  {
    std::ofstream log(path);
    log << "T stdout F one\nT stdout P tw" << std::flush;
    auto chunks = follower.Pump();
    REQUIRE(chunks.ok());
    REQUIRE(chunks->size() == 1);
    CHECK((*chunks)[0].text == "one\n");
    log << "o\nT stdout F !\nT stderr F err\nraw line\n" << std::flush;
    chunks = follower.Pump();
    REQUIRE(chunks.ok());
    REQUIRE(chunks->size() == 3);
    CHECK((*chunks)[0].text == "two!\n");
    CHECK((*chunks)[1].is_stderr);
    CHECK((*chunks)[1].text == "err\n");
    CHECK((*chunks)[2].text == "raw line\n");
    CHECK(follower.Pump()->empty());
  }
  CHECK(images::RemoveTree(dir).ok());
}

}  // namespace
}  // namespace skiff::cli
