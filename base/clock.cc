#include "base/clock.h"

#include <ctime>

namespace skiff {
namespace {

class RealClock : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  std::chrono::steady_clock::time_point Monotonic() const override {
    return std::chrono::steady_clock::now();
  }
};

std::string FormatUtc(Clock::TimePoint t, const char* fmt) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, fmt, &tm);
  return std::string(buf, n);
}

}  // namespace

std::unique_ptr<Clock> NewRealClock() { return std::make_unique<RealClock>(); }

Clock& RealClockInstance() {
  static RealClock clock;
  return clock;
}

FakeClock::FakeClock(TimePoint start) : now_(start), mono_(std::chrono::steady_clock::time_point()) {}

Clock::TimePoint FakeClock::Now() const {
  std::lock_guard lock(mu_);
  return now_;
}

std::chrono::steady_clock::time_point FakeClock::Monotonic() const {
  std::lock_guard lock(mu_);
  return mono_;
}

void FakeClock::Advance(std::chrono::nanoseconds d) {
  std::lock_guard lock(mu_);
  now_ += std::chrono::duration_cast<TimePoint::duration>(d);
  mono_ += d;
}

std::string FormatRfc3339(Clock::TimePoint t) { return FormatUtc(t, "%Y-%m-%dT%H:%M:%SZ"); }

std::string FormatRfc3339Micro(Clock::TimePoint t) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count() %
                1000000;
  if (micros < 0) micros += 1000000;
  std::string s = FormatUtc(t, "%Y-%m-%dT%H:%M:%S");
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%06lldZ", static_cast<long long>(micros));
  return s + frac;
}

}  // namespace skiff
