#include "apiserver/object_meta_stamp.h"

#include <cstdio>
#include <random>

namespace skiff::apiserver {
namespace {

std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return rng;
}

}  // namespace

std::string NewUid() {
  uint64_t hi = Rng()();
  uint64_t lo = Rng()();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                 // version 4
  lo = (lo & ~(0xC0ULL << 56)) | (0x80ULL << 56);     // variant 10
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

std::string GenerateName(std::string_view prefix) {
  static constexpr std::string_view kAlphabet = "bcdfghjklmnpqrstvwxz2456789";
  constexpr size_t kMaxPrefix = 63 - 5;  // names stay valid DNS labels
  std::string name(prefix.substr(0, kMaxPrefix));
  std::uniform_int_distribution<size_t> pick(0, kAlphabet.size() - 1);
  for (int i = 0; i < 5; ++i) name += kAlphabet[pick(Rng())];
  return name;
}

}  // namespace skiff::apiserver
