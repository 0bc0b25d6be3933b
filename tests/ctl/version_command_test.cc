#include "ctl/version_command.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "tests/apiserver/server_process.h"

namespace skiff::ctl {
namespace {

using skiff::testing::ServerProcess;
using skiff::testing::TempDir;

struct Run {
  int code;
  std::string out, err;
};

Run Version(std::vector<std::string> args) {
  Result<GlobalFlags> flags = ParseGlobalFlags(args);
  REQUIRE(flags.ok());
  std::ostringstream out, err;
  int code = RunVersion(*flags, args, out, err);
  return {code, out.str(), err.str()};
}

TEST_CASE("skiffctl version prints the client and the server version", "[ctl][integration]") {
  TempDir dir;
  ServerProcess server(dir.path());
  Run r = Version({"--kubeconfig", dir.path() + "/kubeconfig"});
  CHECK(r.code == 0);
  CHECK(r.out == std::string("Client Version: ") + kClientVersion + "\nServer Version: v1.32.0-skiff\n");
  CHECK(r.err.empty());
}

TEST_CASE("skiffctl version fails with one line when there is no kubeconfig or no server", "[ctl][integration]") {
  TempDir dir;
  SECTION("missing kubeconfig file") {
    Run r = Version({"--kubeconfig=" + dir.path() + "/absent"});
    CHECK(r.code == 1);
    CHECK(r.out == std::string("Client Version: ") + kClientVersion + "\n");
    CHECK(r.err == "skiffctl version: kubeconfig " + dir.path() + "/absent: cannot read: No such file or directory\n");
  }
  SECTION("server gone") {
    { ServerProcess server(dir.path()); }  // writes the kubeconfig, then is killed
    Run r = Version({"--kubeconfig", dir.path() + "/kubeconfig"});
    CHECK(r.code == 1);
    CHECK(r.err.rfind("skiffctl version: GET https://127.0.0.1:", 0) == 0);
    CHECK(r.err.find("/version: cannot connect") != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
  SECTION("--client needs no server") {
    Run r = Version({"--kubeconfig", dir.path() + "/absent", "--client"});
    CHECK(r.code == 0);
    CHECK(r.err.empty());
  }
  SECTION("unknown argument") {
    Run r = Version({"--bogus"});
    CHECK(r.code == 2);
    CHECK(r.err == "skiffctl version: unknown argument \"--bogus\" (flags: --client)\n");
  }
}

TEST_CASE("ParseGlobalFlags takes the global flags out and leaves the verb's", "[ctl]") {
  std::vector<std::string> args = {"get", "-n", "kube-system", "pods", "--context=dev", "--kubeconfig", "/k", "-o", "yaml"};
  Result<GlobalFlags> flags = ParseGlobalFlags(args);
  REQUIRE(flags.ok());
  CHECK(flags->namespace_ == "kube-system");
  CHECK(flags->context == "dev");
  CHECK(flags->kubeconfig == "/k");
  CHECK(args == std::vector<std::string>{"get", "pods", "-o", "yaml"});

  std::vector<std::string> dangling = {"version", "--kubeconfig"};
  Result<GlobalFlags> bad = ParseGlobalFlags(dangling);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "flag --kubeconfig needs a value");
}

}  // namespace
}  // namespace skiff::ctl
