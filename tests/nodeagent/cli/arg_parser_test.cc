#include "nodeagent/cli/arg_parser.h"

#include <catch2/catch.hpp>

namespace skiff::cli {
namespace {

TEST_CASE("flags take values as --f v, --f=v and repeat", "[cli]") {
  ArgParser p;
  p.Value("-e,--env");
  p.Value("--name");
  p.Bool("-d,--detach");
  REQUIRE(p.Parse({"-e", "A=1", "one", "--env=B=2", "--name", "x", "-d", "two"}).ok());
  CHECK(p.Values("-e") == std::vector<std::string>{"A=1", "B=2"});
  CHECK(p.Values("--env") == p.Values("-e"));
  CHECK(p.Get("--name") == "x");
  CHECK(p.Has("-d"));
  CHECK(!p.Has("--name-missing"));
  CHECK(p.Get("--nothing", "fallback") == "fallback");
  CHECK(p.positionals() == std::vector<std::string>{"one", "two"});
}

TEST_CASE("stop-at-positional keeps the command's own flags", "[cli]") {
  ArgParser p(ArgParser::Mode::kStopAtPositional);
  p.Bool("--rm");
  REQUIRE(p.Parse({"--rm", "busybox", "ls", "-l", "--rm"}).ok());
  CHECK(p.positionals() == std::vector<std::string>{"busybox", "ls", "-l", "--rm"});
  CHECK(!p.dashdash());

  ArgParser q;
  q.Bool("-f");
  REQUIRE(q.Parse({"x", "--", "-f"}).ok());
  CHECK(!q.Has("-f"));
  CHECK(q.positionals() == std::vector<std::string>{"x", "-f"});
  CHECK(q.dashdash_at() == 1);
}

TEST_CASE("bad flags are BadRequest naming the flag", "[cli]") {
  ArgParser p;
  p.Value("--name");
  p.Bool("-d");
  CHECK(p.Parse({"--bogus"}).message() == "unknown flag \"--bogus\"");
  CHECK(p.Parse({"--name"}).message() == "flag --name needs a value");
  CHECK(p.Parse({"-d=yes"}).message() == "flag -d takes no value");
  CHECK(p.Parse({"--bogus"}).code() == Code::kBadRequest);
}

}  // namespace
}  // namespace skiff::cli
