// ConnectionServer: cpp-httplib's request handling (parsing, routing, responses,
// chunked and streamed bodies) under our own connection handling.
//
// cpp-httplib serves each connection start to end on one pool thread: the TLS
// handshake, the wait for each request and the reading of its head all hold a
// thread, with only per-read timeouts, and its keep-alive wait polls every idle
// socket every few milliseconds. Here a ConnectionReactor owns every connection
// between requests (limits, handshake and head deadlines, idle keep-alive at no
// cost) and a worker from an ElasticTaskQueue serves one request at a time
// through httplib's process_request, over a ConnectionStream that bounds the
// time and the bytes the request may take; an authenticated client's next
// request that follows within keep_serving_window is served on the same
// worker. A watch keeps its worker for its life, as before.
//
// Routes are installed with httplib's usual methods before Serve. Handlers may
// call the static functions below for the request their thread is serving.
// Listen, then Serve (blocks until Stop); Stop is safe from any thread and ends
// streamed responses (httplib's content providers see the server shutting down).
#pragma once

#include <httplib.h>
#include <openssl/ssl.h>

#include <chrono>
#include <memory>
#include <string>

#include "apiserver/connection_reactor.h"
#include "apiserver/elastic_task_queue.h"
#include "base/clock.h"
#include "base/status.h"

namespace skiff::apiserver {

struct ConnectionServerOptions {
  ReactorOptions reactor;
  size_t min_threads = 8;
  size_t max_threads = 16384;  // concurrent requests, each watch included
  // Bytes of body a request may send, however framed. The stream stops reading
  // at twice this plus kBodyFramingAllowance (chunked framing takes room too);
  // handlers check the decoded body against the exact limit.
  size_t max_body_bytes = 3 << 20;
  std::chrono::milliseconds read_timeout{5000};   // each read of a body
  std::chrono::milliseconds body_timeout{60000};  // a whole request, head to end of body
  std::chrono::milliseconds write_timeout{5000};  // each write of a response
  std::chrono::seconds keep_alive_header{120};    // what the Keep-Alive header announces
  // How long a worker waits for the next request on an authenticated
  // connection before it hands the connection back to the reactor. A waiting
  // worker costs a sleeping thread, no CPU.
  std::chrono::milliseconds keep_serving_window{20};
};

class ConnectionServer : public httplib::Server {
 public:
  static constexpr size_t kBodyFramingAllowance = 64 * 1024;

  // ssl_ctx: nullptr for plain HTTP; taken over (freed with the server).
  ConnectionServer(ConnectionServerOptions options, const Clock& clock, SSL_CTX* ssl_ctx);
  ~ConnectionServer() override;

  Status Listen(const std::string& host, int port);
  int port() const { return reactor_.port(); }
  void Serve();
  void Stop();
  const ConnectionLimits& limits() const { return reactor_.limits(); }

  // For the request this thread is serving (no-ops elsewhere):
  // it authenticated, so its connection stops counting as unauthenticated;
  static void MarkAuthenticated();
  // close the connection after the response (its body was not read);
  static void CloseAfterResponse();
  // whether reading its body stopped at the byte budget.
  static bool BodyTooLarge();

 private:
  void ServeRequest(std::unique_ptr<Connection> conn);
  // Serves the request buffered on conn; false when conn must be closed.
  bool ServeOne(Connection& conn);
  // Waits up to keep_serving_window for conn's next request head; false when
  // it did not come whole (what came stays buffered for the reactor).
  bool AwaitNextHead(Connection& conn);

  const ConnectionServerOptions options_;
  const Clock& clock_;
  SSL_CTX* const ssl_ctx_;
  ElasticTaskQueue workers_;
  ConnectionReactor reactor_;
  std::atomic<bool> stopped_{false};
};

}  // namespace skiff::apiserver
