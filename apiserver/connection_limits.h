// ConnectionLimits: how many connections that have not yet authenticated a
// request may be open at once, in total and per client address.
//
// A connection costs a socket and some memory from accept on, long before its
// first request says who sent it. Until one of its requests authenticates, it
// holds a Ticket here; TryAdmit refuses a new connection when its address (an
// IPv4 address, or the /64 prefix of an IPv6 one, since one host holds a whole
// /64) or the server as a whole is at its limit, so one client can neither take
// every slot nor grow the server's memory without bound. A Ticket gives its slot
// back when it is released (the connection authenticated) or destroyed (the
// connection closed).
//
// Thread-safe; a Ticket may be released on any thread. The limits must outlive
// their tickets.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace skiff::apiserver {

class ConnectionLimits {
 public:
  ConnectionLimits(size_t max_total, size_t max_per_address)
      : max_total_(max_total), max_per_address_(max_per_address) {}
  ConnectionLimits(const ConnectionLimits&) = delete;
  ConnectionLimits& operator=(const ConnectionLimits&) = delete;

  class Ticket {
   public:
    Ticket() = default;
    Ticket(Ticket&& o) noexcept : limits_(o.limits_), key_(std::move(o.key_)) {
      o.limits_ = nullptr;
    }
    Ticket& operator=(Ticket&& o) noexcept;
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket() { Release(); }
    // Gives the slot back; later calls do nothing.
    void Release();
    bool held() const { return limits_ != nullptr; }

   private:
    friend class ConnectionLimits;
    Ticket(ConnectionLimits* limits, std::string key) : limits_(limits), key_(std::move(key)) {}
    ConnectionLimits* limits_ = nullptr;
    std::string key_;
  };

  // A ticket for a connection from peer, or nullopt when peer's address or the
  // server is at its limit.
  std::optional<Ticket> TryAdmit(const sockaddr_storage& peer);
  // Unauthenticated connections open now (for metrics and tests).
  size_t total() const;

  // The key connections are counted under: "192.0.2.1", or "2001:db8:0:1::/64".
  // IPv4-mapped IPv6 addresses count as their IPv4 address.
  static std::string AddressKey(const sockaddr_storage& peer);

 private:
  void Return(const std::string& key);

  const size_t max_total_;
  const size_t max_per_address_;
  mutable std::mutex mu_;
  size_t total_ = 0;
  std::unordered_map<std::string, size_t> per_address_;
};

}  // namespace skiff::apiserver
