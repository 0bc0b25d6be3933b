// Connection: one accepted client connection of the API server, plain TCP or
// TLS, over a non-blocking socket.
//
// It carries what is known about the client between requests: its address, the
// TLS session, bytes read but not yet parsed (the next request's head), whether
// any of its requests has authenticated, and the ConnectionLimits ticket it holds
// until then. I/O never blocks: each call says how far it got and what it waits
// for (readable or writable), so the reactor can park it in epoll and a worker
// thread can wait on it with a deadline.
//
// Not thread-safe: one owner at a time (the reactor while it is parked, a worker
// while a request is served). Destruction closes the socket (after a
// best-effort TLS close_notify when the connection ended cleanly) and returns
// the ticket.
#pragma once

#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <cstdint>
#include <string>

#include "apiserver/connection_limits.h"
#include "base/unique_fd.h"

namespace skiff::apiserver {

// The outcome of one non-blocking step.
enum class IoWait { kNone, kReadable, kWritable, kClosed };
struct IoResult {
  ssize_t bytes = 0;            // > 0: bytes moved
  IoWait wait = IoWait::kNone;  // bytes == 0: what to wait for; kClosed: EOF or error
};

class Connection {
 public:
  // fd: accepted, non-blocking. ssl: nullptr for plain HTTP; owned from here on.
  Connection(UniqueFd fd, SSL* ssl, const sockaddr_storage& peer, ConnectionLimits::Ticket ticket);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // One step of the TLS handshake: kNone when it is complete (at once for plain
  // HTTP), kReadable/kWritable to wait, kClosed when it failed.
  IoWait Handshake();
  bool handshaken() const { return handshaken_; }

  IoResult Read(char* buf, size_t size);
  IoResult Write(const char* buf, size_t size);
  // Decrypted bytes OpenSSL holds that the socket will not signal.
  bool HasPendingTls() const;

  int fd() const { return fd_.get(); }
  SSL* ssl() const { return ssl_; }
  const sockaddr_storage& peer() const { return peer_; }
  void PeerIpAndPort(std::string& ip, int& port) const;
  void LocalIpAndPort(std::string& ip, int& port) const;

  // A request on this connection authenticated: it no longer counts against the
  // limits for unauthenticated connections, and may idle as long as any client.
  void MarkAuthenticated() {
    authenticated_ = true;
    ticket_.Release();
  }
  bool authenticated() const { return authenticated_; }
  // Close without TLS close_notify (the peer misbehaved or timed out).
  void MarkAborted() { aborted_ = true; }

  // Bytes read from the client not yet consumed by a request.
  std::string& buffered() { return buffered_; }
  uint64_t id = 0;  // the reactor's key for it

 private:
  UniqueFd fd_;
  SSL* ssl_;
  sockaddr_storage peer_;
  ConnectionLimits::Ticket ticket_;
  bool handshaken_ = false;
  bool authenticated_ = false;
  bool aborted_ = false;
  std::string buffered_;
};

}  // namespace skiff::apiserver
