#include "apiserver/connection_reactor.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace skiff::apiserver {

namespace {
constexpr uint64_t kListenerId = 0;
constexpr uint64_t kWakeId = 1;
constexpr int kMaxEvents = 256;
constexpr int kAcceptBatch = 256;  // accepts per wakeup, so parked clients are not starved
constexpr size_t kReadChunk = 16 * 1024;
constexpr int kMaxWaitMs = 1000;
constexpr char kHeadTooLarge[] =
    "HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: "
    "0\r\n\r\n";

// Refused connections are reset rather than closed: no TIME_WAIT is kept for them.
void CloseWithReset(int fd) {
  linger lin{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lin, sizeof lin);
  ::close(fd);
}

// Where the head that buffered holds ends (just past its blank line), or npos.
// from: bytes already searched.
size_t HeadEnd(const std::string& buffered, size_t from) {
  size_t start = from < 3 ? 0 : from - 3;
  size_t at = buffered.find("\r\n\r\n", start);
  return at == std::string::npos ? at : at + 4;
}
}  // namespace

ConnectionReactor::ConnectionReactor(ReactorOptions options, const Clock& clock, SSL_CTX* ssl_ctx,
                                     ReadyFn ready)
    : options_(options),
      clock_(clock),
      ssl_ctx_(ssl_ctx),
      ready_(std::move(ready)),
      limits_(options.max_unauthenticated, options.max_unauthenticated_per_address) {}

ConnectionReactor::~ConnectionReactor() {
  Stop();
  parked_.clear();
  returned_.clear();
}

Status ConnectionReactor::Listen(const std::string& host, int port) {
  std::string where = host + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  if (int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found);
      rc != 0) {
    return Status::Unavailable("cannot listen on " + where + ": " + gai_strerror(rc));
  }
  int err = 0;
  for (addrinfo* ai = found; ai && !listener_.valid(); ai = ai->ai_next) {
    UniqueFd fd(
        ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol));
    if (!fd.valid()) {
      err = errno;
      continue;
    }
    int one = 1;
    setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    // The system's maximum backlog: a burst of connects (a thousand watchers, a
    // load generator) must not lose SYNs and wait a second for each retry.
    if (::bind(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd.get(), SOMAXCONN) != 0) {
      err = errno;
      continue;
    }
    listener_ = std::move(fd);
  }
  freeaddrinfo(found);
  if (!listener_.valid()) return Status::FromErrno(err, "cannot listen on " + where);
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&bound), &len);
  port_ = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6&>(bound).sin6_port)
                                      : ntohs(reinterpret_cast<sockaddr_in&>(bound).sin_port);

  epoll_.Reset(epoll_create1(EPOLL_CLOEXEC));
  wake_.Reset(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  reserve_.Reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!epoll_.valid() || !wake_.valid()) return Status::FromErrno(errno, "epoll for " + where);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kListenerId;
  epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, listener_.get(), &ev);
  ev.data.u64 = kWakeId;
  epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, wake_.get(), &ev);
  return Status::Ok();
}

void ConnectionReactor::Run() {
  if (options_.on_start) options_.on_start();
  epoll_event events[kMaxEvents];
  while (!stopping_) {
    int n = epoll_wait(epoll_.get(), events, kMaxEvents, NextTimeoutMs());
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < n; ++i) {
      uint64_t id = events[i].data.u64;
      if (id == kListenerId) {
        AcceptAll();
      } else if (id == kWakeId) {
        uint64_t count;
        while (::read(wake_.get(), &count, sizeof count) > 0) {
        }
        TakeParked();
      } else if (parked_.count(id)) {
        Step(id);
      }
    }
    ExpireDeadlines();
    MaybeQuiet(n);
  }
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    returned_.clear();
  }
  parked_.clear();
  deadlines_.clear();
  listener_.Reset();
}

void ConnectionReactor::Stop() {
  stopping_ = true;
  if (wake_.valid()) {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_.get(), &one, sizeof one);
  }
}

void ConnectionReactor::Park(std::unique_ptr<Connection> conn) {
  {
    std::lock_guard lock(mu_);
    if (closed_ || stopping_) return;  // conn closes as it goes out of scope
    returned_.push_back(std::move(conn));
  }
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_.get(), &one, sizeof one);
}

void ConnectionReactor::AcceptAll() {
  for (int i = 0; i < kAcceptBatch; ++i) {
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    int fd = accept4(listener_.get(), reinterpret_cast<sockaddr*>(&peer), &len,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      Admit(UniqueFd(fd), peer);
      continue;
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if ((errno == EMFILE || errno == ENFILE) && reserve_.valid()) {
      // Out of descriptors: the pending connection would wake epoll forever.
      // Free the spare one, take the connection and reset it.
      reserve_.Reset();
      int refused = accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC);
      if (refused >= 0) CloseWithReset(refused);
      reserve_.Reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
      continue;
    }
    return;  // EAGAIN, or an error the next wakeup retries
  }
}

void ConnectionReactor::Admit(UniqueFd fd, const sockaddr_storage& peer) {
  std::optional<ConnectionLimits::Ticket> ticket = limits_.TryAdmit(peer);
  if (!ticket) {
    CloseWithReset(fd.Release());
    return;
  }
  int one = 1;
  setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  SSL* ssl = nullptr;
  if (ssl_ctx_) {
    ssl = SSL_new(ssl_ctx_);
    if (!ssl || SSL_set_fd(ssl, fd.get()) != 1) {
      SSL_free(ssl);
      return;
    }
  }
  auto conn = std::make_unique<Connection>(std::move(fd), ssl, peer, std::move(*ticket));
  Add(std::move(conn), ssl ? Phase::kHandshake : Phase::kHead);
}

