// Content digests in the OCI form "sha256:<64 lowercase hex>".
//
// Sha256 hashes a stream incrementally (OpenSSL EVP). IsValidDigest and
// ParseDigest check the text form; only sha256 is accepted, which is what every
// registry and OCI layout uses today. Not thread-safe per object.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace skiff::images {

inline constexpr std::string_view kSha256Prefix = "sha256:";

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(const void* data, size_t size);
  void Update(std::string_view data) { Update(data.data(), data.size()); }
  // "sha256:<hex>" of everything given so far; the object is spent afterwards.
  std::string Finish();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

// "sha256:<hex>" of data.
std::string DigestOf(std::string_view data);

// True for "sha256:" followed by exactly 64 lowercase hex digits.
bool IsValidDigest(std::string_view digest);

// The 64 hex digits of a valid digest; Invalid (naming the text) otherwise.
Result<std::string> DigestHex(std::string_view digest);

}  // namespace skiff::images
