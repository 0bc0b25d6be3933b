#include "apiserver/connection_server.h"

#include <poll.h>

#include <limits>

#include "apiserver/connection_stream.h"

namespace skiff::apiserver {

namespace {
// The request this thread is serving; requests never move between threads.
struct CurrentRequest {
  Connection* conn = nullptr;
  ConnectionStream* stream = nullptr;
  bool close_after = false;
};
thread_local CurrentRequest current;
}  // namespace

ConnectionServer::ConnectionServer(ConnectionServerOptions options, const Clock& clock,
                                   SSL_CTX* ssl_ctx)
    : options_(options),
      clock_(clock),
      ssl_ctx_(ssl_ctx),
      workers_(options.min_threads, options.max_threads),
      reactor_(options.reactor, clock, ssl_ctx, [this](std::unique_ptr<Connection> conn) {
        // std::function must be copyable; the job owns the connection from here.
        Connection* raw = conn.release();
        workers_.enqueue([this, raw] { ServeRequest(std::unique_ptr<Connection>(raw)); });
      }) {
  set_keep_alive_max_count(std::numeric_limits<int>::max());
  set_keep_alive_timeout(options.keep_alive_header.count());
  set_payload_max_length(options.max_body_bytes);
}

ConnectionServer::~ConnectionServer() {
  Stop();
  workers_.shutdown();
  if (ssl_ctx_) SSL_CTX_free(ssl_ctx_);
}

Status ConnectionServer::Listen(const std::string& host, int port) {
  SKIFF_RETURN_IF_ERROR(reactor_.Listen(host, port));
  // httplib's streamed responses stop when svr_sock_ is invalid (its "server
  // is shutting down"); it holds our listener while we serve.
  svr_sock_ = reactor_.listen_fd();
  return Status::Ok();
}

void ConnectionServer::Serve() {
  if (!stopped_) reactor_.Run();
  svr_sock_ = INVALID_SOCKET;
  workers_.shutdown();  // waits for requests in flight (watches end on Stop)
}

void ConnectionServer::Stop() {
  stopped_ = true;
  svr_sock_ = INVALID_SOCKET;
  reactor_.Stop();
}

void ConnectionServer::ServeRequest(std::unique_ptr<Connection> conn) {
  // An authenticated client usually sends its next request at once (a
  // controller's burst, a load generator): serve it on this thread rather than
  // hand the connection to the reactor and back.
  while (ServeOne(*conn)) {
    if (!conn->authenticated() || !AwaitNextHead(*conn)) return reactor_.Park(std::move(conn));
  }
}

bool ConnectionServer::ServeOne(Connection& conn) {
  StreamLimits limits;
  limits.read_timeout = options_.read_timeout;
  limits.write_timeout = options_.write_timeout;
  limits.read_deadline = clock_.Monotonic() + options_.body_timeout;
  limits.read_budget = conn.buffered().size() + 2 * options_.max_body_bytes + kBodyFramingAllowance;
  ConnectionStream stream(conn, clock_, limits);
  current = {&conn, &stream, false};
  bool closed = false;
  SSL* ssl = conn.ssl();
  bool ok = process_request(stream, false, closed, [ssl](httplib::Request& req) { req.ssl = ssl; });
  bool close_after = current.close_after;
  current = {};
  if (!ok || closed || close_after || stream.failed() || stopped_) {
    if (!ok || stream.failed()) conn.MarkAborted();
    return false;  // the caller's drop closes the connection
  }
  stream.ReturnUnread();
  return true;
}

bool ConnectionServer::AwaitNextHead(Connection& conn) {
  std::string& buffered = conn.buffered();
  const auto until = clock_.Monotonic() + options_.keep_serving_window;
  char chunk[16 * 1024];
  while (buffered.find("\r\n\r\n") == std::string::npos) {
    if (buffered.size() >= options_.reactor.max_head_bytes || stopped_) return false;
    IoResult r = conn.Read(chunk, sizeof chunk);
    if (r.bytes > 0) {
      buffered.append(chunk, static_cast<size_t>(r.bytes));
      continue;
    }
    if (r.wait == IoWait::kClosed) return false;  // the reactor sees it closed too
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - clock_.Monotonic());
    if (left.count() <= 0) return false;
    pollfd pfd{conn.fd(), static_cast<short>(r.wait == IoWait::kWritable ? POLLOUT : POLLIN), 0};
    if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) return false;
  }
  return true;
}

void ConnectionServer::MarkAuthenticated() {
  if (current.conn) current.conn->MarkAuthenticated();
}

void ConnectionServer::CloseAfterResponse() { current.close_after = true; }

bool ConnectionServer::BodyTooLarge() { return current.stream && current.stream->body_too_large(); }

}  // namespace skiff::apiserver
