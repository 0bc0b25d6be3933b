// SeccompCache: the default program kept on disk for the next process.
#include "nodeagent/runtime/seccomp_cache.h"

#include <linux/capability.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "runtime_test_support.h"

namespace skiff::runtime {
namespace {

using testing::ScratchDir;

bool SameProgram(const SeccompProgram& a, const SeccompProgram& b) {
  return a.instructions.size() == b.instructions.size() &&
         memcmp(a.instructions.data(), b.instructions.data(),
                a.instructions.size() * sizeof(sock_filter)) == 0;
}

TEST_CASE("the seccomp cache writes the program once and reads it back", "[seccomp]") {
  ScratchDir scratch;
  std::string dir = scratch.path() + "/.seccomp";
  auto built = BuildDefaultSeccompProgram(DefaultCapabilities());
  REQUIRE(built.ok());
  std::string path;
  {
    SeccompCache first(dir);
    path = first.PathFor(DefaultCapabilities());
    auto program = first.Get(DefaultCapabilities());
    REQUIRE(program.ok());
    CHECK(SameProgram(*program, *built));
  }
  REQUIRE(std::filesystem::exists(path));
  CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::group_read) ==
        std::filesystem::perms::none);
  auto written = std::filesystem::last_write_time(path);
  SeccompCache second(dir);  // as the next process would: it reads the file
  auto again = second.Get(DefaultCapabilities());
  REQUIRE(again.ok());
  CHECK(SameProgram(*again, *built));
  CHECK(std::filesystem::last_write_time(path) == written);
}

TEST_CASE("another capability set gets another file", "[seccomp]") {
  ScratchDir scratch;
  SeccompCache cache(scratch.path() + "/.seccomp");
  CapabilitySet admin = DefaultCapabilities();
  admin.Add(CAP_SYS_ADMIN);
  CHECK(cache.PathFor(admin) != cache.PathFor(DefaultCapabilities()));
  auto with_admin = cache.Get(admin);
  auto built = BuildDefaultSeccompProgram(admin);
  REQUIRE(with_admin.ok());
  REQUIRE(built.ok());
  CHECK(SameProgram(*with_admin, *built));
}

TEST_CASE("a cache file that is not the program for this key is replaced", "[seccomp]") {
  ScratchDir scratch;
  std::string dir = scratch.path() + "/.seccomp";
  std::string path = SeccompCache(dir).PathFor(DefaultCapabilities());
  std::filesystem::create_directories(dir);
  auto built = BuildDefaultSeccompProgram(DefaultCapabilities());
  REQUIRE(built.ok());
  SECTION("another key in its first line") {
    std::ofstream(path) << "skiff-seccomp-v1 caps=0 other inputs\n" << std::string(8 * 10, '\0');
  }
  SECTION("a torn program") {
    {
      SeccompCache writer(dir);
      REQUIRE(writer.Get(DefaultCapabilities()).ok());
    }
    std::filesystem::resize_file(path, std::filesystem::file_size(path) - 3);
  }
  SECTION("garbage") { std::ofstream(path) << "not a program"; }
  SeccompCache cache(dir);
  auto program = cache.Get(DefaultCapabilities());
  REQUIRE(program.ok());
  CHECK(SameProgram(*program, *built));
  SeccompCache next(dir);
  auto reread = next.Get(DefaultCapabilities());
  REQUIRE(reread.ok());
  CHECK(SameProgram(*reread, *built));
}

TEST_CASE("without a directory the cache only builds", "[seccomp]") {
  SeccompCache cache("");
  CHECK(cache.PathFor(DefaultCapabilities()).empty());
  auto program = cache.Get(DefaultCapabilities());
  REQUIRE(program.ok());
  CHECK(program->instructions.size() > 100);
}

}  // namespace
}  // namespace skiff::runtime
