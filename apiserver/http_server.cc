#include "apiserver/http_server.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>

#include "apiserver/elastic_task_queue.h"

#include <httplib.h>

#include <chrono>

#include <map>

#include "api/openapi.h"
#include "apiserver/discovery.h"
#include "apiserver/http_util.h"

namespace skiff::apiserver {

namespace {
constexpr size_t kIdleThreads = 8;         // threads an idle server keeps
constexpr time_t kKeepAliveSeconds = 120;  // an idle keep-alive connection is closed after this

// cpp-httplib listens with a backlog of 5, so a burst of connects (a thousand
// watchers, a load generator) loses SYNs and waits a second for each retry. It
// does not expose its socket; find our listening socket on port and listen on
// it again with the system's maximum backlog (Linux allows this on a listening
// socket). Returns whether one was found.
bool RaiseListenBacklog(int port) {
  bool raised = false;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    int fd = std::atoi(entry.path().filename().c_str());
    int listening = 0;
    socklen_t len = sizeof(listening);
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) continue;
    sockaddr_storage addr{};
    socklen_t addr_len = sizeof(addr);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &addr_len) != 0) continue;
    int bound = addr.ss_family == AF_INET    ? ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port)
                : addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                                             : -1;
    if (bound == port && ::listen(fd, SOMAXCONN) == 0) raised = true;
  }
  return raised;
}
}  // namespace

using nlohmann::json;

ApiServer::ApiServer(ObjectStore& objects, ServerOptions options)
    : options_(std::move(options)), resources_(objects, stopping_, metrics_) {}

ApiServer::~ApiServer() { Stop(); }

