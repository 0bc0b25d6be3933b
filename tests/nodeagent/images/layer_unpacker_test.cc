#include "nodeagent/images/layer_unpacker.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "nodeagent/images/digest.h"
#include "tests/nodeagent/images/tar_builder.h"
#include "tests/nodeagent/images/test_util.h"

namespace skiff::images {
namespace {

struct Layer {
  TempDir dir;
  std::string archive = dir.path() + "/layer.tar";
  std::string dest = dir.path() + "/layer";

  Result<UnpackStats> Unpack(const std::string& bytes, const UnpackOptions& options = {}) {
    WriteTestFile(archive, bytes);
    return UnpackLayer(archive, dest, options);
  }
  // Nothing but the archive is left next to dest.
  bool LeftNothing() const { return ListDir(dir.path()) == std::vector<std::string>{"layer.tar"}; }
};

struct stat Lstat(const std::string& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st;
}

std::string PlainLayer(Compression compression) {
  return TarBuilder(compression)
      .Dir("bin/")
      .File("bin/tool", "#!/bin/sh\necho hi\n",
            {.mode = 04755, .uid = 1000, .gid = 1001, .mtime = 1600000000})
      .Symlink("bin/sh", "/bin/tool")
      .Hardlink("bin/tool2", "bin/tool")
      .Dir("etc/", {.mode = 0750, .uid = 7, .gid = 8, .mtime = 1500000000})
      .File("etc/motd", "welcome\n")
      .Finish();
}

std::string Uncompressed() { return PlainLayer(Compression::kNone); }

TEST_CASE("A plain layer keeps contents, links, ownership, modes and mtimes",
          "[images][privileged]") {
  REQUIRE(::geteuid() == 0);
  Layer layer;
  std::string bytes = Uncompressed();
  auto stats = layer.Unpack(bytes);
  REQUIRE(stats.ok());
  CHECK(stats->diff_id == DigestOf(bytes));
  CHECK(stats->entries == 6);
  CHECK(*ReadFile(layer.dest + "/bin/tool") == "#!/bin/sh\necho hi\n");
  struct stat tool = Lstat(layer.dest + "/bin/tool");
  CHECK((tool.st_mode & 07777) == 04755);
  CHECK(tool.st_uid == 1000);
  CHECK(tool.st_gid == 1001);
  CHECK(tool.st_mtime == 1600000000);
  CHECK(tool.st_nlink == 2);
  CHECK(Lstat(layer.dest + "/bin/tool2").st_ino == tool.st_ino);
  struct stat sh = Lstat(layer.dest + "/bin/sh");
  CHECK(S_ISLNK(sh.st_mode));
  char target[64] = {};
  REQUIRE(::readlink((layer.dest + "/bin/sh").c_str(), target, sizeof target - 1) > 0);
  CHECK(std::string(target) == "/bin/tool");
  struct stat etc = Lstat(layer.dest + "/etc");
  CHECK((etc.st_mode & 07777) == 0750);
  CHECK(etc.st_uid == 7);
  CHECK(etc.st_mtime == 1500000000);  // kept although motd was written into it later
  CHECK((Lstat(layer.dest).st_mode & 0777) == 0755);
  CHECK(ListDir(layer.dir.path()) == std::vector<std::string>{"layer", "layer.tar"});
}

TEST_CASE("gzip and zstd layers have the diff id of their uncompressed tar",
          "[images][privileged]") {
  for (auto [c, tool] :
       {std::pair{Compression::kGzip, "gzip"}, std::pair{Compression::kZstd, "zstd"}}) {
    Layer layer;
    std::string compressed = PlainLayer(c);
    WriteTestFile(layer.dir.path() + "/c", compressed);
    // The diff id as the command-line tools see it.
    std::string sum =
        ShellOutput(std::string(tool) + " -dc " + layer.dir.path() + "/c | sha256sum");
    std::string expected = "sha256:" + sum.substr(0, 64);
    REQUIRE(::unlink((layer.dir.path() + "/c").c_str()) == 0);
    auto stats = layer.Unpack(compressed, {.expected_diff_id = expected});
    INFO(stats.status().ToString());
    REQUIRE(stats.ok());
    CHECK(*ReadFile(layer.dest + "/etc/motd") == "welcome\n");
  }
}

TEST_CASE("A diff id mismatch leaves nothing", "[images]") {
  Layer layer;
  auto stats = layer.Unpack(TarBuilder().File("a", "x").Finish(),
                            {.keep_ownership = false, .expected_diff_id = DigestOf("other")});
  REQUIRE_FALSE(stats.ok());
  CHECK_THAT(stats.status().message(), Catch::Contains("diff id mismatch"));
  CHECK(layer.LeftNothing());
}

TEST_CASE("A truncated or non-tar layer is an error that leaves nothing", "[images]") {
  Layer layer;
  std::string gz = TarBuilder(Compression::kGzip).File("a", NoiseBytes(100000, 7)).Finish();
  auto truncated = layer.Unpack(gz.substr(0, gz.size() / 2), {.keep_ownership = false});
  REQUIRE_FALSE(truncated.ok());
  CHECK(layer.LeftNothing());
  auto garbage = layer.Unpack("this is not a tar archive at all", {.keep_ownership = false});
  REQUIRE_FALSE(garbage.ok());
  CHECK(layer.LeftNothing());
}

TEST_CASE("Hostile: a .. path climbing out of the layer is rejected", "[images]") {
  Layer layer;
  auto stats = layer.Unpack(
      TarBuilder().File("ok", "1").File("../../etc/passwd", "root::0:0::/:/bin/sh\n").Finish(),
      {.keep_ownership = false});
  REQUIRE_FALSE(stats.ok());
  CHECK(stats.status().code() == Code::kInvalid);
  CHECK_THAT(stats.status().message(),
             Catch::Contains("../../etc/passwd") && Catch::Contains("escapes"));
  CHECK(layer.LeftNothing());
  CHECK_FALSE(PathExists(layer.dir.path() + "/../etc/passwd"));
}

TEST_CASE("Hostile: a harmless .. inside the layer is allowed", "[images]") {
  Layer layer;
  auto stats = layer.Unpack(TarBuilder().File("a/../b", "1").Finish(), {.keep_ownership = false});
  REQUIRE(stats.ok());
  CHECK(*ReadFile(layer.dest + "/b") == "1");
}

TEST_CASE("Hostile: an absolute path lands inside the layer", "[images]") {
  Layer layer;
  std::string marker = layer.dir.path() + "/abs-target";
  auto stats = layer.Unpack(TarBuilder().File(marker, "inside").File("/abs", "x").Finish(),
                            {.keep_ownership = false});
  REQUIRE(stats.ok());
  CHECK_FALSE(PathExists(marker));
  CHECK(*ReadFile(layer.dest + "/abs") == "x");
  CHECK(*ReadFile(layer.dest + marker) == "inside");
}

TEST_CASE("Hostile: a symlink to a host directory is never written through", "[images]") {
  Layer layer;
  std::string victim_dir = layer.dir.path() + "/victim";
  REQUIRE(MakeDirs(victim_dir).ok());
  WriteTestFile(victim_dir + "/passwd", "original");
  auto stats =
      layer.Unpack(TarBuilder().Symlink("evil", victim_dir).File("evil/passwd", "owned").Finish(),
                   {.keep_ownership = false});
  REQUIRE_FALSE(stats.ok());
  CHECK(stats.status().code() == Code::kInvalid);
  CHECK_THAT(stats.status().message(), Catch::Contains("symlink"));
  CHECK(*ReadFile(victim_dir + "/passwd") == "original");
  CHECK(ListDir(layer.dir.path()) == std::vector<std::string>{"layer.tar", "victim"});

  // The same through a relative link that climbs out.
  Layer relative;
  auto rel =
      relative.Unpack(TarBuilder().Symlink("up", "../../..").File("up/tmp/x", "owned").Finish(),
                      {.keep_ownership = false});
  REQUIRE_FALSE(rel.ok());
  CHECK(relative.LeftNothing());
}

TEST_CASE("Hostile: a file over a symlink replaces the link, not its target", "[images]") {
  Layer layer;
  std::string victim = layer.dir.path() + "/victim";
  WriteTestFile(victim, "original");
  auto stats = layer.Unpack(TarBuilder().Symlink("f", victim).File("f", "new").Finish(),
                            {.keep_ownership = false});
  REQUIRE(stats.ok());
  CHECK(*ReadFile(victim) == "original");
  CHECK(S_ISREG(Lstat(layer.dest + "/f").st_mode));
  CHECK(*ReadFile(layer.dest + "/f") == "new");
}

TEST_CASE("Hostile: hard links must stay inside the layer", "[images]") {
  Layer outside;
  auto climb = outside.Unpack(TarBuilder().Hardlink("pw", "../../etc/passwd").Finish(),
                              {.keep_ownership = false});
  REQUIRE_FALSE(climb.ok());
  CHECK_THAT(climb.status().message(), Catch::Contains("escapes"));
  CHECK(outside.LeftNothing());

  Layer absolute;
  auto abs = absolute.Unpack(TarBuilder().Hardlink("pw", "/etc/passwd").Finish(),
                             {.keep_ownership = false});
  REQUIRE_FALSE(abs.ok());
  CHECK_THAT(abs.status().message(), Catch::Contains("not in the layer"));
  CHECK(absolute.LeftNothing());

  Layer via_symlink;
  auto sym =
      via_symlink.Unpack(TarBuilder().Symlink("etc", "/etc").Hardlink("pw", "etc/passwd").Finish(),
                         {.keep_ownership = false});
  REQUIRE_FALSE(sym.ok());
  CHECK_THAT(sym.status().message(), Catch::Contains("symlink"));
  CHECK(via_symlink.LeftNothing());
}

TEST_CASE("Whiteouts become overlayfs char devices 0/0", "[images][privileged]") {
  REQUIRE(::geteuid() == 0);
  Layer layer;
  auto stats = layer.Unpack(
      TarBuilder().Dir("etc/").File("etc/.wh.gone", "").File(".wh..wh.plnk", "").Finish());
  REQUIRE(stats.ok());
  CHECK(stats->whiteouts == 2);
  struct stat st = Lstat(layer.dest + "/etc/gone");
  CHECK(S_ISCHR(st.st_mode));
  CHECK(st.st_rdev == makedev(0, 0));
  CHECK_FALSE(PathExists(layer.dest + "/etc/.wh.gone"));
  CHECK_FALSE(PathExists(layer.dest + "/.wh..wh.plnk"));
}

TEST_CASE("An opaque marker sets trusted.overlay.opaque on its directory", "[images][privileged]") {
  REQUIRE(::geteuid() == 0);
  Layer layer;
  auto stats = layer.Unpack(
      TarBuilder().Dir("data/").File("data/.wh..wh..opq", "").File("data/new", "n").Finish());
  REQUIRE(stats.ok());
  char value[8] = {};
  ssize_t n =
      ::getxattr((layer.dest + "/data").c_str(), "trusted.overlay.opaque", value, sizeof value);
  REQUIRE(n == 1);
  CHECK(value[0] == 'y');
  CHECK(ListDir(layer.dest + "/data") == std::vector<std::string>{"new"});
}

TEST_CASE("Device nodes are skipped unless allowed", "[images][privileged]") {
  REQUIRE(::geteuid() == 0);
  std::string bytes = TarBuilder()
                          .Device("dev/sda", AE_IFBLK, 8, 0)
                          .Device("dev/mem", AE_IFCHR, 1, 1)
                          .File("f", "x")
                          .Finish();
  Layer skipped;
  auto stats = skipped.Unpack(bytes);
  REQUIRE(stats.ok());
  CHECK(stats->skipped_devices == 2);
  CHECK_FALSE(PathExists(skipped.dest + "/dev/sda"));
  CHECK_FALSE(PathExists(skipped.dest + "/dev/mem"));

  Layer allowed;
  auto made = allowed.Unpack(bytes, {.allow_devices = true});
  REQUIRE(made.ok());
  CHECK(made->skipped_devices == 0);
  struct stat st = Lstat(allowed.dest + "/dev/mem");
  CHECK(S_ISCHR(st.st_mode));
  CHECK(st.st_rdev == makedev(1, 1));
}

TEST_CASE("Hostile: overlay xattrs in the archive are dropped", "[images][privileged]") {
  REQUIRE(::geteuid() == 0);
  Layer layer;
  auto stats = layer.Unpack(TarBuilder()
                                .FileWithXattr("a", "x", "trusted.overlay.redirect", "/etc")
                                .FileWithXattr("b", "y", "user.note", "kept")
                                .Finish());
  REQUIRE(stats.ok());
  char value[16] = {};
  CHECK(::getxattr((layer.dest + "/a").c_str(), "trusted.overlay.redirect", value, sizeof value) <
        0);
  ssize_t n = ::getxattr((layer.dest + "/b").c_str(), "user.note", value, sizeof value);
  if (n < 0) {
    CHECK(errno == ENOTSUP);  // a /tmp without user xattrs
  } else {
    CHECK(std::string(value, static_cast<size_t>(n)) == "kept");
  }
}

TEST_CASE("A later entry replaces an earlier one of the same name", "[images]") {
  Layer layer;
  auto stats = layer.Unpack(TarBuilder()
                                .Dir("x/")
                                .File("x/inner", "1")
                                .File("x", "now a file")
                                .Dir("d/")
                                .Dir("d/", {.mode = 0700})
                                .Finish(),
                            {.keep_ownership = false});
  REQUIRE(stats.ok());
  CHECK(*ReadFile(layer.dest + "/x") == "now a file");
  CHECK((Lstat(layer.dest + "/d").st_mode & 0777) == 0700);
}

TEST_CASE("Unpacking over an existing directory is refused", "[images]") {
  Layer layer;
  REQUIRE(MakeDirs(layer.dest).ok());
  auto stats = layer.Unpack(TarBuilder().File("a", "x").Finish(), {.keep_ownership = false});
  REQUIRE_FALSE(stats.ok());
  CHECK(stats.status().code() == Code::kAlreadyExists);
}

}  // namespace
}  // namespace skiff::images
