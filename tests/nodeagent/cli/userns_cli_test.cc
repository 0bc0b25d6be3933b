// `skiff container run --userns auto` and `--uidmap`: the real binary runs a
// container in a user namespace of its own.
#include <catch2/catch.hpp>

#include "cli_test_support.h"

namespace skiff::cli {
namespace {

using testing::CliFixture;
using testing::Outcome;

TEST_CASE("run --userns auto and --uidmap give the container its own users",
          "[privileged][integration]") {
  CliFixture f;
  // The container's root walks to its state directory: run lets it pass the
  // CLI's root and the directory holding it (here the test's 0700 scratch dir,
  // as /var/lib/skiff is made 0700), x only.
  namespace fs = std::filesystem;
  fs::permissions(f.dir(), fs::perms::owner_all, fs::perm_options::replace);
  Outcome run = f.Skiff({"run", "--rm", "--userns", "auto", CliFixture::kImage, "--", "sh", "-c",
                         "id -u; cat /proc/self/uid_map; stat -c %u /bin/sh"});
  INFO(run.err);
  CHECK(run.code == 0);
  CHECK(run.out == "0\n         0     100000      65536\n0\n");
  CHECK((fs::status(f.dir()).permissions() & fs::perms::others_exec) != fs::perms::none);
  CHECK((fs::status(f.dir()).permissions() & fs::perms::others_read) == fs::perms::none);

  Outcome mapped =
      f.Skiff({"run", "--rm", "--uidmap", "0:200000:1000", "--gidmap", "0:300000:1000",
               CliFixture::kImage, "--", "sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map"});
  INFO(mapped.err);
  CHECK(mapped.code == 0);
  CHECK(mapped.out == "         0     200000       1000\n         0     300000       1000\n");

  Outcome bad = f.Skiff({"run", "--rm", "--uidmap", "0:200000:0", CliFixture::kImage, "true"});
  CHECK(bad.code != 0);
  CHECK(bad.err.find("namespaces.uid_mappings[0].size") != std::string::npos);
}

}  // namespace
}  // namespace skiff::cli
