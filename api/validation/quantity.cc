#include "api/validation/quantity.h"

#include <cmath>

#include "api/quantity.h"

namespace skiff::api::validation {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::optional<long double> SuffixMultiplier(std::string_view s) {
  if (s.empty()) return 1.0L;
  if (s.size() == 2 && s[1] == 'i') {
    switch (s[0]) {
      case 'K':
        return std::ldexp(1.0L, 10);
      case 'M':
        return std::ldexp(1.0L, 20);
      case 'G':
        return std::ldexp(1.0L, 30);
      case 'T':
        return std::ldexp(1.0L, 40);
      case 'P':
        return std::ldexp(1.0L, 50);
      case 'E':
        return std::ldexp(1.0L, 60);
      default:
        return std::nullopt;
    }
  }
  if (s.size() == 1) {
    switch (s[0]) {
      case 'n':
        return 1e-9L;
      case 'u':
        return 1e-6L;
      case 'm':
        return 1e-3L;
      case 'k':
        return 1e3L;
      case 'M':
        return 1e6L;
      case 'G':
        return 1e9L;
      case 'T':
        return 1e12L;
      case 'P':
        return 1e15L;
      case 'E':
        return 1e18L;
      default:
        return std::nullopt;
    }
  }
  // Exponent: e<int> or E<int>, the int optionally signed.
  if (s[0] == 'e' || s[0] == 'E') {
    std::string_view exp = s.substr(1);
    bool negative = false;
    if (!exp.empty() && (exp[0] == '+' || exp[0] == '-')) {
      negative = exp[0] == '-';
      exp.remove_prefix(1);
    }
    if (exp.empty() || exp.size() > 4) return std::nullopt;
    int e = 0;
    for (char c : exp) {
      if (!IsDigit(c)) return std::nullopt;
      e = e * 10 + (c - '0');
    }
    return std::pow(10.0L, negative ? -e : e);
  }
  return std::nullopt;
}

}  // namespace

std::optional<long double> ParseQuantityValue(std::string_view text) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  size_t i = 0;
  long double value = 0;
  bool digits = false;
  while (i < s.size() && IsDigit(s[i])) {
    value = value * 10 + (s[i] - '0');
    digits = true;
    ++i;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    long double scale = 0.1L;
    while (i < s.size() && IsDigit(s[i])) {
      value += (s[i] - '0') * scale;
      scale /= 10;
      digits = true;
      ++i;
    }
  }
  if (!digits) return std::nullopt;
  std::optional<long double> mult = SuffixMultiplier(s.substr(i));
  if (!mult) return std::nullopt;
  value *= *mult;
  return negative ? -value : value;
}

std::optional<long double> QuantityValue(const nlohmann::json& value) {
  if (value.is_string()) return ParseQuantityValue(value.get_ref<const std::string&>());
  if (value.is_number()) return value.get<long double>();
  return std::nullopt;
}

std::string QuantityText(const nlohmann::json& value) {
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  // Upstream prints quantities in canonical form ("0.5" as "500m").
  auto canonical = ::skiff::api::ParseQuantity(text);
  return canonical.ok() ? canonical->canonical : text;
}

}  // namespace skiff::api::validation
