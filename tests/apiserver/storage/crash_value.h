// Self-checking values for the storage crash test (crash_test.cc) and its
// writer process (crash_writer.cc).
//
// A value is kValueBytes long and is a pure function of (key, seq): a header
// naming both, a filler generated from them, and an FNV-1a checksum of all that
// precedes it. ParseValue accepts a value only if it is byte-for-byte what
// MakeValue would produce for the key and sequence it names, so a torn write, a
// value stored under the wrong key or a mix of two writes is detected.
//
// Pure functions; thread-safe. ParseValue reports failure as nullopt plus a reason.
#pragma once

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace skiff::storage::crash {

inline constexpr size_t kValueBytes = 1536;
inline constexpr std::string_view kKeyPrefix = "/registry/crash/";
inline constexpr std::string_view kMagic = "crash1";

inline uint64_t Fnv1a(std::string_view data) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : data) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The key owned by writer thread `thread`, slot `index`.
inline std::string KeyFor(int thread, int index) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "t%03d/k%03d", thread, index);
  return std::string(kKeyPrefix) + buf;
}

inline std::string Hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016" PRIx64, v);
  return std::string(buf, 16);
}

inline std::string MakeValue(std::string_view key, uint64_t seq) {
  constexpr size_t kChecksumBytes = 1 + 16;  // '#' and 16 hex digits
  std::string v;
  v.reserve(kValueBytes);
  v.append(kMagic).append(" ").append(key).append(" ").append(std::to_string(seq)).append(" ");
  uint64_t state = Fnv1a(key) ^ (seq * 0x9e3779b97f4a7c15ULL);
  while (v.size() < kValueBytes - kChecksumBytes) {
    v.push_back(static_cast<char>('a' + SplitMix64(state) % 26));
  }
  v.push_back('#');
  v.append(Hex16(Fnv1a(v.substr(0, v.size() - 1))));
  return v;
}

struct ParsedValue {
  std::string key;
  uint64_t seq = 0;
};

// The (key, seq) a value was made from, or nullopt with *why set.
inline std::optional<ParsedValue> ParseValue(std::string_view v, std::string* why) {
  if (v.size() != kValueBytes) {
    *why = "value has " + std::to_string(v.size()) + " bytes, want " + std::to_string(kValueBytes);
    return std::nullopt;
  }
  const size_t hash_pos = kValueBytes - 17;
  if (v[hash_pos] != '#' || Hex16(Fnv1a(v.substr(0, hash_pos))) != v.substr(hash_pos + 1)) {
    *why = "checksum mismatch (torn or corrupted value)";
    return std::nullopt;
  }
  // Header: "<magic> <key> <seq> ".
  if (v.substr(0, kMagic.size() + 1) != std::string(kMagic) + " ") {
    *why = "bad magic";
    return std::nullopt;
  }
  const size_t key_start = kMagic.size() + 1;
  const size_t key_end = v.find(' ', key_start);
  const size_t seq_end = key_end == std::string_view::npos ? key_end : v.find(' ', key_end + 1);
  if (seq_end == std::string_view::npos) {
    *why = "bad header";
    return std::nullopt;
  }
  ParsedValue p;
  p.key = std::string(v.substr(key_start, key_end - key_start));
  const std::string_view seq_text = v.substr(key_end + 1, seq_end - key_end - 1);
  if (seq_text.empty() || seq_text.size() > 19) {
    *why = "bad sequence number";
    return std::nullopt;
  }
  for (char c : seq_text) {
    if (c < '0' || c > '9') {
      *why = "bad sequence number";
      return std::nullopt;
    }
    p.seq = p.seq * 10 + static_cast<uint64_t>(c - '0');
  }
  if (MakeValue(p.key, p.seq) != v) {
    *why = "value is not the one generated for its key and sequence";
    return std::nullopt;
  }
  return p;
}

}  // namespace skiff::storage::crash
