#include "apiserver/connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>

#include <cerrno>

namespace skiff::apiserver {

namespace {
void IpAndPort(const sockaddr_storage& addr, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(addr);
    inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
    port = ntohs(v4.sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(addr);
    inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
    port = ntohs(v6.sin6_port);
  }
  ip = text;
}

// What an SSL call that returned ret waits for.
IoWait TlsWait(SSL* ssl, int ret) {
  switch (SSL_get_error(ssl, ret)) {
    case SSL_ERROR_WANT_READ:
      return IoWait::kReadable;
    case SSL_ERROR_WANT_WRITE:
      return IoWait::kWritable;
    default:
      ERR_clear_error();
      return IoWait::kClosed;
  }
}

IoWait SocketWait(IoWait would_block) {
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return would_block;
  return IoWait::kClosed;
}
}  // namespace

Connection::Connection(UniqueFd fd, SSL* ssl, const sockaddr_storage& peer,
                       ConnectionLimits::Ticket ticket)
    : fd_(std::move(fd)),
      ssl_(ssl),
      peer_(peer),
      ticket_(std::move(ticket)),
      handshaken_(ssl == nullptr) {}

Connection::~Connection() {
  if (ssl_) {
    // close_notify is one small record; a full socket buffer just loses it.
    if (handshaken_ && !aborted_) SSL_shutdown(ssl_);
    SSL_free(ssl_);
    ERR_clear_error();
  }
  if (fd_.valid()) ::shutdown(fd_.get(), SHUT_RDWR);
}

IoWait Connection::Handshake() {
  if (handshaken_) return IoWait::kNone;
  int ret = SSL_accept(ssl_);
  if (ret == 1) {
    handshaken_ = true;
    return IoWait::kNone;
  }
  return TlsWait(ssl_, ret);
}

IoResult Connection::Read(char* buf, size_t size) {
  if (ssl_) {
    size_t got = 0;
    int ret = SSL_read_ex(ssl_, buf, size, &got);
    if (ret == 1) return {static_cast<ssize_t>(got), IoWait::kNone};
    return {0, TlsWait(ssl_, ret)};
  }
  ssize_t n = ::recv(fd_.get(), buf, size, 0);
  if (n > 0) return {n, IoWait::kNone};
  if (n == 0) return {0, IoWait::kClosed};
  return {0, SocketWait(IoWait::kReadable)};
}

IoResult Connection::Write(const char* buf, size_t size) {
  if (ssl_) {
    size_t put = 0;
    int ret = SSL_write_ex(ssl_, buf, size, &put);
    if (ret == 1) return {static_cast<ssize_t>(put), IoWait::kNone};
    return {0, TlsWait(ssl_, ret)};
  }
  ssize_t n = ::send(fd_.get(), buf, size, MSG_NOSIGNAL);
  if (n >= 0) return {n, n > 0 ? IoWait::kNone : IoWait::kWritable};
  return {0, SocketWait(IoWait::kWritable)};
}

bool Connection::HasPendingTls() const { return ssl_ && SSL_pending(ssl_) > 0; }

void Connection::PeerIpAndPort(std::string& ip, int& port) const { IpAndPort(peer_, ip, port); }

void Connection::LocalIpAndPort(std::string& ip, int& port) const {
  sockaddr_storage local{};
  socklen_t len = sizeof local;
  if (getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&local), &len) == 0)
    IpAndPort(local, ip, port);
}

}  // namespace skiff::apiserver
