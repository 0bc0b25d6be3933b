// ConnectionStream: cpp-httplib's Stream over one Connection for one request,
// on a worker thread.
//
// Reads serve the bytes the reactor already buffered (the request head) first,
// then read the socket, waiting at most read_timeout for each step and never
// past read_deadline in all, so a client trickling its body one byte at a time
// is cut off at the deadline. At most read_budget bytes are handed to the
// parser in all, however the body is framed (Content-Length, chunked, or
// neither); past it a read fails and body_too_large() says why, so the server
// answers 413 and closes the connection. Writes wait at most write_timeout for
// the client to take each piece.
//
// After a failed read the response can still be written (a 413 or 408); after
// a failed write nothing more is. Either makes failed() true: the connection
// must then be closed, not reused. Unread bytes (a pipelined next request) go back to the
// connection with ReturnUnread.
//
// Not thread-safe (httplib uses a stream from one thread).
#pragma once

#include <httplib.h>

#include <chrono>
#include <string>

#include "apiserver/connection.h"
#include "base/clock.h"

namespace skiff::apiserver {

struct StreamLimits {
  std::chrono::milliseconds read_timeout{5000};
  std::chrono::milliseconds write_timeout{5000};
  std::chrono::steady_clock::time_point read_deadline =
      std::chrono::steady_clock::time_point::max();
  size_t read_budget = SIZE_MAX;
};

class ConnectionStream : public httplib::Stream {
 public:
  ConnectionStream(Connection& conn, const Clock& clock, StreamLimits limits);

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    conn_.PeerIpAndPort(ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    conn_.LocalIpAndPort(ip, port);
  }
  // -1, on purpose: cpp-httplib (built without CPPHTTPLIB_USE_POLL) answers 500
  // to any request whose socket() is at or past FD_SETSIZE (1024), because its
  // own streams wait with select(). This stream waits with poll() and needs no
  // such limit, and nothing else in the server path uses the descriptor.
  socket_t socket() const override { return -1; }

  bool failed() const { return read_failed_ || write_failed_; }
  bool body_too_large() const { return too_large_; }
  void ReturnUnread();

 private:
  // Waits for what the connection asked for, at most timeout (and never past
  // the read deadline when reading). False on timeout or error.
  bool Wait(IoWait wait, std::chrono::milliseconds timeout, bool reading) const;
  bool Fill();

  Connection& conn_;
  const Clock& clock_;
  const StreamLimits limits_;
  std::string buf_;
  size_t off_ = 0;
  size_t handed_ = 0;          // bytes given to the parser
  bool read_failed_ = false;   // the rest of the request cannot be read
  bool write_failed_ = false;  // the client stopped taking the response
  bool too_large_ = false;
};

}  // namespace skiff::apiserver
