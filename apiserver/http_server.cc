#include "apiserver/http_server.h"

#include <httplib.h>
#include <openssl/ssl.h>

#include <chrono>
#include <exception>
#include <stdexcept>
#include <map>

#include "api/openapi.h"
#include "apiserver/discovery.h"
#include "apiserver/http_util.h"

namespace skiff::apiserver {

using nlohmann::json;

ApiServer::ApiServer(ObjectStore& objects, ServerOptions options)
    : options_(std::move(options)), resources_(objects, stopping_, metrics_) {}

ApiServer::~ApiServer() { Stop(); }

Status ApiServer::CreateServer() {
  ConnectionServerOptions conn_opts;
  conn_opts.reactor = options_.connections;
  conn_opts.max_threads = options_.max_threads;
  conn_opts.max_body_bytes = options_.max_body_bytes;
  if (options_.cert_file.empty()) {
    http_ = std::make_unique<ConnectionServer>(conn_opts, RealClockInstance(), nullptr);
    return Status::Ok();
  }
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) return Status::Unavailable("TLS setup failed");
  auto fail = [ctx](const std::string& error) {
    SSL_CTX_free(ctx);
    return Status::Unavailable(error);
  };
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
  // Idle connections give their TLS read and write buffers back (about 34 KB each).
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  // No session cache on the server: it would keep an entry for every handshake
  // anyone completes (up to 20,480), memory an unauthenticated client decides
  // on. Stateless session tickets need no cache; Kubernetes clients seldom
  // resume anyway (kubectl is a new process each time).
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (SSL_CTX_use_certificate_chain_file(ctx, options_.cert_file.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, options_.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return fail("load serving certificate " + options_.cert_file);
  }
  if (!options_.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, options_.client_ca_file.c_str(), nullptr) != 1) {
      return fail("load client CA " + options_.client_ca_file);
    }
    // Ask for a client certificate but do not require one: tokens are credentials too.
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(options_.client_ca_file.c_str());
    if (names) SSL_CTX_set_client_CA_list(ctx, names);
  }
  http_ = std::make_unique<ConnectionServer>(conn_opts, RealClockInstance(), ctx);
  return Status::Ok();
}

Status ApiServer::Start() {
  SKIFF_RETURN_IF_ERROR(CreateServer());
  InstallRoutes();
  SKIFF_RETURN_IF_ERROR(http_->Listen(options_.host, options_.port));
  port_ = http_->port();
  return Status::Ok();
}

void ApiServer::Serve() {
  if (http_) http_->Serve();
}

void ApiServer::Stop() {
  stopping_ = true;
  if (http_) http_->Stop();
}

namespace {
// Each request is served start to end on one pool thread, so its start time and
// what its path asks for (parsed once, in the pre-routing hook) can live in
// thread-locals until the logger has used them.
thread_local std::chrono::steady_clock::time_point request_started;
thread_local RequestInfo request_info;

Status BodyTooLarge(size_t limit) {
  return Status(Code::kTooLarge, "Request entity too large: limit is " + std::to_string(limit));
}

bool IsWatch(const httplib::Request& req) {
  std::string watch = req.get_param_value("watch");
  return watch == "true" || watch == "1";
}
}  // namespace

