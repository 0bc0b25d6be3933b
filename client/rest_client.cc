#include "client/rest_client.h"

#include <httplib.h>
#include <strings.h>

#include <atomic>
#include <optional>

#include <nlohmann/json.hpp>

#include "client/tls_config.h"

namespace skiff::client {
namespace {

struct ServerUrl {
  bool https = true;
  std::string host;  // without brackets for IPv6
  int port = 443;
  std::string prefix;  // path prefix without a trailing '/', e.g. "" or "/k8s"
};

Result<ServerUrl> ParseServerUrl(const std::string& url) {
  ServerUrl out;
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    out.https = false;
    out.port = 80;
    rest = url.substr(7);
  } else {
    return Status(Code::kInvalid, "server " + url + ": want an http:// or https:// URL");
  }
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) out.prefix = rest.substr(slash);
  while (!out.prefix.empty() && out.prefix.back() == '/') out.prefix.pop_back();
  std::string port;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) return Status(Code::kInvalid, "server " + url + ": unterminated [IPv6] host");
    out.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
  } else {
    size_t colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return Status(Code::kInvalid, "server " + url + ": no host");
  if (!port.empty()) {
    char* end = nullptr;
    long p = std::strtol(port.c_str(), &end, 10);
    if (*end != '\0' || p <= 0 || p > 65535) return Status(Code::kInvalid, "server " + url + ": bad port");
    out.port = static_cast<int>(p);
  }
  return out;
}

Code CodeOfReason(std::string_view reason) {
  if (reason == "Expired") return Code::kGone;  // what a watch from a compacted revision says
  for (Code c : {Code::kNotFound, Code::kAlreadyExists, Code::kConflict, Code::kGone, Code::kInvalid,
                 Code::kBadRequest, Code::kUnauthorized, Code::kForbidden, Code::kMethodNotAllowed,
                 Code::kNotAcceptable, Code::kUnsupportedMediaType, Code::kTooLarge, Code::kTimeout,
                 Code::kUnavailable, Code::kInternal}) {
    if (ReasonOf(c) == reason) return c;
  }
  return Code::kOk;  // unknown: the caller falls back to the HTTP code
}

Code CodeOfHttp(int http_status) {
  if (http_status == 409) return Code::kConflict;
  for (Code c : {Code::kNotFound, Code::kGone, Code::kInvalid, Code::kBadRequest, Code::kUnauthorized,
                 Code::kForbidden, Code::kMethodNotAllowed, Code::kNotAcceptable, Code::kUnsupportedMediaType,
                 Code::kTooLarge, Code::kTimeout, Code::kUnavailable}) {
    if (HttpCode(c) == http_status) return c;
  }
  return Code::kInternal;
}

std::string DescribeTransportError(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection: return "cannot connect (refused or unreachable)";
    case httplib::Error::ConnectionTimeout: return "connection timed out";
    case httplib::Error::SSLConnection: return "TLS handshake failed";
    case httplib::Error::SSLServerVerification: return "server certificate not trusted";
    case httplib::Error::SSLLoadingCerts: return "cannot load the system's CA certificates";
    case httplib::Error::Read: return "connection failed while reading the response (closed or timed out)";
    case httplib::Error::Write: return "connection failed while sending the request";
    case httplib::Error::Canceled: return "canceled";
    default: return "transport error: " + httplib::to_string(error);
  }
}

std::string StringField(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

std::string Response::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  }
  return "";
}

Status StatusFromResponse(int http_status, std::string_view body) {
  nlohmann::json status = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  bool is_status = status.is_object() && StringField(status, "kind") == "Status";
  std::string message = is_status ? StringField(status, "message") : "";
  if (message.empty()) message = "the server answered HTTP " + std::to_string(http_status);
  Code code = is_status ? CodeOfReason(StringField(status, "reason")) : Code::kOk;
  if (code == Code::kOk) code = CodeOfHttp(http_status);
  if (code != Code::kInvalid && code != Code::kConflict) return Status(code, message);
  std::vector<FieldCause> causes;
  auto details = is_status ? status.find("details") : status.end();
  if (details != status.end() && details->is_object()) {
    auto list = details->find("causes");
    if (list != details->end() && list->is_array()) {
      for (const nlohmann::json& c : *list) {
        if (c.is_object()) causes.push_back({StringField(c, "field"), StringField(c, "reason"), StringField(c, "message")});
      }
    }
  }
  if (code == Code::kConflict) {
    return causes.empty() ? Status::Conflict(message) : Status::Conflict(message, std::move(causes));
  }
  return Status::Invalid(message, std::move(causes));
}

