#include "nodeagent/images/digest.h"

#include <openssl/evp.h>

namespace skiff::images {

struct Sha256::Ctx {
  EVP_MD_CTX* md = nullptr;
};

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) {
  ctx_->md = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx_->md, EVP_sha256(), nullptr);
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_->md); }

void Sha256::Update(const void* data, size_t size) { EVP_DigestUpdate(ctx_->md, data, size); }

std::string Sha256::Finish() {
  unsigned char raw[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_->md, raw, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(kSha256Prefix);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[raw[i] >> 4];
    out += kHex[raw[i] & 0xf];
  }
  return out;
}

std::string DigestOf(std::string_view data) {
  Sha256 hash;
  hash.Update(data);
  return hash.Finish();
}

bool IsValidDigest(std::string_view digest) {
  if (!digest.starts_with(kSha256Prefix)) return false;
  std::string_view hex = digest.substr(kSha256Prefix.size());
  if (hex.size() != 64) return false;
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<std::string> DigestHex(std::string_view digest) {
  if (!IsValidDigest(digest)) {
    return Status(Code::kInvalid, "invalid digest \"" + std::string(digest) +
                                      "\": want sha256:<64 lowercase hex digits>");
  }
  return std::string(digest.substr(kSha256Prefix.size()));
}

}  // namespace skiff::images
