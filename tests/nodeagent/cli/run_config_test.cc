#include "nodeagent/cli/run_config.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "nodeagent/images/fs_util.h"

namespace skiff::cli {
namespace {

using Strings = std::vector<std::string>;

images::ImageConfig Config(Strings entrypoint, Strings cmd) {
  images::ImageConfig config;
  config.entrypoint = std::move(entrypoint);
  config.cmd = std::move(cmd);
  return config;
}

TEST_CASE("the command merges Entrypoint and Cmd the Docker way", "[cli]") {
  RunOptions run;
  CHECK(*MergeCommand(run, Config({}, {"sh"})) == Strings{"sh"});
  CHECK(*MergeCommand(run, Config({"/app"}, {"--port", "80"})) == Strings{"/app", "--port", "80"});
  run.command = {"--port", "81"};
  CHECK(*MergeCommand(run, Config({"/app"}, {"--port", "80"})) == Strings{"/app", "--port", "81"});
  run.command = {"echo", "hi"};
  CHECK(*MergeCommand(run, Config({}, {"sh"})) == Strings{"echo", "hi"});
  run.entrypoint = Strings{"/bin/other"};
  run.command.clear();
  CHECK(*MergeCommand(run, Config({"/app"}, {"--port", "80"})) == Strings{"/bin/other"});
  run.entrypoint = Strings{""};
  run.command = {"ls"};
  CHECK(*MergeCommand(run, Config({"/app"}, {"x"})) == Strings{"ls"});
  RunOptions none;
  CHECK(MergeCommand(none, Config({}, {})).status().code() == Code::kInvalid);
}

TEST_CASE("env: -e overrides the image's in place, KEY alone takes the host's", "[cli]") {
  setenv("SKIFF_CLI_TEST_HOST", "from-host", 1);
  unsetenv("SKIFF_CLI_TEST_ABSENT");
  auto env = MergeEnv({"PATH=/bin", "A=1", "B=2"},
                      {"A=one", "C=3", "SKIFF_CLI_TEST_HOST", "SKIFF_CLI_TEST_ABSENT", "C=three"});
  REQUIRE(env.ok());
  CHECK(*env == Strings{"PATH=/bin", "A=one", "B=2", "C=three", "SKIFF_CLI_TEST_HOST=from-host"});
  CHECK(MergeEnv({}, {"=x"}).status().code() == Code::kInvalid);
}

struct ImageFixture {
  std::string dir;
  images::Image image;
  ImageFixture() {
    char pattern[] = "/tmp/skiff-cli-spec-XXXXXX";
    REQUIRE(mkdtemp(pattern) != nullptr);
    dir = pattern;
    for (const char* layer : {"/l0/etc", "/l1/etc", "/vol"}) std::filesystem::create_directories(dir + layer);
    std::ofstream(dir + "/l0/etc/passwd") << "root:x:0:0::/root:/bin/sh\nweb:x:33:33::/var/www:/bin/sh\n";
    image.layer_dirs = {dir + "/l0", dir + "/l1"};
    image.config = Config({}, {"sh"});
    image.config.env = {"PATH=/opt/bin", "LANG=C"};
    image.config.working_dir = "/srv";
    image.config.user = "web";
  }
  ~ImageFixture() { (void)images::RemoveTree(dir); }
};

TEST_CASE("a run's ContainerSpec: layers, process, mounts and limits", "[cli]") {
  ImageFixture f;
  RunOptions run;
  run.id = "c1";
  run.env = {"LANG=en"};
  run.volumes = {f.dir + "/vol:/data:ro", f.dir + "/vol:/rw"};
  run.memory = "64m";
  run.cpus = "0.5";
  run.pids = "100";
  run.read_only = true;
  auto spec = BuildContainerSpec(run, f.image);
  INFO(spec.status().ToString());
  REQUIRE(spec.ok());
  CHECK(spec->id == "c1");
  CHECK(spec->rootfs.lower_dirs == Strings{f.dir + "/l1", f.dir + "/l0"});  // topmost first
  CHECK(spec->rootfs.readonly);
  CHECK(spec->process.args == Strings{"sh"});
  CHECK(spec->process.uid == 33);
  CHECK(spec->process.gid == 33);
  CHECK(spec->process.cwd == "/srv");
  CHECK(spec->process.env == Strings{"PATH=/opt/bin", "LANG=en", "HOSTNAME=c1", "HOME=/var/www"});
  REQUIRE(spec->mounts.size() == 2);
  CHECK(spec->mounts[0].target == "/data");
  CHECK(spec->mounts[0].readonly);
  CHECK(!spec->mounts[1].readonly);
  CHECK(*spec->resources.memory_limit_bytes == 64 << 20);
  CHECK(*spec->resources.cpu_quota_us == 50000);
  CHECK(*spec->resources.cpu_period_us == 100000);
  CHECK(*spec->resources.pids_limit == 100);
  CHECK(spec->namespaces.net.mode == runtime::NamespaceSpec::Mode::kNew);

  run.user = "0:0";
  run.workdir = "/tmp";
  run.hostname = "box";
  run.network = "host";
  run.volumes.clear();
  spec = BuildContainerSpec(run, f.image);
  REQUIRE(spec.ok());
  CHECK(spec->process.uid == 0);
  CHECK(spec->process.cwd == "/tmp");
  CHECK(spec->process.env == Strings{"PATH=/opt/bin", "LANG=en", "HOSTNAME=box", "HOME=/root"});
  CHECK(spec->namespaces.net.mode == runtime::NamespaceSpec::Mode::kHost);

  images::Image bare = f.image;
  bare.config.env.clear();
  spec = BuildContainerSpec(RunOptions{.id = "c2"}, bare);
  REQUIRE(spec.ok());
  CHECK(spec->process.env.front() == kDefaultPath);
}

TEST_CASE("bad run flags are Invalid and name the flag", "[cli]") {
  ImageFixture f;
  const std::string id = "c";
  auto fails_with = [&](RunOptions run, const std::string& prefix) {
    run.id = id;
    auto spec = BuildContainerSpec(run, f.image);
    INFO(spec.status().message());
    CHECK(!spec.ok());
    CHECK(spec.status().message().rfind(prefix, 0) == 0);
  };
  fails_with({.volumes = {"data:/data"}}, "-v: ");
  fails_with({.volumes = {f.dir + "/vol:data"}}, "-v: ");
  fails_with({.volumes = {f.dir + "/vol:/data:rx"}}, "-v: ");
  fails_with({.volumes = {f.dir + "/missing:/data"}}, "-v: ");
  fails_with({.workdir = "relative"}, "-w: ");
  fails_with({.user = "ghost"}, "--user: ");
  fails_with({.memory = "lots"}, "--memory: ");
  fails_with({.cpus = "0"}, "--cpus: ");
  fails_with({.pids = "0"}, "--pids: ");
  fails_with({.network = "bridge"}, "--network: ");
}

TEST_CASE("the flags --userns, --uidmap and --gidmap ask for a user namespace", "[cli]") {
  ImageFixture f;
  using runtime::IdMapping;
  using Mode = runtime::NamespaceSpec::Mode;
  auto same = [](const std::vector<IdMapping>& m, std::vector<IdMapping> want) {
    if (m.size() != want.size()) return false;
    for (size_t i = 0; i < m.size(); ++i) {
      if (m[i].container_id != want[i].container_id || m[i].host_id != want[i].host_id ||
          m[i].size != want[i].size) {
        return false;
      }
    }
    return true;
  };
  auto spec = BuildContainerSpec(RunOptions{.id = "u", .userns = "auto"}, f.image);
  REQUIRE(spec.ok());
  CHECK(spec->namespaces.user.mode == Mode::kNew);
  CHECK(same(spec->namespaces.uid_mappings, {{0, 100000, 65536}}));
  CHECK(same(spec->namespaces.gid_mappings, {{0, 100000, 65536}}));

  spec = BuildContainerSpec(RunOptions{.id = "u", .uidmap = {"0:200000:1000", "1000:5000:1"}}, f.image);
  REQUIRE(spec.ok());
  CHECK(same(spec->namespaces.uid_mappings, {{0, 200000, 1000}, {1000, 5000, 1}}));
  CHECK(same(spec->namespaces.gid_mappings, {{0, 200000, 1000}, {1000, 5000, 1}}));
  spec = BuildContainerSpec(
      RunOptions{.id = "u", .uidmap = {"0:200000:1000"}, .gidmap = {"0:300000:100"}}, f.image);
  REQUIRE(spec.ok());
  CHECK(same(spec->namespaces.gid_mappings, {{0, 300000, 100}}));

  spec = BuildContainerSpec(RunOptions{.id = "u", .userns = "host"}, f.image);
  REQUIRE(spec.ok());
  CHECK(spec->namespaces.user.mode == Mode::kHost);

  spec = BuildContainerSpec(
      RunOptions{.id = "u", .volumes = {f.dir + "/vol:/data:ro,idmap", f.dir + "/vol:/b:idmap"},
                 .userns = "auto"},
      f.image);
  REQUIRE(spec.ok());
  CHECK(spec->mounts[0].readonly);
  CHECK(spec->mounts[0].idmap);
  CHECK(!spec->mounts[1].readonly);
  CHECK(spec->mounts[1].idmap);

  for (RunOptions bad : {RunOptions{.userns = "private"}, RunOptions{.uidmap = {"0:1"}},
                         RunOptions{.gidmap = {"x:1:2"}},
                         RunOptions{.userns = "auto", .uidmap = {"0:1:2"}},
                         RunOptions{.volumes = {f.dir + "/vol:/data:idmap,rx"}}}) {
    bad.id = "u";
    auto failed = BuildContainerSpec(bad, f.image);
    INFO(failed.status().message());
    CHECK(failed.status().code() == Code::kInvalid);
  }
}

}  // namespace
}  // namespace skiff::cli
