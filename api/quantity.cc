#include "api/quantity.h"

#include <array>

namespace skiff::api {

namespace {

using i128 = __int128;

constexpr i128 kLimit = static_cast<i128>(1) << 120;  // far below overflow of i128
constexpr int64_t kNanoPerUnit = 1000000000;

enum class Format { kBinarySI, kDecimalSI, kDecimalExponent };

Status Malformed() {
  return Status::BadRequest(
      "quantities must match the regular expression "
      "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
}

bool MulChecked(i128 a, i128 b, i128* out) {
  if (a != 0 && (b > kLimit / a || b > kLimit)) return false;
  *out = a * b;
  return true;
}

i128 Pow(i128 base, int exp) {
  i128 r = 1;
  for (int i = 0; i < exp; ++i) r *= base;
  return r;
}

// Divides a non-negative numerator rounding up.
i128 CeilDiv(i128 num, i128 den) { return (num + den - 1) / den; }

std::string ToString(i128 v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  if (neg) v = -v;
  std::string s;
  while (v > 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  return neg ? "-" + s : s;
}

struct Suffix {
  Format format;
  int exp;  // power of 1024 for binary, power of 10 otherwise
};

bool ParseSuffix(std::string_view s, Suffix* out) {
  static constexpr std::array<std::pair<std::string_view, int>, 6> kBinary = {
      {{"Ki", 1}, {"Mi", 2}, {"Gi", 3}, {"Ti", 4}, {"Pi", 5}, {"Ei", 6}}};
  static constexpr std::array<std::pair<std::string_view, int>, 10> kDecimal = {{{"", 0},
                                                                                 {"n", -9},
                                                                                 {"u", -6},
                                                                                 {"m", -3},
                                                                                 {"k", 3},
                                                                                 {"M", 6},
                                                                                 {"G", 9},
                                                                                 {"T", 12},
                                                                                 {"P", 15},
                                                                                 {"E", 18}}};
  for (const auto& [name, exp] : kBinary) {
    if (s == name) {
      *out = {Format::kBinarySI, exp};
      return true;
    }
  }
  for (const auto& [name, exp] : kDecimal) {
    if (s == name) {
      *out = {Format::kDecimalSI, exp};
      return true;
    }
  }
  if (s.size() >= 2 && (s[0] == 'e' || s[0] == 'E')) {
    std::string_view rest = s.substr(1);
    bool neg = false;
    if (rest[0] == '+' || rest[0] == '-') {
      neg = rest[0] == '-';
      rest.remove_prefix(1);
    }
    if (rest.empty() || rest.size() > 3) return false;
    int exp = 0;
    for (char c : rest) {
      if (c < '0' || c > '9') return false;
      exp = exp * 10 + (c - '0');
    }
    *out = {Format::kDecimalExponent, neg ? -exp : exp};
    return true;
  }
  return false;
}

std::string Canonical(i128 nano, Format format) {
  if (nano == 0) return "0";
  bool neg = nano < 0;
  i128 mag = neg ? -nano : nano;
  std::string sign = neg ? "-" : "";
  if (format == Format::kBinarySI) {
    if (mag < static_cast<i128>(1024) * kNanoPerUnit || mag % kNanoPerUnit != 0) {
      format = Format::kDecimalSI;
    } else {
      static constexpr std::array<std::string_view, 7> kNames = {"",   "Ki", "Mi", "Gi",
                                                                 "Ti", "Pi", "Ei"};
      i128 units = mag / kNanoPerUnit;
      size_t k = 0;
      while (k + 1 < kNames.size() && units % 1024 == 0) {
        units /= 1024;
        ++k;
      }
      return sign + ToString(units) + std::string(kNames[k]);
    }
  }
  int exp = -9;
  i128 m = mag;
  int max_exp = format == Format::kDecimalSI ? 18 : 1000;
  while (m % 1000 == 0 && exp + 3 <= max_exp) {
    m /= 1000;
    exp += 3;
  }
  if (format == Format::kDecimalExponent) {
    return sign + ToString(m) + (exp == 0 ? "" : "e" + std::to_string(exp));
  }
  static constexpr std::array<std::string_view, 10> kNames = {"n", "u", "m", "",  "k",
                                                              "M", "G", "T", "P", "E"};
  return sign + ToString(m) + std::string(kNames[(exp + 9) / 3]);
}

}  // namespace

Result<Quantity> ParseQuantity(std::string_view text) {
  if (text.empty()) return Status::BadRequest("quantities must not be empty");
  size_t i = 0;
  bool neg = false;
  if (text[i] == '+' || text[i] == '-') {
    neg = text[i] == '-';
    ++i;
  }
  i128 mantissa = 0;
  int frac_digits = 0;
  int digits = 0;
  bool seen_dot = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (seen_dot) return Malformed();
      seen_dot = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    ++digits;
    if (mantissa == 0 && c == '0') {
      if (seen_dot) ++frac_digits;
      continue;
    }
    if (!MulChecked(mantissa, 10, &mantissa)) return Status::BadRequest("quantity too large");
    mantissa += c - '0';
    if (seen_dot) ++frac_digits;
    if (frac_digits > 30) return Status::BadRequest("quantity has too many digits");
  }
  if (digits == 0) return Malformed();
  Suffix suffix;
  if (!ParseSuffix(text.substr(i), &suffix)) return Malformed();

  // nano = mantissa × 10^-frac × multiplier × 10^9, rounded up.
  i128 num = mantissa;
  i128 den = Pow(10, frac_digits);
  int ten_exp = 9;
  if (suffix.format == Format::kBinarySI) {
    if (!MulChecked(num, Pow(1024, suffix.exp), &num))
      return Status::BadRequest("quantity too large");
  } else {
    ten_exp += suffix.exp;
  }
  if (ten_exp >= 0) {
    if (ten_exp > 36 || !MulChecked(num, Pow(10, ten_exp), &num)) {
      return Status::BadRequest("quantity too large");
    }
  } else if (-ten_exp > 36) {
    num = mantissa == 0 ? 0 : 1;  // far below one nano-unit: rounds up to it
    den = 1;
  } else {
    den *= Pow(10, -ten_exp);
  }
  i128 nano = CeilDiv(num, den);
  constexpr i128 kMaxNano = static_cast<i128>(INT64_MAX) * 1000000;
  if (nano > kMaxNano) return Status::BadRequest("quantity too large");
  if (neg) nano = -nano;

  Quantity q;
  i128 mag = nano < 0 ? -nano : nano;
  i128 milli = CeilDiv(mag, 1000000);
  q.milli = static_cast<int64_t>(nano < 0 ? -milli : milli);
  q.canonical = Canonical(nano, suffix.format);
  return q;
}

}  // namespace skiff::api
