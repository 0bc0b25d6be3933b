// RestClient: one keep-alive connection to a Kubernetes API server, speaking its
// REST conventions over HTTPS (or plain HTTP when the kubeconfig says http://).
//
// Built from a resolved Kubeconfig: the server's certificate is checked against
// the kubeconfig's certificate authorities only (pinned; the system roots are not
// consulted unless the kubeconfig names no authority), or not at all with
// insecure-skip-tls-verify; the client authenticates with the bearer token or
// the client certificate. TCP_NODELAY is on (without it, request/response turns
// stall on Nagle against delayed ACKs). The connection is opened on the first
// request and reused; a broken one is reopened on the next request.
//
// Every call returns a Result: a 2xx answer is a Response; any other answer is
// a Status whose code comes from the metav1.Status body's reason (NotFound,
// AlreadyExists, Conflict, Gone/Expired, Invalid, ...; the field causes of
// Invalid and Conflict kept) or, without such a body, from the HTTP code, and
// whose message is the server's, prefixed by method and path; a transport failure (refused connection, TLS verification, timeout) is
// Unavailable naming the server.
//
// The process should ignore SIGPIPE (signal(SIGPIPE, SIG_IGN)), as daemons and
// CLIs do: a write to a connection the server has just closed raises it, and
// the library does not change signal dispositions behind the program's back.
//
// Thread-compatible: one RestClient per thread. Calls on one client must not
// overlap (Cancel excepted); separate clients share nothing. A GET that fails
// in transport on a reused connection is retried once on a new one (GET is safe
// to repeat; other verbs are not retried).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "client/kubeconfig.h"

namespace skiff::client {

struct Response {
  int status = 0;
  std::string body;
  std::multimap<std::string, std::string> headers;  // as received (names as sent)

  // The first value of header `name` (case-insensitive), or "".
  std::string Header(std::string_view name) const;
};

struct RestOptions {
  std::chrono::seconds timeout{30};        // connect, read and write timeout of one request
  std::string user_agent = "skiff-client";  // sent as User-Agent
  // A kept-alive connection idle for longer than this is closed and reopened
  // before the next request rather than reused: servers close idle connections
  // (cpp-httplib after 5 s by default), and a request written into a connection
  // the server is closing fails. Below every common server's idle timeout.
  std::chrono::milliseconds max_idle{2000};
  // Ask for gzip'd bodies (Accept-Encoding: gzip), as client-go and kubectl do;
  // bodies are inflated before they reach the caller.
  bool gzip = true;
};

class RestClient {
 public:
  // Invalid when the kubeconfig's server URL, CA or client certificate cannot be used.
  static Result<std::unique_ptr<RestClient>> New(const Kubeconfig& config, RestOptions options = {});
  ~RestClient();
  RestClient(const RestClient&) = delete;
  RestClient& operator=(const RestClient&) = delete;

  // `path` is the request path and query, e.g. "/api/v1/namespaces/default/pods?limit=10".
  // `accept`, when not empty, replaces the Accept header (application/json),
  // e.g. "application/json;as=Table;v=v1;g=meta.k8s.io" for server-side tables.
  Result<Response> Get(const std::string& path, const std::string& accept = "");
  Result<Response> Post(const std::string& path, const std::string& body,
                        const std::string& content_type = "application/json");
  Result<Response> Put(const std::string& path, const std::string& body,
                       const std::string& content_type = "application/json");
  // content_type picks the patch flavour: application/merge-patch+json,
  // application/strategic-merge-patch+json, application/json-patch+json or
  // application/apply-patch+yaml.
  Result<Response> Patch(const std::string& path, const std::string& body, const std::string& content_type);
  Result<Response> Delete(const std::string& path);

  // Streams a watch: GET `path` (which should carry watch=true) and calls on_line
  // with each newline-terminated line of the body as it arrives (the newline
  // stripped). Returns OK when the server ends the stream or on_line returns
  // false; the HTTP error as above when the server refuses the watch; Unavailable
  // when the connection breaks. The stream may stay silent for up to
  // `idle_timeout` before it is treated as broken. on_open, when given, is
  // called once the server has accepted the watch (a 2xx status line and
  // headers arrived), before any line.
  Status Watch(const std::string& path, const std::function<bool(std::string_view line)>& on_line,
               std::chrono::seconds idle_timeout = std::chrono::seconds(300),
               const std::function<void()>& on_open = nullptr);

  // Aborts the request or Watch in flight (it returns Unavailable, or OK for a
  // Watch) by shutting its connection down. The one method that may be called
  // from another thread; a no-op when nothing is in flight.
  void Cancel();

  const std::string& server() const { return server_; }

 private:
  struct Impl;
  RestClient(std::string server, std::unique_ptr<Impl> impl);

  std::string server_;
  std::unique_ptr<Impl> impl_;
};

// The Status an error answer stands for: from a metav1.Status body when there is
// one (its reason, message and details.causes), else from the HTTP code alone.
Status StatusFromResponse(int http_status, std::string_view body);

}  // namespace skiff::client
