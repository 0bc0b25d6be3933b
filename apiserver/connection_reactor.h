// ConnectionReactor: the API server's listening socket and every connection
// that is not in the middle of a request, served by one epoll thread.
//
// A connection costs no thread until it has sent a whole request head:
//   accept ── limits ──▶ TLS handshake ──▶ request head ──▶ ready (a worker serves it)
//                (refused)   (handshake_timeout)  (head_timeout)        │
//        idle keep-alive (idle_timeout) ◀── Park ◀─────────────────────┘
// Each step is non-blocking and has a deadline, so a client that connects and
// says nothing, or sends its ClientHello or its headers a byte at a time, is
// closed when its deadline passes, and thousands of idle connections cost only
// their sockets and a few KB each (no thread, no polling). Until one of its
// requests authenticates, a connection holds a ConnectionLimits ticket; a new
// connection past the total or per-address limit is closed at once (with a
// reset). A head larger than max_head_bytes is answered 431 and closed.
// Connections that authenticated idle up to idle_timeout between requests;
// others only up to head_timeout.
//
// Run blocks until Stop and then closes the listener and every parked
// connection; Stop and Park are safe from any thread (Park after Stop just
// closes the connection). The `ready` callback runs on the reactor thread and
// must not block: it hands the connection to a worker, which serves the
// request and Parks the connection again (or drops it to close it).
#pragma once

#include <openssl/ssl.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "apiserver/connection.h"
#include "apiserver/connection_limits.h"
#include "base/clock.h"
#include "base/status.h"
#include "base/unique_fd.h"

namespace skiff::apiserver {

struct ReactorOptions {
  size_t max_unauthenticated = 8192;                  // connections not yet authenticated, in total
  size_t max_unauthenticated_per_address = 512;       // … from one IPv4 address or IPv6 /64
  std::chrono::milliseconds handshake_timeout{5000};  // accept → TLS handshake done
  std::chrono::milliseconds head_timeout{10000};  // first byte (or handshake) → whole request head
  std::chrono::milliseconds idle_timeout{120000};  // between requests, once authenticated
  size_t max_head_bytes = 64 * 1024;               // request line and headers
  // Called on the reactor thread once it has closed at least kQuietAfterCloses
  // connections and then had nothing to do (at most once a second). The server
  // hands the memory those connections used back to the allocator here: this
  // thread allocated and freed it, and an allocator's per-thread cache would
  // otherwise keep it while the thread sleeps. May be empty.
  std::function<void()> on_quiet;
  // Called on the reactor thread when Run starts (to tune its allocator). May be empty.
  std::function<void()> on_start;
};

class ConnectionReactor {
 public:
  static constexpr size_t kQuietAfterCloses = 64;
  using ReadyFn = std::function<void(std::unique_ptr<Connection>)>;

  // ssl_ctx: nullptr for plain HTTP; must outlive the reactor.
  ConnectionReactor(ReactorOptions options, const Clock& clock, SSL_CTX* ssl_ctx, ReadyFn ready);
  ~ConnectionReactor();
  ConnectionReactor(const ConnectionReactor&) = delete;
  ConnectionReactor& operator=(const ConnectionReactor&) = delete;

  // Binds and listens on host:port (0: any free port). Unavailable with the
  // address and errno when it cannot.
  Status Listen(const std::string& host, int port);
  int port() const { return port_; }
  int listen_fd() const { return listener_.get(); }

  void Run();
  void Stop();
  // Takes conn back after a request, to wait for its next one.
  void Park(std::unique_ptr<Connection> conn);

  const ConnectionLimits& limits() const { return limits_; }

 private:
  enum class Phase { kHandshake, kHead, kIdle };
  struct Parked {
    std::unique_ptr<Connection> conn;
    Phase phase = Phase::kHead;
    std::chrono::steady_clock::time_point deadline;
    uint32_t events = 0;
    size_t scanned = 0;  // buffered bytes already searched for the head's end
  };

  void AcceptAll();
  void Admit(UniqueFd fd, const sockaddr_storage& peer);
  void Add(std::unique_ptr<Connection> conn, Phase phase);
  void Step(uint64_t id);
  // Reads what the client sent; true when the connection left the reactor.
  bool ReadHead(uint64_t id, Parked& p);
  void SetDeadline(uint64_t id, Parked& p, std::chrono::milliseconds after);
  void Watch(uint64_t id, Parked& p, IoWait wait);
  void Dispatch(uint64_t id);
  void Drop(uint64_t id, bool aborted);
  void TakeParked();
  void ExpireDeadlines();
  int NextTimeoutMs() const;
  void MaybeQuiet(int events);

  const ReactorOptions options_;
  const Clock& clock_;
  SSL_CTX* const ssl_ctx_;
  const ReadyFn ready_;
  ConnectionLimits limits_;
  UniqueFd listener_;
  UniqueFd epoll_;
  UniqueFd wake_;     // eventfd: Park and Stop
  UniqueFd reserve_;  // closed to accept-and-refuse when the fd limit is reached
  int port_ = 0;
  size_t closed_since_quiet_ = 0;
  std::chrono::steady_clock::time_point last_quiet_{};
  uint64_t next_id_ = 2;  // 0: the listener, 1: wake_
  std::unordered_map<uint64_t, Parked> parked_;
  std::set<std::pair<std::chrono::steady_clock::time_point, uint64_t>> deadlines_;

  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> returned_;  // guarded by mu_
  bool closed_ = false;                                // guarded by mu_
};

}  // namespace skiff::apiserver
