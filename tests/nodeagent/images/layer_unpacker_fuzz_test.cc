// Seeded mutation testing of the layer unpacker: hostile-looking archives with
// random bytes flipped must either unpack inside the layer directory or fail
// and leave nothing; nothing outside is ever touched.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <random>

#include "nodeagent/images/layer_unpacker.h"
#include "tests/nodeagent/images/tar_builder.h"
#include "tests/nodeagent/images/test_util.h"

namespace skiff::images {
namespace {

std::string SeedArchive() {
  return TarBuilder()
      .Dir("etc/")
      .File("etc/passwd", "root:x:0:0::/root:/bin/sh\n")
      .Symlink("up", "../..")
      .Symlink("abs", "/etc")
      .Hardlink("etc/hard", "etc/passwd")
      .File("etc/.wh.gone", "")
      .Dir("d/")
      .File("d/.wh..wh..opq", "")
      .File("d/data", std::string(3000, 'd'))
      .Finish();
}

// Every file below dir with its size and mode, to see that nothing changed.
std::string Snapshot(const std::string& dir) {
  return ShellOutput("cd " + dir + " && find . -printf '%p %s %m %y\\n' | sort");
}

TEST_CASE("Mutated layer archives never write outside the layer", "[images][privileged]") {
  REQUIRE(::geteuid() == 0);
  const std::string seed_archive = SeedArchive();
  TempDir sandbox;
  std::string canary = sandbox.path() + "/canary";
  REQUIRE(MakeDirs(canary + "/etc").ok());
  WriteTestFile(canary + "/etc/passwd", "canary");
  std::string work = canary + "/work";  // "../.." from the layer reaches the sandbox
  REQUIRE(MakeDirs(work).ok());
  const std::string before = Snapshot(sandbox.path());

  uint32_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  int unpacked = 0;
  for (int round = 0; round < 300; ++round) {
    std::string bytes = seed_archive;
    int flips = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < flips; ++i) {
      // Mostly in headers (the first 512 bytes of each block run), sometimes anywhere.
      size_t at = rng() % 4 == 0 ? rng() % bytes.size()
                                 : (rng() % (bytes.size() / 512)) * 512 + rng() % 160;
      bytes[at] = static_cast<char>(rng() % 2 ? rng() : "./\0a"[rng() % 4]);
    }
    std::string archive = work + "/layer.tar";
    std::string dest = work + "/layer";
    WriteTestFile(archive, bytes);
    auto result = UnpackLayer(archive, dest);
    INFO("round " << round << ": " << result.status().ToString());
    if (result.ok()) {
      ++unpacked;
      REQUIRE(RemoveTree(dest).ok());
    }
    REQUIRE(ListDir(work) == std::vector<std::string>{"layer.tar"});
    REQUIRE(::unlink(archive.c_str()) == 0);
    REQUIRE(Snapshot(sandbox.path()) == before);
  }
  // The mutations are mild enough that some archives still unpack.
  CHECK(unpacked > 0);
}

}  // namespace
}  // namespace skiff::images
