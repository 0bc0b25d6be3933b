#include "base/clock.h"

#include <catch2/catch.hpp>

namespace skiff {
namespace {

TEST_CASE("FakeClock moves only when advanced", "[base][clock]") {
  FakeClock clock;
  auto t0 = clock.Now();
  auto m0 = clock.Monotonic();
  CHECK(clock.Now() == t0);
  clock.Advance(std::chrono::seconds(90));
  CHECK(clock.Now() - t0 == std::chrono::seconds(90));
  CHECK(clock.Monotonic() - m0 == std::chrono::seconds(90));
}

TEST_CASE("RFC 3339 formatting is UTC", "[base][clock]") {
  FakeClock clock;
  CHECK(FormatRfc3339(clock.Now()) == "2026-01-01T00:00:00Z");
  clock.Advance(std::chrono::microseconds(1500));
  CHECK(FormatRfc3339Micro(clock.Now()) == "2026-01-01T00:00:00.001500Z");
}

}  // namespace
}  // namespace skiff
