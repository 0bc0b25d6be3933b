#include "client/tls_config.h"

#include <openssl/err.h>
#include <openssl/pem.h>

namespace skiff::client {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using UniqueBio = std::unique_ptr<BIO, BioFree>;

UniqueBio MemoryBio(const std::string& text) {
  return UniqueBio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// Replaces OpenSSL's chain check for one handshake: the same check, but with the
// pinned store as the only source of trust. The outcome goes into ctx's error,
// which is what SSL_get_verify_result reports.
int VerifyAgainstPinned(X509_STORE_CTX* ctx, void* arg) {
  X509_STORE_CTX* pinned_ctx = X509_STORE_CTX_new();
  if (!pinned_ctx) return 0;
  int ok = 0;
  if (X509_STORE_CTX_init(pinned_ctx, static_cast<X509_STORE*>(arg), X509_STORE_CTX_get0_cert(ctx),
                          X509_STORE_CTX_get0_untrusted(ctx)) == 1) {
    X509_STORE_CTX_set_default(pinned_ctx, "ssl_server");
    ok = X509_verify_cert(pinned_ctx) == 1 ? 1 : 0;
    X509_STORE_CTX_set_error(ctx, ok ? X509_V_OK : X509_STORE_CTX_get_error(pinned_ctx));
  } else {
    X509_STORE_CTX_set_error(ctx, X509_V_ERR_UNSPECIFIED);
  }
  X509_STORE_CTX_free(pinned_ctx);
  return ok;
}

}  // namespace

std::string TakeOpenSslError() {
  unsigned long err = ERR_get_error();
  ERR_clear_error();
  if (err == 0) return "";
  char buf[256];
  ERR_error_string_n(err, buf, sizeof buf);
  return buf;
}

Result<std::unique_ptr<PinnedCaStore>> PinnedCaStore::FromPem(const std::string& pem) {
  X509_STORE* store = X509_STORE_new();
  if (!store) return Status::Internal("X509_STORE_new failed");
  auto pinned = std::unique_ptr<PinnedCaStore>(new PinnedCaStore(store));
  UniqueBio bio = MemoryBio(pem);
  int added = 0;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store, cert);
    X509_free(cert);
    ++added;
  }
  ERR_clear_error();  // the loop ends on "no start line"
  if (added == 0) return Status(Code::kInvalid, "certificate authority: no PEM certificate found");
  return pinned;
}

PinnedCaStore::~PinnedCaStore() { X509_STORE_free(store_); }

void PinnedCaStore::PinTo(SSL_CTX* ctx) { SSL_CTX_set_cert_verify_callback(ctx, VerifyAgainstPinned, store_); }

Result<std::unique_ptr<ClientIdentity>> ClientIdentity::FromPem(const std::string& cert_pem,
                                                                const std::string& key_pem) {
  UniqueBio cert_bio = MemoryBio(cert_pem);
  X509* cert = PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr);
  if (!cert) return Status(Code::kInvalid, "client certificate: not a PEM certificate: " + TakeOpenSslError());
  UniqueBio key_bio = MemoryBio(key_pem);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr);
  if (!key) {
    X509_free(cert);
    return Status(Code::kInvalid, "client key: not a PEM private key: " + TakeOpenSslError());
  }
  if (X509_check_private_key(cert, key) != 1) {
    X509_free(cert);
    EVP_PKEY_free(key);
    ERR_clear_error();
    return Status(Code::kInvalid, "client key does not match the client certificate");
  }
  return std::unique_ptr<ClientIdentity>(new ClientIdentity(cert, key));
}

ClientIdentity::~ClientIdentity() {
  X509_free(cert_);
  EVP_PKEY_free(key_);
}

}  // namespace skiff::client
