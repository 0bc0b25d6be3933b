// The OpenSSL side of a RestClient: PEM text from a kubeconfig turned into the
// objects an SSL_CTX takes, and a verifier that trusts only the pinned CAs.
//
// PinnedCaStore owns an X509_STORE of the kubeconfig's certificate authorities.
// PinTo(ctx) makes every handshake on ctx verify the server's chain against
// that store alone, whatever else (system roots) ctx's own store holds; the
// store must outlive ctx's connections. ClientIdentity owns a parsed client
// certificate and key. Both fail with Invalid naming what could not be parsed.
// Thread-compatible.
#pragma once

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "base/status.h"

namespace skiff::client {

class PinnedCaStore {
 public:
  static Result<std::unique_ptr<PinnedCaStore>> FromPem(const std::string& pem);
  ~PinnedCaStore();
  PinnedCaStore(const PinnedCaStore&) = delete;
  PinnedCaStore& operator=(const PinnedCaStore&) = delete;

  void PinTo(SSL_CTX* ctx);

 private:
  explicit PinnedCaStore(X509_STORE* store) : store_(store) {}
  X509_STORE* store_;
};

class ClientIdentity {
 public:
  static Result<std::unique_ptr<ClientIdentity>> FromPem(const std::string& cert_pem, const std::string& key_pem);
  ~ClientIdentity();
  ClientIdentity(const ClientIdentity&) = delete;
  ClientIdentity& operator=(const ClientIdentity&) = delete;

  X509* cert() const { return cert_; }
  EVP_PKEY* key() const { return key_; }

 private:
  ClientIdentity(X509* cert, EVP_PKEY* key) : cert_(cert), key_(key) {}
  X509* cert_;
  EVP_PKEY* key_;
};

// The last OpenSSL error as text ("" when the queue is empty); clears the queue.
std::string TakeOpenSslError();

}  // namespace skiff::client
