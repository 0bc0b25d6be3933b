#include "base/status.h"

#include <cerrno>

#include <catch2/catch.hpp>

namespace skiff {
namespace {

TEST_CASE("Status maps codes to HTTP and reasons", "[base]") {
  CHECK(HttpCode(Code::kNotFound) == 404);
  CHECK(HttpCode(Code::kConflict) == 409);
  CHECK(HttpCode(Code::kInvalid) == 422);
  CHECK(ReasonOf(Code::kGone) == "Gone");
  CHECK(ReasonOf(Code::kTooLarge) == "RequestEntityTooLarge");
}

TEST_CASE("Status keeps errno and adds context", "[base]") {
  Status s = Status::FromErrno(ENOENT, "open db").WithContext("start store");
  CHECK_FALSE(s.ok());
  CHECK(s.sys_errno() == ENOENT);
  CHECK(s.message() == "start store: open db: No such file or directory");
}

TEST_CASE("Result holds a value or an error", "[base]") {
  Result<int> good = 7;
  REQUIRE(good.ok());
  CHECK(*good == 7);
  Result<int> bad = Status::NotFound("x");
  CHECK_FALSE(bad.ok());
  CHECK(bad.status().code() == Code::kNotFound);
}

}  // namespace
}  // namespace skiff