void ConnectionReactor::Add(std::unique_ptr<Connection> conn, Phase phase) {
  uint64_t id = next_id_++;
  conn->id = id;
  int fd = conn->fd();
  Parked& p = parked_[id];
  p.conn = std::move(conn);
  p.phase = phase;
  p.events = EPOLLIN;
  epoll_event ev{};
  ev.events = p.events;
  ev.data.u64 = id;
  if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) {
    parked_.erase(id);
    return;
  }
  switch (phase) {
    case Phase::kHandshake:
      SetDeadline(id, p, options_.handshake_timeout);
      break;
    case Phase::kHead:
      SetDeadline(id, p, options_.head_timeout);
      break;
    case Phase::kIdle:
      SetDeadline(id, p, p.conn->authenticated() ? options_.idle_timeout : options_.head_timeout);
      break;
  }
}

void ConnectionReactor::SetDeadline(uint64_t id, Parked& p, std::chrono::milliseconds after) {
  deadlines_.erase({p.deadline, id});
  p.deadline = clock_.Monotonic() + after;
  deadlines_.insert({p.deadline, id});
}

void ConnectionReactor::Watch(uint64_t id, Parked& p, IoWait wait) {
  uint32_t events = wait == IoWait::kWritable ? EPOLLOUT : EPOLLIN;
  if (events == p.events) return;
  p.events = events;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = id;
  epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, p.conn->fd(), &ev);
}

void ConnectionReactor::Step(uint64_t id) {
  Parked& p = parked_.at(id);
  if (p.phase == Phase::kHandshake) {
    IoWait wait = p.conn->Handshake();
    if (wait == IoWait::kClosed) return Drop(id, true);
    if (wait != IoWait::kNone) return Watch(id, p, wait);
    p.phase = Phase::kHead;  // the first request is due within head_timeout
    SetDeadline(id, p, options_.head_timeout);
  }
  ReadHead(id, p);
}

bool ConnectionReactor::ReadHead(uint64_t id, Parked& p) {
  std::string& buffered = p.conn->buffered();
  char chunk[kReadChunk];
  while (true) {
    size_t end = HeadEnd(buffered, p.scanned);
    if (end != std::string::npos) {
      Dispatch(id);
      return true;
    }
    p.scanned = buffered.size();
    if (buffered.size() >= options_.max_head_bytes) {
      p.conn->Write(kHeadTooLarge, sizeof kHeadTooLarge - 1);  // best effort
      Drop(id, true);
      return true;
    }
    IoResult r =
        p.conn->Read(chunk, std::min(sizeof chunk, options_.max_head_bytes - buffered.size()));
    if (r.bytes > 0) {
      if (p.phase == Phase::kIdle) {
        p.phase = Phase::kHead;
        SetDeadline(id, p, options_.head_timeout);
      }
      buffered.append(chunk, static_cast<size_t>(r.bytes));
      continue;
    }
    if (r.wait == IoWait::kClosed) {
      Drop(id, true);
      return true;
    }
    Watch(id, p, r.wait);
    return false;
  }
}

void ConnectionReactor::Dispatch(uint64_t id) {
  auto it = parked_.find(id);
  epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, it->second.conn->fd(), nullptr);
  deadlines_.erase({it->second.deadline, id});
  std::unique_ptr<Connection> conn = std::move(it->second.conn);
  parked_.erase(it);
  ready_(std::move(conn));
}

void ConnectionReactor::Drop(uint64_t id, bool aborted) {
  auto it = parked_.find(id);
  if (it == parked_.end()) return;
  epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, it->second.conn->fd(), nullptr);
  deadlines_.erase({it->second.deadline, id});
  if (aborted) it->second.conn->MarkAborted();
  parked_.erase(it);
  ++closed_since_quiet_;
}

void ConnectionReactor::MaybeQuiet(int events) {
  if (events > 0 || closed_since_quiet_ < kQuietAfterCloses || !options_.on_quiet) return;
  auto now = clock_.Monotonic();
  if (now - last_quiet_ < std::chrono::seconds(1)) return;
  last_quiet_ = now;
  closed_since_quiet_ = 0;
  options_.on_quiet();
}

void ConnectionReactor::TakeParked() {
  std::vector<std::unique_ptr<Connection>> taken;
  {
    std::lock_guard lock(mu_);
    taken.swap(returned_);
  }
  for (auto& conn : taken) {
    Phase phase = conn->buffered().empty() ? Phase::kIdle : Phase::kHead;
    uint64_t before = next_id_;
    Add(std::move(conn), phase);
    // A pipelined request may be buffered already, and TLS may hold decrypted
    // bytes epoll cannot see: look now rather than wait for the socket.
    if (parked_.count(before)) ReadHead(before, parked_.at(before));
  }
}

void ConnectionReactor::ExpireDeadlines() {
  auto now = clock_.Monotonic();
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    uint64_t id = deadlines_.begin()->second;
    deadlines_.erase(deadlines_.begin());
    auto it = parked_.find(id);
    if (it == parked_.end()) continue;
    bool idle = it->second.phase == Phase::kIdle;
    it->second.deadline = {};
    Drop(id, !idle);
  }
}

int ConnectionReactor::NextTimeoutMs() const {
  if (deadlines_.empty()) return kMaxWaitMs;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadlines_.begin()->first -
                                                                    clock_.Monotonic());
  // Round up: waking a millisecond early would spin until the deadline.
  return static_cast<int>(std::clamp<int64_t>(left.count() + 1, 0, kMaxWaitMs));
}

}  // namespace skiff::apiserver
