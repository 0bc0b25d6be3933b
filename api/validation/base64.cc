#include "api/validation/base64.h"

namespace skiff::api::validation {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

Base64Result Fail(size_t at) {
  return {std::nullopt, "illegal base64 data at input byte " + std::to_string(at)};
}

}  // namespace

Base64Result DecodeBase64(std::string_view text) {
  // Positions refer to the input without line breaks, as Go reports them.
  std::string s;
  s.reserve(text.size());
  for (char c : text) {
    if (c != '\r' && c != '\n') s += c;
  }
  std::string out;
  out.reserve(s.size() / 4 * 3);
  size_t i = 0;
  while (i < s.size()) {
    int quad[4];
    size_t n = 0;
    size_t pad = 0;
    for (; n < 4; ++n) {
      if (i + n >= s.size()) {
        // Input ends mid-quantum: Go reports the position of the last quantum.
        return Fail(n == 1 ? i : i + n);
      }
      char c = s[i + n];
      if (c == '=') {
        if (n < 2) return Fail(i + n);
        pad = 4 - n;
        for (size_t k = n; k < 4; ++k) {
          if (i + k >= s.size() || s[i + k] != '=')
            return Fail(i + k < s.size() ? i + k : s.size());
        }
        if (i + 4 != s.size()) return Fail(i + 4);
        break;
      }
      quad[n] = Value(c);
      if (quad[n] < 0) return Fail(i + n);
    }
    size_t data = 4 - pad;
    unsigned v = 0;
    for (size_t k = 0; k < 4; ++k) v = (v << 6) | (k < data ? static_cast<unsigned>(quad[k]) : 0u);
    out += static_cast<char>((v >> 16) & 0xff);
    if (data > 2) out += static_cast<char>((v >> 8) & 0xff);
    if (data > 3) out += static_cast<char>(v & 0xff);
    i += 4;
  }
  return {out, ""};
}

std::string EncodeBase64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace skiff::api::validation
