#include "apiserver/connection_limits.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace skiff::apiserver {

ConnectionLimits::Ticket& ConnectionLimits::Ticket::operator=(Ticket&& o) noexcept {
  if (this != &o) {
    Release();
    limits_ = o.limits_;
    key_ = std::move(o.key_);
    o.limits_ = nullptr;
  }
  return *this;
}

void ConnectionLimits::Ticket::Release() {
  if (limits_) limits_->Return(key_);
  limits_ = nullptr;
}

std::string ConnectionLimits::AddressKey(const sockaddr_storage& peer) {
  char text[INET6_ADDRSTRLEN] = {};
  if (peer.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(peer);
    inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
    return text;
  }
  if (peer.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(peer);
    if (IN6_IS_ADDR_V4MAPPED(&v6.sin6_addr)) {
      in_addr v4{};
      std::memcpy(&v4, v6.sin6_addr.s6_addr + 12, sizeof v4);
      inet_ntop(AF_INET, &v4, text, sizeof text);
      return text;
    }
    in6_addr prefix = v6.sin6_addr;
    std::memset(prefix.s6_addr + 8, 0, 8);
    inet_ntop(AF_INET6, &prefix, text, sizeof text);
    return std::string(text) + "/64";
  }
  return "local";
}

std::optional<ConnectionLimits::Ticket> ConnectionLimits::TryAdmit(const sockaddr_storage& peer) {
  std::string key = AddressKey(peer);
  std::lock_guard lock(mu_);
  if (total_ >= max_total_) return std::nullopt;
  auto [it, added] = per_address_.try_emplace(key, 0);
  if (it->second >= max_per_address_) {
    if (added) per_address_.erase(it);
    return std::nullopt;
  }
  size_t& count = it->second;
  ++count;
  ++total_;
  return Ticket(this, std::move(key));
}

size_t ConnectionLimits::total() const {
  std::lock_guard lock(mu_);
  return total_;
}

void ConnectionLimits::Return(const std::string& key) {
  std::lock_guard lock(mu_);
  --total_;
  auto it = per_address_.find(key);
  if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
}

}  // namespace skiff::apiserver
