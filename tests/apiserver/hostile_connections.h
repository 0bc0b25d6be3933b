// Connections a hostile client opens against a test server: plain TCP from a
// chosen loopback source address, TLS handshakes without verification, a raw
// look at whether the server has closed a connection, and a look at a
// process's memory. For tests of the API server's connection handling.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <stdexcept>
#include <string>

#include "base/unique_fd.h"
#include "tests/apiserver/server_process.h"

namespace skiff::testing {

// Raises this process's open-file limit to its hard limit; returns the limit.
inline rlim_t RaiseFdLimit() {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  return limit.rlim_cur;
}

// A blocking TCP connection from source_ip (any 127.x.y.z works on Linux
// loopback) to 127.0.0.1:port. Throws when the connect fails.
inline UniqueFd ConnectFrom(const std::string& source_ip, int port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) throw std::runtime_error("socket: " + std::to_string(errno));
  sockaddr_in src{};
  src.sin_family = AF_INET;
  inet_pton(AF_INET, source_ip.c_str(), &src.sin_addr);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&src), sizeof src) != 0) {
    throw std::runtime_error("bind " + source_ip + ": " + std::to_string(errno));
  }
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&dst), sizeof dst) != 0) {
    throw std::runtime_error("connect from " + source_ip + ": " + std::to_string(errno));
  }
  int one = 1;
  setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Whether the peer has closed fd (EOF or reset). Reads and discards whatever
// arrived, so use it only on connections whose incoming bytes do not matter.
inline bool ClosedByPeer(int fd) {
  char buf[4096];
  while (true) {
    ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) continue;
    if (n == 0) return true;
    return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
  }
}

// A TLS client context that trusts anything (the test only attacks the server).
class TlsClientContext {
 public:
  TlsClientContext() : ctx_(SSL_CTX_new(TLS_client_method())) {
    if (!ctx_) throw std::runtime_error("SSL_CTX_new");
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
  }
  ~TlsClientContext() { SSL_CTX_free(ctx_); }
  TlsClientContext(const TlsClientContext&) = delete;
  TlsClientContext& operator=(const TlsClientContext&) = delete;

  // Completes a blocking handshake on fd; the SSL (caller frees) or nullptr.
  SSL* Handshake(int fd) const {
    SSL* ssl = SSL_new(ctx_);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) != 1) {
      ERR_clear_error();
      SSL_free(ssl);
      return nullptr;
    }
    return ssl;
  }

 private:
  SSL_CTX* ctx_;
};

// VmRSS of pid in KiB (0 when unreadable).
inline long RssKib(pid_t pid) { return std::max(0L, ProcStatusKib(pid, "VmRSS")); }

// Threads of pid (0 when unreadable).
inline long ThreadCount(pid_t pid) { return std::max(0L, ProcStatusKib(pid, "Threads")); }

}  // namespace skiff::testing