Status ApiServer::CreateListener() {
  if (options_.cert_file.empty()) {
    http_ = std::make_unique<httplib::Server>();
    return Status::Ok();
  }
  std::string error;
  auto setup = [this, &error](SSL_CTX& ctx) {
    SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    if (SSL_CTX_use_certificate_chain_file(&ctx, options_.cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(&ctx, options_.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
      error = "load serving certificate " + options_.cert_file;
      return false;
    }
    if (!options_.client_ca_file.empty()) {
      if (SSL_CTX_load_verify_locations(&ctx, options_.client_ca_file.c_str(), nullptr) != 1) {
        error = "load client CA " + options_.client_ca_file;
        return false;
      }
      // Ask for a client certificate but do not require one: tokens are credentials too.
      SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, nullptr);
      STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(options_.client_ca_file.c_str());
      if (names) SSL_CTX_set_client_CA_list(&ctx, names);
    }
    return true;
  };
  auto server = std::make_unique<httplib::SSLServer>(setup);
  if (!server->is_valid()) return Status::Unavailable(error.empty() ? "TLS setup failed" : error);
  http_ = std::move(server);
  return Status::Ok();
}

Status ApiServer::Start() {
  SKIFF_RETURN_IF_ERROR(CreateListener());
  InstallRoutes();
  size_t max_threads = options_.max_threads;
  http_->new_task_queue = [max_threads] { return new ElasticTaskQueue(kIdleThreads, max_threads); };
  http_->set_tcp_nodelay(true);
  // cpp-httplib closes a connection after 5 requests by default; a client would
  // then pay a TLS handshake every 5 requests.
  http_->set_keep_alive_max_count(std::numeric_limits<int>::max());
  http_->set_keep_alive_timeout(kKeepAliveSeconds);
  http_->set_payload_max_length(options_.max_body_bytes);
  if (options_.port == 0) {
    port_ = http_->bind_to_any_port(options_.host);
    if (port_ < 0) return Status::Unavailable("cannot listen on " + options_.host);
  } else {
    if (!http_->bind_to_port(options_.host, options_.port)) {
      return Status::Unavailable("cannot listen on " + options_.host + ":" + std::to_string(options_.port));
    }
    port_ = options_.port;
  }
  if (!RaiseListenBacklog(port_)) std::fprintf(stderr, "skiff: could not raise the listen backlog of port %d\n", port_);
  return Status::Ok();
}

void ApiServer::Serve() { http_->listen_after_bind(); }

void ApiServer::Stop() {
  stopping_ = true;
  if (http_) http_->stop();
}

namespace {
// Each request is served start to end on one pool thread, so its start time and
// what its path asks for (parsed once, in the pre-routing hook) can live in
// thread-locals until the logger has used them.
thread_local std::chrono::steady_clock::time_point request_started;
thread_local RequestInfo request_info;

bool IsWatch(const httplib::Request& req) {
  std::string watch = req.get_param_value("watch");
  return watch == "true" || watch == "1";
}
}  // namespace

void ApiServer::InstallRoutes() {
  http_->set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - request_started).count();
    const RequestInfo& info = request_info;
    std::string resource = info.is_resource ? info.resource + (info.subresource.empty() ? "" : "/" + info.subresource)
                                            : "";
    std::string verb = info.is_resource ? info.verb : req.method;
    metrics_.ObserveRequest(verb, resource, res.status, seconds);
  });
  http_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    request_started = std::chrono::steady_clock::now();
    request_info = ParseRequestInfo(req.method, req.path, IsWatch(req));
    if (!options_.authenticator || req.path == "/healthz" || req.path == "/livez" || req.path == "/readyz" ||
        req.path == "/version") {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    Result<UserInfo> user = options_.authenticator->Authenticate(req.get_header_value("Authorization"), req.ssl);
    if (user.ok()) return httplib::Server::HandlerResponse::Unhandled;
    SendStatus(res, user.status());
    return httplib::Server::HandlerResponse::Handled;
  });
  auto ok_text = [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); };
  http_->Get("/healthz", ok_text);
  http_->Get("/livez", ok_text);
  http_->Get("/readyz", ok_text);
  http_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    std::string text = metrics_.Render();
    if (options_.store_metrics) text += options_.store_metrics();
    res.set_content(text, "text/plain; version=0.0.4");
  });
  http_->Get("/version", [](const httplib::Request&, httplib::Response& res) {
    SendJson(res, 200,
             {{"major", "1"}, {"minor", "32"}, {"gitVersion", "v1.32.0-skiff"}, {"gitCommit", ""},
              {"gitTreeState", "clean"}, {"buildDate", ""}, {"goVersion", ""}, {"compiler", "gcc"},
              {"platform", "linux/amd64"}});
  });

  auto discovery_root = [](bool core) {
    return [core](const httplib::Request& req, httplib::Response& res) {
      std::string version = AggregatedDiscoveryVersion(req.get_header_value("Accept"));
      if (version.empty()) return SendJson(res, 200, core ? LegacyApiVersions() : LegacyApiGroupList());
      res.status = 200;
      res.set_content(AggregatedDiscovery(core, version).dump(), AggregatedContentType(version).c_str());
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
  http_->Get(R"(/apis/([^/]+)/([^/]+)/?)", [send_or_404](const httplib::Request& req, httplib::Response& res) {
    send_or_404(res, LegacyResourceList(req.matches[1].str(), req.matches[2].str()));
  });
  http_->Get(R"(/apis/([^/]+)/?)", [send_or_404](const httplib::Request& req, httplib::Response& res) {
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
  http_->Get(R"(/openapi/v3/(api/v1|apis/([^/]+)/([^/]+)))", [](const httplib::Request& req, httplib::Response& res) {
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
    resources_.Handle(request_info, req, res);
  };
  http_->Get(R"(/apis?/.*)", handle);
  http_->Post(R"(/apis?/.*)", handle);
  http_->Put(R"(/apis?/.*)", handle);
  http_->Delete(R"(/apis?/.*)", handle);
  http_->Patch(R"(/apis?/.*)", handle);
}

}  // namespace skiff::apiserver
