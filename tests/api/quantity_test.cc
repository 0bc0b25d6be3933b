#include "api/quantity.h"

#include <catch2/catch.hpp>

namespace skiff::api {
namespace {

struct Case {
  const char* in;
  int64_t milli;
  const char* canonical;
};

TEST_CASE("ParseQuantity reads every suffix family", "[decode][quantity]") {
  const Case cases[] = {
      {"100m", 100, "100m"},
      {"1", 1000, "1"},
      {"0.5", 500, "500m"},
      {".5", 500, "500m"},
      {"1.", 1000, "1"},
      {"1000", 1000000, "1k"},
      {"1000m", 1000, "1"},
      {"2e3", 2000000, "2e3"},
      {"2E3", 2000000, "2e3"},
      {"1.5e3", 1500000, "1500"},
      {"1e-3", 1, "1e-3"},
      {"1Ki", 1024000, "1Ki"},
      {"1.5Gi", 1610612736000, "1536Mi"},
      {"0.5Gi", 536870912000, "512Mi"},
      {"1024Ki", 1048576000, "1Mi"},
      {"1.5Ki", 1536000, "1536"},
      {"1.1Ki", 1126400, "1126400m"},
      {"512", 512000, "512"},
      {"1k", 1000000, "1k"},
      {"64Mi", 67108864000, "64Mi"},
      {"1u", 1, "1u"},
      {"100n", 1, "100n"},
      {"-1.5", -1500, "-1500m"},
      {"+2", 2000, "2"},
      {"0", 0, "0"},
      {"0Gi", 0, "0"},
      {"000.000", 0, "0"},
      {"1M", 1000000000, "1M"},
      {"8Pi", 9007199254740992000, "8Pi"},
  };
  for (const auto& c : cases) {
    INFO(c.in);
    Result<Quantity> q = ParseQuantity(c.in);
    REQUIRE(q.ok());
    CHECK(q->milli == c.milli);
    CHECK(q->canonical == c.canonical);
  }
}

TEST_CASE("ParseQuantity rejects malformed and oversized input", "[decode][quantity]") {
  for (const char* bad : {"", "abc", "1e", "1.2.3", "--1", "1 ", " 1", "1Kb", "1ki", "Mi", ".",
                          "1e+", "1e1000", "1x", "1Gi1"}) {
    INFO(bad);
    Result<Quantity> q = ParseQuantity(bad);
    CHECK_FALSE(q.ok());
    CHECK(q.status().code() == Code::kBadRequest);
  }
  CHECK(ParseQuantity("9Pi").status().message() == "quantity too large");
  CHECK(ParseQuantity("1E").status().message() == "quantity too large");
}

}  // namespace
}  // namespace skiff::api
