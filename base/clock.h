// Clock: where every component gets the time, so tests can step it by hand.
//
// RealClock reads the system clocks. FakeClock starts at a fixed instant and only
// moves when Advance is called; Sleep on a FakeClock returns at once after
// advancing it. Both are thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

namespace skiff {

class Clock {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  // Wall-clock time (for timestamps written into objects).
  virtual TimePoint Now() const = 0;
  // Monotonic time (for durations, deadlines and timeouts).
  virtual std::chrono::steady_clock::time_point Monotonic() const = 0;
};

std::unique_ptr<Clock> NewRealClock();
// A process-wide real clock, for code with no injected one.
Clock& RealClockInstance();

class FakeClock : public Clock {
 public:
  explicit FakeClock(TimePoint start = TimePoint(std::chrono::seconds(1767225600)));  // 2026-01-01
  TimePoint Now() const override;
  std::chrono::steady_clock::time_point Monotonic() const override;
  void Advance(std::chrono::nanoseconds d);

 private:
  mutable std::mutex mu_;
  TimePoint now_;
  std::chrono::steady_clock::time_point mono_;
};

// "2026-01-01T00:00:00Z": RFC 3339 with second precision, UTC (metav1.Time).
std::string FormatRfc3339(Clock::TimePoint t);
// "2026-01-01T00:00:00.000000Z": microsecond precision (metav1.MicroTime).
std::string FormatRfc3339Micro(Clock::TimePoint t);

}  // namespace skiff
