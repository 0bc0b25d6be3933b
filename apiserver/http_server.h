// ApiServer: the Kubernetes REST surface over HTTP.
//
// Serves /healthz, /livez, /readyz, /version and the resource paths of every kind
// in api/kinds.h (create, get, list, watch, update, delete) through ObjectStore.
// Errors are metav1.Status bodies; warnings go out as `Warning: 299 - "..."`
// headers. Connections are handled by a ConnectionServer (connection_server.h):
// an epoll reactor holds them between requests, with deadlines for the TLS
// handshake and each request head and limits on connections that have not
// authenticated, and each request (each watch for its whole life) is served on
// a thread of an elastic pool, so thousands of concurrent watches fit. Every
// request body is bounded by max_body_bytes however it is framed (413
// RequestEntityTooLarge past it); compressed request bodies are refused (415).
//
// Every request except /healthz, /livez, /readyz and /version must carry a
// credential the Authenticator accepts (401 Unauthorized otherwise).
//
// Start binds and returns once the socket is listening (or the bind error);
// Serve blocks until Stop. Stop is safe from any thread and from signal-driven
// shutdown code (it closes the listener and ends every watch).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "apiserver/authn.h"
#include "apiserver/connection_server.h"
#include "apiserver/metrics.h"
#include "apiserver/object_store.h"
#include "apiserver/resource_handlers.h"
#include "base/status.h"

namespace skiff::apiserver {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 6443;                  // 0 = pick a free port (see port())
  size_t max_threads = 16384;       // one per request in flight (each watch holds one)
  size_t max_body_bytes = 3 << 20;  // 3 MiB, as kube-apiserver's request limit
  // Connection limits and deadlines (see connection_reactor.h for the defaults).
  ReactorOptions connections;
  // HTTPS when cert_file is set: serving certificate and key; client certificates
  // signed by client_ca_file are accepted as credentials.
  std::string cert_file, key_file, client_ca_file;
  // nullptr: no authentication (in-process tests only).
  const Authenticator* authenticator = nullptr;
  // Extra Prometheus text appended to /metrics (the store's figures); may be empty.
  std::function<std::string()> store_metrics;
};

class ApiServer {
 public:
  ApiServer(ObjectStore& objects, ServerOptions options);
  ~ApiServer();

  Status Start();
  void Serve();
  void Stop();
  int port() const { return port_; }

 private:
  Status CreateServer();
  void InstallRoutes();

  ServerOptions options_;
  std::atomic<bool> stopping_{false};
  ApiMetrics metrics_;
  ResourceHandlers resources_;
  std::unique_ptr<ConnectionServer> http_;
  int port_ = 0;
};

}  // namespace skiff::apiserver
