#include "apiserver/printers/human_duration.h"

#include <limits>

namespace skiff::apiserver::printers {
namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kSecondsPerDay = 86'400;

std::string Fmt(int64_t a, const char* unit_a) { return std::to_string(a) + unit_a; }

// "3m20s", or "3m" alone when the second part is 0: the two-unit forms.
std::string Fmt2(int64_t a, const char* unit_a, int64_t b, const char* unit_b) {
  if (b == 0) return Fmt(a, unit_a);
  return Fmt(a, unit_a) + Fmt(b, unit_b);
}

// Days since 1970-01-01 of a proleptic Gregorian date (any year, including
// year 1): shift the year to start in March so the leap day comes last, then
// count whole 400-year eras, years in the era and days in the year.
int64_t DaysFromCivil(int64_t year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;
  const int64_t shifted_month = month > 2 ? month - 3 : month + 9;  // March = 0
  const int64_t day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146'097 + day_of_era - 719'468;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

// Reads exactly `width` digits at text[pos]; advances pos.
bool Digits(std::string_view text, size_t& pos, size_t width, int64_t& out) {
  if (pos + width > text.size()) return false;
  out = 0;
  for (size_t i = 0; i < width; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += width;
  return true;
}

bool Expect(std::string_view text, size_t& pos, char a, char b = '\0') {
  if (pos >= text.size()) return false;
  if (text[pos] != a && (b == '\0' || text[pos] != b)) return false;
  ++pos;
  return true;
}

}  // namespace

std::string HumanDuration(std::chrono::nanoseconds d) {
  const int64_t ns = d.count();
  // Go: int(d.Seconds()) truncates toward zero, so -1.9s is still "0s".
  const int64_t seconds = ns / kNanosPerSecond;
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60 * 2) return Fmt(seconds, "s");
  const int64_t minutes = seconds / 60;
  if (minutes < 10) return Fmt2(minutes, "m", seconds % 60, "s");
  if (minutes < 60 * 3) return Fmt(minutes, "m");
  const int64_t hours = minutes / 60;
  if (hours < 8) return Fmt2(hours, "h", minutes % 60, "m");
  if (hours < 48) return Fmt(hours, "h");
  if (hours < 24 * 8) return Fmt2(hours / 24, "d", hours % 24, "h");
  if (hours < 24 * 365 * 2) return Fmt(hours / 24, "d");
  if (hours < 24 * 365 * 8) return Fmt2(hours / 24 / 365, "y", (hours / 24) % 365, "d");
  return Fmt(hours / 24 / 365, "y");
}

std::optional<Timestamp> ParseRfc3339(std::string_view text) {
  size_t pos = 0;
  int64_t year, month, day, hour, minute, second;
  if (!Digits(text, pos, 4, year) || !Expect(text, pos, '-') || !Digits(text, pos, 2, month) ||
      !Expect(text, pos, '-') || !Digits(text, pos, 2, day) || !Expect(text, pos, 'T', 't') ||
      !Digits(text, pos, 2, hour) || !Expect(text, pos, ':') || !Digits(text, pos, 2, minute) ||
      !Expect(text, pos, ':') || !Digits(text, pos, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, static_cast<int>(month)) ||
      hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  int64_t nanos = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t digits = 0;
    int64_t scale = kNanosPerSecond;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 9) {
        scale /= 10;
        nanos += (text[pos] - '0') * scale;
      }
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
  }
  int64_t offset_seconds = 0;
  if (Expect(text, pos, 'Z', 'z')) {
    // UTC
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int64_t sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int64_t off_h, off_m;
    if (!Digits(text, pos, 2, off_h) || !Expect(text, pos, ':') || !Digits(text, pos, 2, off_m) ||
        off_h > 23 || off_m > 59) {
      return std::nullopt;
    }
    offset_seconds = sign * (off_h * 3600 + off_m * 60);
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;

  Timestamp t;
  t.seconds = DaysFromCivil(year, static_cast<int>(month), static_cast<int>(day)) * kSecondsPerDay +
              hour * 3600 + minute * 60 + second - offset_seconds;
  t.nanos = static_cast<int32_t>(nanos);
  static const int64_t kGoZero = DaysFromCivil(1, 1, 1) * kSecondsPerDay;
  if (t.seconds == kGoZero && t.nanos == 0) return std::nullopt;
  return t;
}

std::optional<Timestamp> ParseTimestamp(const nlohmann::json* value) {
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return ParseRfc3339(value->get_ref<const std::string&>());
}

std::chrono::nanoseconds Since(const Timestamp& t, const Clock& clock) {
  const int64_t now_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(clock.Now().time_since_epoch()).count();
  int64_t now_s = now_ns / kNanosPerSecond;
  int64_t now_frac = now_ns % kNanosPerSecond;
  if (now_frac < 0) {
    now_frac += kNanosPerSecond;
    --now_s;
  }
  // Whole seconds fit easily in int64; only the nanosecond total may overflow.
  const int64_t diff_s = now_s - t.seconds;
  const int64_t diff_frac = now_frac - t.nanos;  // in (-1e9, 1e9)
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  if (diff_s > kMax / kNanosPerSecond - 1) return std::chrono::nanoseconds(kMax);
  if (diff_s < kMin / kNanosPerSecond + 1) return std::chrono::nanoseconds(kMin);
  return std::chrono::nanoseconds(diff_s * kNanosPerSecond + diff_frac);
}

std::string TimestampSince(const std::optional<Timestamp>& t, const Clock& clock) {
  if (!t) return "<unknown>";
  return HumanDuration(Since(*t, clock));
}

std::string TimestampSince(const nlohmann::json* value, const Clock& clock) {
  return TimestampSince(ParseTimestamp(value), clock);
}

}  // namespace skiff::apiserver::printers
