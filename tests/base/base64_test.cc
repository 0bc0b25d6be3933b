#include "base/base64.h"

#include <catch2/catch.hpp>

namespace skiff {
namespace {

TEST_CASE("Base64 round trips RFC 4648 vectors", "[base][base64]") {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    CHECK(Base64Encode(plain) == encoded);
    auto back = Base64Decode(encoded);
    REQUIRE(back.has_value());
    CHECK(*back == plain);
  }
}

TEST_CASE("Base64 rejects malformed input", "[base][base64]") {
  CHECK_FALSE(Base64Decode("Zm9").has_value());
  CHECK_FALSE(Base64Decode("Zm=v").has_value());
  CHECK_FALSE(Base64Decode("Z!9v").has_value());
  CHECK_FALSE(Base64Decode("====").has_value());
}

TEST_CASE("URL-safe alphabet", "[base][base64]") {
  std::string bytes = "\xfb\xff";
  CHECK(Base64Encode(bytes, true) == "-_8=");
  CHECK(*Base64Decode("-_8=", true) == bytes);
}

}  // namespace
}  // namespace skiff

namespace skiff {
namespace {

TEST_CASE("Base64 errors name the byte as Go does, line breaks skipped", "[base][base64]") {
  CHECK(Base64DecodeDetailed("Zm9v\nYmFy").data == std::optional<std::string>("foobar"));
  Base64Decoded bad = Base64DecodeDetailed("Zm9v!mFy");
  CHECK_FALSE(bad.data);
  CHECK(bad.Error() == "illegal base64 data at input byte 4");
  CHECK(Base64DecodeDetailed("Zm9vY").bad_byte == 4);
  CHECK(Base64DecodeDetailed("Zg==Zg==").bad_byte == 4);
}

}  // namespace
}  // namespace skiff
