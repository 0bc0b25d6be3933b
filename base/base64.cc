#include "base/base64.h"

#include <array>

namespace skiff {
namespace {

constexpr std::string_view kStd = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::array<int, 256> ReverseTable(std::string_view alphabet) {
  std::array<int, 256> table;
  table.fill(-1);
  for (size_t i = 0; i < alphabet.size(); ++i) table[static_cast<unsigned char>(alphabet[i])] = static_cast<int>(i);
  return table;
}

Base64Decoded Fail(size_t at) { return {std::nullopt, at}; }

}  // namespace

std::string Base64Decoded::Error() const { return "illegal base64 data at input byte " + std::to_string(bad_byte); }

std::string Base64Encode(std::string_view data, bool url_safe) {
  std::string_view alphabet = url_safe ? kUrl : kStd;
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    uint32_t v = (uint8_t(data[i]) << 16) | (uint8_t(data[i + 1]) << 8) | uint8_t(data[i + 2]);
    out += alphabet[v >> 18];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  size_t rest = data.size() - i;
  if (rest > 0) {
    uint32_t v = uint8_t(data[i]) << 16;
    if (rest == 2) v |= uint8_t(data[i + 1]) << 8;
    out += alphabet[v >> 18];
    out += alphabet[(v >> 12) & 63];
    out += rest == 2 ? alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Base64Decoded Base64DecodeDetailed(std::string_view text, bool url_safe) {
  static const std::array<int, 256> kStdRev = ReverseTable(kStd);
  static const std::array<int, 256> kUrlRev = ReverseTable(kUrl);
  const std::array<int, 256>& rev = url_safe ? kUrlRev : kStdRev;
  std::string s;  // offsets are counted without line breaks, as Go counts them
  s.reserve(text.size());
  for (char c : text) {
    if (c != '\r' && c != '\n') s += c;
  }
  std::string out;
  out.reserve(s.size() / 4 * 3);
  for (size_t i = 0; i < s.size(); i += 4) {
    uint32_t v = 0;
    size_t data = 4;
    for (size_t n = 0; n < 4; ++n) {
      if (i + n >= s.size()) return Fail(n == 1 ? i : i + n);  // input ends mid-quantum
      char c = s[i + n];
      if (c == '=') {
        if (n < 2) return Fail(i + n);
        for (size_t k = n; k < 4; ++k) {
          if (i + k >= s.size() || s[i + k] != '=') return Fail(i + k < s.size() ? i + k : s.size());
        }
        if (i + 4 != s.size()) return Fail(i + 4);
        data = n;
        v <<= 6 * (4 - n);
        break;
      }
      int d = rev[static_cast<unsigned char>(c)];
      if (d < 0) return Fail(i + n);
      v = (v << 6) | static_cast<uint32_t>(d);
    }
    out += static_cast<char>(v >> 16);
    if (data > 2) out += static_cast<char>((v >> 8) & 0xFF);
    if (data > 3) out += static_cast<char>(v & 0xFF);
  }
  return {std::move(out), 0};
}

std::optional<std::string> Base64Decode(std::string_view text, bool url_safe) {
  return Base64DecodeDetailed(text, url_safe).data;
}

}  // namespace skiff
