#include "nodeagent/images/blob_store.h"

#include <catch2/catch.hpp>

#include "tests/nodeagent/images/test_util.h"

namespace skiff::images {
namespace {

TEST_CASE("A blob is stored under its sha256 and read back", "[images]") {
  TempDir dir;
  auto store = BlobStore::Open(dir.path());
  REQUIRE(store.ok());
  auto digest = (*store)->Put("hello");
  REQUIRE(digest.ok());
  // sha256("hello"), as sha256sum prints it.
  CHECK(*digest == "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  CHECK((*store)->Has(*digest));
  CHECK(*(*store)->Read(*digest) == "hello");
  CHECK(*(*store)->SizeOf(*digest) == 5);
  CHECK(*(*store)->List() == std::vector<std::string>{*digest});
  REQUIRE((*store)->Remove(*digest).ok());
  CHECK_FALSE((*store)->Has(*digest));
  CHECK((*store)->Read(*digest).status().code() == Code::kNotFound);
}

TEST_CASE("A digest or size mismatch keeps nothing", "[images]") {
  TempDir dir;
  auto store = BlobStore::Open(dir.path());
  REQUIRE(store.ok());
  std::string wrong = DigestOf("other");
  auto bad = (*store)->Put("hello", {.digest = wrong});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == Code::kInvalid);
  CHECK_THAT(bad.status().message(), Catch::Contains("mismatch"));
  CHECK((*store)->List()->empty());
  CHECK(ListDir(dir.path() + "/tmp").empty());

  auto short_size = (*store)->Put("hello", {.digest = DigestOf("hello"), .size = 4});
  REQUIRE_FALSE(short_size.ok());
  CHECK_THAT(short_size.status().message(), Catch::Contains("size mismatch"));
  CHECK((*store)->List()->empty());
  CHECK(ListDir(dir.path() + "/tmp").empty());

  auto good = (*store)->Put("hello", {.digest = DigestOf("hello"), .size = 5});
  CHECK(good.ok());
}

TEST_CASE("An abandoned writer leaves no temp file", "[images]") {
  TempDir dir;
  auto store = BlobStore::Open(dir.path());
  REQUIRE(store.ok());
  {
    auto writer = (*store)->NewWriter();
    REQUIRE(writer.ok());
    REQUIRE((*writer)->Write("partial").ok());
    CHECK(ListDir(dir.path() + "/tmp").size() == 1);
  }
  CHECK(ListDir(dir.path() + "/tmp").empty());
  CHECK((*store)->List()->empty());
}

TEST_CASE("Streaming writes hash the whole stream", "[images]") {
  TempDir dir;
  auto store = BlobStore::Open(dir.path());
  REQUIRE(store.ok());
  auto writer = (*store)->NewWriter();
  REQUIRE(writer.ok());
  std::string all;
  for (int i = 0; i < 1000; ++i) {
    std::string chunk = "chunk-" + std::to_string(i) + ";";
    all += chunk;
    REQUIRE((*writer)->Write(chunk).ok());
  }
  auto digest = (*writer)->Commit({.digest = DigestOf(all)});
  REQUIRE(digest.ok());
  CHECK(*(*store)->Read(*digest) == all);
  CHECK((*store)->Read("sha256:nothex").status().code() == Code::kInvalid);
}

}  // namespace
}  // namespace skiff::images
