// RawHttpsClient: the leanest keep-alive HTTP/1.1-over-TLS client the load
// generator can use, so that its own CPU leaves the server as much of the
// shared 2 cores as possible.
//
// One request is one TLS record (request line, headers and body written with
// one SSL_write); the response is read into one buffer and only its status code
// and Content-Length are looked at. It trusts only the kubeconfig's CA (chain
// verified; the host name is not checked: the bench connects to the server it
// started) and sends the kubeconfig's bearer token. Responses must carry
// Content-Length (the API server's do, except watches). Not thread-safe: one
// per thread. Errors are Status values naming the step.
#pragma once

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "client/kubeconfig.h"

namespace skiff::bench {

class RawHttpsClient {
 public:
  ~RawHttpsClient() {
    if (ssl_) SSL_free(ssl_);
    if (ctx_) SSL_CTX_free(ctx_);
    if (fd_ >= 0) close(fd_);
  }

  static Result<std::unique_ptr<RawHttpsClient>> Connect(const client::Kubeconfig& kc) {
    auto c = std::unique_ptr<RawHttpsClient>(new RawHttpsClient());
    SKIFF_RETURN_IF_ERROR(c->Open(kc));
    return c;
  }

  // Sends one request and reads its response; returns the HTTP status code.
  Result<int> Request(std::string_view method, std::string_view path, std::string_view body = {}) {
    std::string req;
    req.reserve(256 + body.size());
    req.append(method).append(" ").append(path).append(" HTTP/1.1\r\nHost: ").append(host_);
    req.append("\r\nAuthorization: Bearer ").append(token_);
    if (!body.empty()) {
      req.append("\r\nContent-Type: application/json\r\nContent-Length: ").append(std::to_string(body.size()));
    }
    req.append("\r\n\r\n").append(body);
    if (SSL_write(ssl_, req.data(), static_cast<int>(req.size())) <= 0) return Status::Unavailable("SSL_write failed");
    return ReadResponse();
  }

 private:
  RawHttpsClient() = default;

  Status Open(const client::Kubeconfig& kc) {
    std::string_view server = kc.server;
    if (server.rfind("https://", 0) != 0) return Status::BadRequest("raw client: server must be https://: " + kc.server);
    host_ = std::string(server.substr(8));
    size_t colon = host_.rfind(':');
    if (colon == std::string::npos) return Status::BadRequest("raw client: server needs a port: " + kc.server);
    token_ = kc.token;
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (!ctx_) return Status::Internal("SSL_CTX_new failed");
    BIO* bio = BIO_new_mem_buf(kc.ca_pem.data(), static_cast<int>(kc.ca_pem.size()));
    X509* ca = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (!ca) return Status::BadRequest("raw client: the kubeconfig's CA is not PEM");
    X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx_), ca);
    X509_free(ca);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    addrinfo hints{}, *found = nullptr;
    hints.ai_socktype = SOCK_STREAM;
    std::string host = host_.substr(0, colon), port = host_.substr(colon + 1);
    if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 || !found) {
      return Status::Unavailable("raw client: cannot resolve " + host_);
    }
    fd_ = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int rc = fd_ < 0 ? -1 : connect(fd_, found->ai_addr, found->ai_addrlen);
    freeaddrinfo(found);
    if (rc != 0) return Status::FromErrno(errno, "raw client: connect " + host_);
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    if (SSL_connect(ssl_) != 1) return Status::Unavailable("raw client: TLS handshake with " + host_ + " failed");
    return Status::Ok();
  }

  // Reads until the headers and Content-Length bytes of body are in.
  Result<int> ReadResponse() {
    buf_.clear();
    size_t header_end = std::string::npos;
    size_t need = 0;
    char chunk[16384];
    while (true) {
      int n = SSL_read(ssl_, chunk, sizeof(chunk));
      if (n <= 0) return Status::Unavailable("raw client: connection closed while reading a response");
      buf_.append(chunk, static_cast<size_t>(n));
      if (header_end == std::string::npos) {
        header_end = buf_.find("\r\n\r\n");
        if (header_end == std::string::npos) continue;
        size_t cl = buf_.find("Content-Length: ");
        if (cl == std::string::npos || cl > header_end) {
          return Status::Internal("raw client: a response without Content-Length");
        }
        need = header_end + 4 + std::strtoull(buf_.c_str() + cl + 16, nullptr, 10);
      }
      if (buf_.size() >= need) break;
    }
    if (buf_.size() < 12) return Status::Internal("raw client: a short status line");
    return std::atoi(buf_.c_str() + 9);  // "HTTP/1.1 201 Created"
  }

  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  std::string host_, token_, buf_;
};

inline Status Warm(RawHttpsClient& c) {
  Result<int> code = c.Request("GET", "/readyz");
  if (!code.ok()) return code.status();
  return *code == 200 ? Status::Ok() : Status::Unavailable("/readyz answered " + std::to_string(*code));
}

}  // namespace skiff::bench