void ApiServer::InstallRoutes() {
  http_->set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - request_started).count();
    const RequestInfo& info = request_info;
    std::string resource =
        info.is_resource ? info.resource + (info.subresource.empty() ? "" : "/" + info.subresource)
                         : "";
    std::string verb = info.is_resource ? info.verb : req.method;
    metrics_.ObserveRequest(verb, resource, res.status, seconds);
  });
  http_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    request_started = std::chrono::steady_clock::now();
    request_info = ParseRequestInfo(req.method, req.path, IsWatch(req));
    // A response sent here leaves the body unread: the connection cannot be reused.
    auto refuse = [&res](const Status& status) {
      SendStatus(res, status);
      res.set_header("Connection", "close");
      ConnectionServer::CloseAfterResponse();
      return httplib::Server::HandlerResponse::Handled;
    };
    if (!options_.authenticator) {
      ConnectionServer::MarkAuthenticated();
    } else if (req.path != "/healthz" && req.path != "/livez" && req.path != "/readyz" &&
               req.path != "/version") {
      Result<UserInfo> user =
          options_.authenticator->Authenticate(req.get_header_value("Authorization"), req.ssl);
      if (!user.ok()) return refuse(user.status());
      ConnectionServer::MarkAuthenticated();
    }
    // cpp-httplib would inflate a compressed body with no bound on what it
    // inflates to; Kubernetes clients never compress what they send.
    std::string encoding = req.get_header_value("Content-Encoding");
    if (!encoding.empty() && encoding != "identity") {
      return refuse(Status(Code::kUnsupportedMediaType,
                           "Content-Encoding " + encoding + " is not supported"));
    }
    // Ambiguous framing is how a request is smuggled inside another: refuse it
    // before any body is read, and close the connection.
    if (Status framing = CheckBodyFraming(req); !framing.ok()) return refuse(framing);
    // Nothing may run as someone it is not. Discovery, OpenAPI, /version and
    // /metrics answer the same to every user, so there the header changes
    // nothing and only earns a warning: kubectl's discovery must get through
    // for `kubectl --as` to print the refusal of the request itself.
    if (Status impersonation = RefuseImpersonation(req); !impersonation.ok()) {
      if (request_info.is_resource) return refuse(impersonation);
      AddWarnings(res, {impersonation.message() + "; ignored: this path answers every user alike"});
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // A throwing handler on any route (resource routes catch their own) gets a
  // Status 500 that says nothing internal, never cpp-httplib's EXCEPTION_WHAT header.
  http_->set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr thrown) {
        try {
          std::rethrow_exception(thrown);
        } catch (const std::exception& e) {
          SendInternalError(res, e, req);
        } catch (...) {
          SendInternalError(res, std::runtime_error("unknown exception"), req);
        }
      });
  // A body cut at the stream's byte budget fails as a 400 (or 413 when its
  // Content-Length was too large) with no body; answer as kube-apiserver does.
  http_->set_error_handler(
      httplib::Server::HandlerWithResponse([this](const httplib::Request& req, httplib::Response& res) {
        if (!ConnectionServer::BodyTooLarge() && !(res.status == 413 && res.body.empty())) {
          // A 400 on a request with a body may be a body whose framing broke
          // (a bad chunk size) with the rest still unread: never read what
          // follows as the next request.
          if (res.status == 400 &&
              (req.has_header("Transfer-Encoding") || req.has_header("Content-Length"))) {
            res.set_header("Connection", "close");
            ConnectionServer::CloseAfterResponse();
          }
          return httplib::Server::HandlerResponse::Unhandled;
        }
        SendStatus(res, BodyTooLarge(options_.max_body_bytes));
        res.set_header("Connection", "close");
        ConnectionServer::CloseAfterResponse();
        return httplib::Server::HandlerResponse::Handled;
      }));
  auto ok_text = [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok", "text/plain");
  };
  http_->Get("/healthz", ok_text);
  http_->Get("/livez", ok_text);
  http_->Get("/readyz", ok_text);
  http_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    std::string text = metrics_.Render();
    text +=
        "# HELP skiff_unauthenticated_connections Open connections none of whose requests has "
        "authenticated yet.\n"
        "# TYPE skiff_unauthenticated_connections gauge\nskiff_unauthenticated_connections " +
        std::to_string(http_->limits().total()) + "\n";
    if (options_.store_metrics) text += options_.store_metrics();
    res.set_content(text, "text/plain; version=0.0.4");
  });
  http_->Get("/version", [](const httplib::Request&, httplib::Response& res) {
    SendJson(res, 200,
             {{"major", "1"},
              {"minor", "32"},
              {"gitVersion", "v1.32.0-skiff"},
              {"gitCommit", ""},
              {"gitTreeState", "clean"},
              {"buildDate", ""},
              {"goVersion", ""},
              {"compiler", "gcc"},
              {"platform", "linux/amd64"}});
  });

  auto discovery_root = [](bool core) {
    return [core](const httplib::Request& req, httplib::Response& res) {
      std::string version = AggregatedDiscoveryVersion(req.get_header_value("Accept"));
      if (version.empty())
        return SendJson(res, 200, core ? LegacyApiVersions() : LegacyApiGroupList());
      res.status = 200;
      res.set_content(AggregatedDiscovery(core, version).dump(),
                      AggregatedContentType(version).c_str());
    };
  };
  http_->Get("/api", discovery_root(true));
  http_->Get("/apis", discovery_root(false));
  auto send_or_404 = [](httplib::Response& res, const json& doc) {
    if (doc.is_null()) return SendStatus(res, ResourceNotFound());
    SendJson(res, 200, doc);
  };
  http_->Get(R"(/api/(v1)/?)", [send_or_404](const httplib::Request& req, httplib::Response& res) {
    send_or_404(res, LegacyResourceList("", req.matches[1].str()));
  });
  http_->Get(R"(/apis/([^/]+)/([^/]+)/?)",
             [send_or_404](const httplib::Request& req, httplib::Response& res) {
               send_or_404(res, LegacyResourceList(req.matches[1].str(), req.matches[2].str()));
             });
  http_->Get(R"(/apis/([^/]+)/?)",
             [send_or_404](const httplib::Request& req, httplib::Response& res) {
               send_or_404(res, LegacyApiGroup(req.matches[1].str()));
             });

  // OpenAPI v3: an index of group-versions, then one document each, generated once.
  http_->Get("/openapi/v3", [](const httplib::Request&, httplib::Response& res) {
    json paths = json::object();
    for (const std::string& gv : api::OpenApiV3GroupVersionPaths()) {
      paths[gv] = {{"serverRelativeURL", "/openapi/v3/" + gv}};
    }
    SendJson(res, 200, {{"paths", paths}});
  });
  http_->Get(R"(/openapi/v3/(api/v1|apis/([^/]+)/([^/]+)))",
             [](const httplib::Request& req, httplib::Response& res) {
               static const std::map<std::string, std::string> documents = [] {
                 std::map<std::string, std::string> docs;
                 for (const std::string& gv : api::OpenApiV3GroupVersionPaths()) {
                   size_t slash = gv.rfind('/');
                   std::string version = gv.substr(slash + 1);
                   std::string group = gv.rfind("apis/", 0) == 0 ? gv.substr(5, slash - 5) : "";
                   docs[gv] = api::OpenApiV3ForGroupVersion(group, version).dump();
                 }
                 return docs;
               }();
               auto doc = documents.find(req.matches[1].str());
               if (doc == documents.end()) return SendStatus(res, ResourceNotFound());
               res.status = 200;
               res.set_content(doc->second, kJsonContentType);
             });

  auto handle = [this](const httplib::Request& req, httplib::Response& res) {
    // The stream bounds the bytes on the wire; this bounds the body they decode
    // to (chunked framing is not counted against the limit).
    if (req.body.size() > options_.max_body_bytes)
      return SendStatus(res, BodyTooLarge(options_.max_body_bytes), request_info);
    resources_.Handle(request_info, req, res);
  };
  http_->Get(R"(/apis?/.*)", handle);
  http_->Post(R"(/apis?/.*)", handle);
  http_->Put(R"(/apis?/.*)", handle);
  http_->Delete(R"(/apis?/.*)", handle);
  http_->Patch(R"(/apis?/.*)", handle);
}

}  // namespace skiff::apiserver