struct RestClient::Impl {
  ServerUrl url;
  RestOptions options;
  // Declared before http so that they outlive its connections.
  std::unique_ptr<PinnedCaStore> pinned;
  std::unique_ptr<ClientIdentity> identity;
  std::unique_ptr<httplib::ClientImpl> http;
  httplib::SSLClient* tls = nullptr;  // http, when it is HTTPS
  httplib::Headers headers;           // sent with every request
  std::atomic<bool> cancelled{false};  // Cancel was called during the current Watch
  std::optional<std::chrono::steady_clock::time_point> last_done;  // end of the last request, if any

  // Closes a connection that sat idle too long; true when one was kept for reuse.
  bool PrepareConnection() {
    if (!last_done) return false;
    if (std::chrono::steady_clock::now() - *last_done <= options.max_idle) return true;
    http->stop();  // nothing is in flight: closes the socket; the next request reconnects
    last_done.reset();
    return false;
  }
  // Sends one request through `send`, retrying a GET once when a reused connection failed.
  template <typename Fn>
  httplib::Result Send(bool retry_safe, Fn send) {
    bool reused = PrepareConnection();
    httplib::Result r = send();
    if (!r && reused && retry_safe &&
        (r.error() == httplib::Error::Read || r.error() == httplib::Error::Write)) {
      r = send();
    }
    if (r) {
      last_done = std::chrono::steady_clock::now();
    } else {
      last_done.reset();
    }
    return r;
  }

  std::string Target(const std::string& path) const { return url.prefix + path; }
  // A transport failure as Unavailable, with the TLS verification detail when that failed.
  Status TransportError(const std::string& server, const std::string& method, const std::string& path,
                        httplib::Error error) const {
    std::string what = DescribeTransportError(error);
    if (error == httplib::Error::SSLServerVerification && tls) {
      what += std::string(" (") + X509_verify_cert_error_string(tls->get_openssl_verify_result()) + ")";
    }
    return Status::Unavailable(method + " " + server + path + ": " + what);
  }
  Result<Response> Finish(const std::string& server, const std::string& method, const std::string& path,
                          const httplib::Result& r) const {
    if (!r) return TransportError(server, method, path, r.error());
    if (r->status < 200 || r->status > 299) {
      return StatusFromResponse(r->status, r->body).WithContext(method + " " + path);
    }
    Response out;
    out.status = r->status;
    out.body = r->body;
    out.headers.insert(r->headers.begin(), r->headers.end());
    return out;
  }
};

Result<std::unique_ptr<RestClient>> RestClient::New(const Kubeconfig& config, RestOptions options) {
  Result<ServerUrl> url = ParseServerUrl(config.server);
  if (!url.ok()) return url.status();
  auto impl = std::make_unique<Impl>();
  impl->url = *url;
  impl->options = options;
  if (!url->https) {
    impl->http = std::make_unique<httplib::ClientImpl>(url->host, url->port);
  } else {
    std::unique_ptr<httplib::SSLClient> tls;
    if (!config.client_cert_pem.empty()) {
      Result<std::unique_ptr<ClientIdentity>> identity = ClientIdentity::FromPem(config.client_cert_pem, config.client_key_pem);
      if (!identity.ok()) return identity.status();
      impl->identity = std::move(*identity);
      tls = std::make_unique<httplib::SSLClient>(url->host, url->port, impl->identity->cert(), impl->identity->key());
    } else {
      tls = std::make_unique<httplib::SSLClient>(url->host, url->port);
    }
    if (!tls->is_valid()) return Status::Internal("TLS context for " + config.server + ": " + TakeOpenSslError());
    tls->enable_server_certificate_verification(!config.insecure_skip_tls_verify);
    if (!config.ca_pem.empty()) {
      Result<std::unique_ptr<PinnedCaStore>> pinned = PinnedCaStore::FromPem(config.ca_pem);
      if (!pinned.ok()) return pinned.status();
      impl->pinned = std::move(*pinned);
      impl->pinned->PinTo(tls->ssl_context());
    }
    impl->tls = tls.get();
    impl->http = std::move(tls);
  }
  httplib::ClientImpl& http = *impl->http;
  http.set_keep_alive(true);
  http.set_tcp_nodelay(true);
  auto seconds = static_cast<time_t>(options.timeout.count());
  http.set_connection_timeout(seconds);
  http.set_read_timeout(seconds);
  http.set_write_timeout(seconds);
  if (!config.token.empty()) impl->headers.emplace("Authorization", "Bearer " + config.token);
  impl->headers.emplace("Accept", "application/json");
  impl->headers.emplace("Accept-Encoding", options.gzip ? "gzip" : "identity");
  impl->headers.emplace("User-Agent", options.user_agent);
  return std::unique_ptr<RestClient>(new RestClient(config.server, std::move(impl)));
}

