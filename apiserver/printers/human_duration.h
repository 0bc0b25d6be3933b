// How kubectl shows ages: upstream's duration.HumanDuration ("5s", "3m20s",
// "2d5h", "4y120d") and printers' translateTimestampSince ("<unknown>" for a
// zero or absent time), over our own RFC 3339 parser.
//
// Precision is coarse by design: sub-second parts only matter through
// truncation to whole seconds, as in Go. Pure functions: thread-safe. Nothing
// here fails; a malformed timestamp is reported as absent.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"

namespace skiff::apiserver::printers {

// A point in time as seconds since the Unix epoch plus nanoseconds (0..1e9-1).
// Wide enough for Go's zero time (year 1), which system_clock cannot hold.
struct Timestamp {
  int64_t seconds = 0;
  int32_t nanos = 0;
  bool operator==(const Timestamp&) const = default;
  auto operator<=>(const Timestamp&) const = default;
};

// Go's duration.HumanDuration of d:
//   < -1s "<invalid>"; -1s..0 "0s"; < 2m "Ns"; < 10m "NmSs" ("Nm" when S is 0);
//   < 3h "Nm"; < 8h "NhMm" ("Nh"); < 48h "Nh"; < 8d "NdHh" ("Nd"); < 2y "Nd";
//   < 8y "NyDd" ("Ny"); else "Ny" (years of 365 days).
std::string HumanDuration(std::chrono::nanoseconds d);

// Parses RFC 3339 as metav1.Time and metav1.MicroTime are written:
// "2026-01-01T10:00:00Z", "2026-01-01T10:00:00.123456Z", "…+02:00".
// nullopt when malformed, or when it is Go's zero time (0001-01-01T00:00:00Z),
// which upstream treats as unset.
std::optional<Timestamp> ParseRfc3339(std::string_view text);
// The same for a JSON value: nullopt unless it is a string that parses.
std::optional<Timestamp> ParseTimestamp(const nlohmann::json* value);

// Go's time.Since(t) as a saturating duration (Go clamps to ±292 years).
std::chrono::nanoseconds Since(const Timestamp& t, const Clock& clock);

// translateTimestampSince: "<unknown>" for an absent time, else HumanDuration(now - t).
std::string TimestampSince(const std::optional<Timestamp>& t, const Clock& clock);
std::string TimestampSince(const nlohmann::json* value, const Clock& clock);

}  // namespace skiff::apiserver::printers
