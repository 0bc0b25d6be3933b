// EtcdJsonClient: the smallest client of etcd's gRPC-gateway JSON API that a
// benchmark needs: one keep-alive HTTP/1.1 connection over TCP (IPv4, plain
// HTTP, no TLS), and Put through POST /v3/kv/put with base64 key and value.
//
// Not thread-safe: one client per thread. Every method returns a Status: the
// errno of a failed socket call (Status::FromErrno), Unavailable when etcd closes
// the connection, Internal when it answers something other than a 200 with a
// revision, BadRequest for a bad endpoint. After a failure the client is unusable.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "base/base64.h"
#include "base/status.h"

namespace skiff::bench {

class EtcdJsonClient {
 public:
  EtcdJsonClient() = default;
  ~EtcdJsonClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  EtcdJsonClient(const EtcdJsonClient&) = delete;
  EtcdJsonClient& operator=(const EtcdJsonClient&) = delete;

  // endpoint is "IPv4:port", e.g. "127.0.0.1:2379".
  Status Connect(const std::string& endpoint) {
    host_ = endpoint;
    const size_t colon = endpoint.rfind(':');
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    if (colon == std::string::npos ||
        inet_pton(AF_INET, endpoint.substr(0, colon).c_str(), &addr.sin_addr) != 1) {
      return Status::BadRequest("etcd endpoint must be IPv4:PORT, got " + endpoint);
    }
    addr.sin_port = htons(static_cast<uint16_t>(std::stoi(endpoint.substr(colon + 1))));
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return Status::FromErrno(errno, "socket");
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      return Status::FromErrno(errno, "connect to etcd at " + endpoint);
    }
    return Status::Ok();
  }

  // Puts key = value and waits for etcd's answer (after its commit).
  Status Put(const std::string& key, const std::string& value) {
    const std::string body =
        R"({"key":")" + Base64Encode(key) + R"(","value":")" + Base64Encode(value) + R"("})";
    const std::string req =
        "POST /v3/kv/put HTTP/1.1\r\nHost: " + host_ +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n\r\n" + body;
    for (size_t off = 0; off < req.size();) {
      const ssize_t n = ::send(fd_, req.data() + off, req.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return Status::FromErrno(errno, "send to etcd");
      off += static_cast<size_t>(n);
    }
    size_t head_end;
    while ((head_end = buf_.find("\r\n\r\n")) == std::string::npos) SKIFF_RETURN_IF_ERROR(Fill());
    const std::string head = buf_.substr(0, head_end);
    if (head.rfind("HTTP/1.1 200", 0) != 0) {
      return Status::Internal("etcd put: " + head.substr(0, head.find('\r')));
    }
    const size_t cl = head.find("Content-Length: ");
    if (cl == std::string::npos) return Status::Internal("etcd put: no Content-Length");
    const size_t length = std::stoul(head.substr(cl + 16));
    while (buf_.size() < head_end + 4 + length) SKIFF_RETURN_IF_ERROR(Fill());
    const bool has_revision =
        buf_.substr(head_end + 4, length).find("\"revision\"") != std::string::npos;
    buf_.erase(0, head_end + 4 + length);
    return has_revision ? Status::Ok() : Status::Internal("etcd put: answer without revision");
  }

 private:
  Status Fill() {
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n == 0) return Status::Unavailable("etcd closed the connection");
    if (n < 0) return Status::FromErrno(errno, "recv from etcd");
    buf_.append(chunk, static_cast<size_t>(n));
    return Status::Ok();
  }

  std::string host_;
  int fd_ = -1;
  std::string buf_;  // bytes received and not yet consumed
};

}  // namespace skiff::bench