RestClient::RestClient(std::string server, std::unique_ptr<Impl> impl)
    : server_(std::move(server)), impl_(std::move(impl)) {}

RestClient::~RestClient() = default;

Result<Response> RestClient::Get(const std::string& path, const std::string& accept) {
  std::string target = impl_->Target(path);
  const httplib::Headers* headers = &impl_->headers;
  httplib::Headers custom;
  if (!accept.empty()) {
    custom = impl_->headers;
    custom.erase("Accept");
    custom.emplace("Accept", accept);
    headers = &custom;
  }
  httplib::Result r = impl_->Send(true, [&] { return impl_->http->Get(target.c_str(), *headers); });
  return impl_->Finish(server_, "GET", path, r);
}

Result<Response> RestClient::Post(const std::string& path, const std::string& body, const std::string& content_type) {
  std::string target = impl_->Target(path);
  httplib::Result r = impl_->Send(
      false, [&] { return impl_->http->Post(target.c_str(), impl_->headers, body, content_type.c_str()); });
  return impl_->Finish(server_, "POST", path, r);
}

Result<Response> RestClient::Put(const std::string& path, const std::string& body, const std::string& content_type) {
  std::string target = impl_->Target(path);
  httplib::Result r = impl_->Send(
      false, [&] { return impl_->http->Put(target.c_str(), impl_->headers, body, content_type.c_str()); });
  return impl_->Finish(server_, "PUT", path, r);
}

Result<Response> RestClient::Patch(const std::string& path, const std::string& body, const std::string& content_type) {
  std::string target = impl_->Target(path);
  httplib::Result r = impl_->Send(
      false, [&] { return impl_->http->Patch(target.c_str(), impl_->headers, body, content_type.c_str()); });
  return impl_->Finish(server_, "PATCH", path, r);
}

Result<Response> RestClient::Delete(const std::string& path) {
  std::string target = impl_->Target(path);
  httplib::Result r = impl_->Send(false, [&] { return impl_->http->Delete(target.c_str(), impl_->headers); });
  return impl_->Finish(server_, "DELETE", path, r);
}

void RestClient::Cancel() {
  impl_->cancelled = true;
  impl_->http->stop();
}

Status RestClient::Watch(const std::string& path, const std::function<bool(std::string_view line)>& on_line,
                         std::chrono::seconds idle_timeout, const std::function<void()>& on_open) {
  httplib::ClientImpl& http = *impl_->http;
  impl_->PrepareConnection();
  http.set_read_timeout(static_cast<time_t>(idle_timeout.count()));
  impl_->cancelled = false;
  int http_status = 0;
  std::string pending;     // bytes after the last newline
  std::string error_body;  // the body of a refused watch
  bool stopped = false;
  httplib::Result r = http.Get(
      impl_->Target(path).c_str(), impl_->headers,
      [&](const httplib::Response& response) {
        http_status = response.status;
        if (on_open && http_status >= 200 && http_status <= 299) on_open();
        return true;
      },
      [&](const char* data, size_t size) {
        if (http_status < 200 || http_status > 299) {
          error_body.append(data, size);
          return true;
        }
        pending.append(data, size);
        size_t start = 0;
        for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
          if (!on_line(std::string_view(pending).substr(start, nl - start))) {
            stopped = true;
            return false;
          }
        }
        pending.erase(0, start);
        return true;
      });
  http.set_read_timeout(static_cast<time_t>(impl_->options.timeout.count()));
  if (r) {
    impl_->last_done = std::chrono::steady_clock::now();
  } else {
    impl_->last_done.reset();
  }
  if (stopped || impl_->cancelled) return Status::Ok();
  if (!r) return impl_->TransportError(server_, "WATCH", path, r.error());
  if (http_status < 200 || http_status > 299) {
    if (error_body.empty()) error_body = r->body;  // in case the body bypassed the receiver
    return StatusFromResponse(http_status, error_body).WithContext("WATCH " + path);
  }
  if (!pending.empty()) on_line(pending);  // a last line without its newline
  return Status::Ok();
}

}  // namespace skiff::client
