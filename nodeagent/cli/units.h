// Units as `docker run` writes them, parsed into what the runtime takes, and the
// human forms `ps` and `image ls` print.
//
// Parsers return Invalid with a message naming the flag and the rule it breaks
// ("--memory: \"64x\" is not a size (examples: 64m, 1g, 512k)"). Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace skiff::cli {

// "64m", "1g", "512k", "1048576", "2b": binary multiples (k = 1024), as Docker.
Result<int64_t> ParseMemoryBytes(std::string_view text);

// "0.5" CPUs → a CFS quota in microseconds for a 100 ms period (50000).
inline constexpr int64_t kCpuPeriodUs = 100000;
Result<int64_t> ParseCpuQuotaUs(std::string_view text);

// "TERM", "SIGTERM", "sigterm" or "15".
Result<int> ParseSignal(std::string_view text);

// "1.43MB" (decimal units, as docker images prints them).
std::string HumanSize(int64_t bytes);
// "5 seconds", "About a minute", "3 hours" (as docker ps prints durations).
std::string HumanDuration(int64_t seconds);

// Seconds since the epoch of an RFC 3339 UTC time ("2026-11-28T23:59:59.123456789Z");
// Invalid when it is not one.
Result<int64_t> ParseRfc3339Seconds(std::string_view text);

}  // namespace skiff::cli
