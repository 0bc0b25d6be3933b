#include "nodeagent/cli/image_user.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "nodeagent/images/fs_util.h"

namespace skiff::cli {
namespace {

constexpr const char* kPasswd =
    "root:x:0:0:root:/root:/bin/sh\n"
    "# a comment\n"
    "app:x:1000:1000:App:/home/app:/bin/sh\n"
    "broken line\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
constexpr const char* kGroup =
    "root:x:0:\n"
    "app:x:1000:\n"
    "staff:x:50:app,other\n"
    "video:x:44:app\n"
    "nogroup:x:65534:\n";

TEST_CASE("users resolve by name, number and group as Docker does", "[cli]") {
  auto root = ResolveUserFromFiles(kPasswd, kGroup, "");
  REQUIRE(root.ok());
  CHECK(root->uid == 0);
  CHECK(root->gid == 0);
  CHECK(root->home == "/root");

  auto app = ResolveUserFromFiles(kPasswd, kGroup, "app");
  REQUIRE(app.ok());
  CHECK(app->uid == 1000);
  CHECK(app->gid == 1000);
  CHECK(app->home == "/home/app");
  CHECK(app->supplementary_groups == std::vector<gid_t>{50, 44});

  auto by_number = ResolveUserFromFiles(kPasswd, kGroup, "1000:staff");
  REQUIRE(by_number.ok());
  CHECK(by_number->uid == 1000);
  CHECK(by_number->gid == 50);
  CHECK(by_number->supplementary_groups == std::vector<gid_t>{44});

  auto unknown_uid = ResolveUserFromFiles(kPasswd, kGroup, "4242:7");
  REQUIRE(unknown_uid.ok());
  CHECK(unknown_uid->uid == 4242);
  CHECK(unknown_uid->gid == 7);
  CHECK(unknown_uid->home == "/");
  CHECK(unknown_uid->supplementary_groups.empty());

  CHECK(ResolveUserFromFiles(kPasswd, kGroup, "ghost").status().code() == Code::kNotFound);
  CHECK(ResolveUserFromFiles(kPasswd, kGroup, "app:ghosts").status().code() == Code::kNotFound);
  CHECK(ResolveUserFromFiles(kPasswd, kGroup, ":50").status().code() == Code::kInvalid);
  CHECK(ResolveUserFromFiles(kPasswd, kGroup, "99999999999").status().code() == Code::kNotFound);
}

struct Layers {
  std::string dir;
  Layers() {
    char pattern[] = "/tmp/skiff-cli-user-XXXXXX";
    REQUIRE(mkdtemp(pattern) != nullptr);
    dir = pattern;
  }
  ~Layers() { (void)images::RemoveTree(dir); }
  std::string Layer(const std::string& name) {
    std::filesystem::create_directories(dir + "/" + name + "/etc");
    return dir + "/" + name;
  }
};

TEST_CASE("the topmost layer with /etc/passwd wins, and symlinks are not followed", "[cli]") {
  Layers layers;
  std::string lower = layers.Layer("lower");
  std::string upper = layers.Layer("upper");
  std::ofstream(lower + "/etc/passwd") << "app:x:1000:1000::/home/app:/bin/sh\n";
  std::ofstream(upper + "/etc/passwd") << "app:x:2000:2000::/srv/app:/bin/sh\n";
  auto user = ResolveImageUser({lower, upper}, "app");
  REQUIRE(user.ok());
  CHECK(user->uid == 2000);

  // A hostile layer points /etc/passwd at the host's: it counts as absent.
  std::filesystem::remove(upper + "/etc/passwd");
  std::filesystem::create_symlink("/etc/passwd", upper + "/etc/passwd");
  CHECK(ResolveImageUser({lower, upper}, "0").ok());  // numeric ids need no entry
  auto after = ResolveImageUser({lower, upper}, "app");
  CHECK(after.status().code() == Code::kNotFound);
  // ... and so does an /etc that is a symlink.
  std::filesystem::remove_all(upper + "/etc");
  std::filesystem::create_symlink("/etc", upper + "/etc");
  CHECK(ResolveImageUser({upper}, "app").status().code() == Code::kNotFound);
}

TEST_CASE("an overlay whiteout hides a lower layer's /etc/passwd", "[cli][privileged]") {
  Layers layers;
  std::string lower = layers.Layer("lower");
  std::string upper = layers.Layer("upper");
  std::ofstream(lower + "/etc/passwd") << "app:x:1000:1000::/home/app:/bin/sh\n";
  REQUIRE(mknod((upper + "/etc/passwd").c_str(), S_IFCHR | 0000, makedev(0, 0)) == 0);
  CHECK(ResolveImageUser({lower}, "app").ok());
  CHECK(ResolveImageUser({lower, upper}, "app").status().code() == Code::kNotFound);
}

}  // namespace
}  // namespace skiff::cli
