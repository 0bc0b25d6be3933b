#include "nodeagent/images/registry_client.h"

#include <httplib.h>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "base/base64.h"
#include "nodeagent/images/digest.h"
#include "nodeagent/images/http_url.h"
#include "nodeagent/images/manifest.h"

namespace skiff::images {
namespace {

using json = nlohmann::json;

constexpr size_t kMaxManifestSize = 4 << 20;
constexpr size_t kMaxErrorBody = 64 << 10;
constexpr int kMaxRedirects = 5;

const std::string kManifestAccept =
    std::string(media_type::kOciIndex) + ", " + std::string(media_type::kDockerManifestList) +
    ", " + std::string(media_type::kOciManifest) + ", " + std::string(media_type::kDockerManifest);

struct Response {
  int status = 0;
  httplib::Headers headers;
  std::string body;  // unless streamed to a sink
  std::string Header(const char* name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

using Sink = std::function<Status(const char*, size_t)>;

// The error a registry's answer means, with its JSON errors[].message when given.
Status RegistryError(const Response& r, const std::string& what) {
  std::string detail;
  try {
    json doc = json::parse(r.body);
    for (const json& e : doc.at("errors")) {
      if (!detail.empty()) detail += "; ";
      detail += e.value("code", "") + ": " + e.value("message", "");
    }
  } catch (const json::exception&) {
    detail = r.body.substr(0, 200);
  }
  std::string message =
      what + ": HTTP " + std::to_string(r.status) + (detail.empty() ? "" : " (" + detail + ")");
  switch (r.status) {
    case 401:
      return Status(Code::kUnauthorized, message);
    case 403:
      return Status(Code::kForbidden, message);
    case 404:
      return Status::NotFound(message);
    case 429:
    case 502:
    case 503:
    case 504:
      return Status::Unavailable(message);
    default:
      return Status(Code::kInternal, message);
  }
}

std::string StripParams(const std::string& content_type) {
  std::string out = content_type.substr(0, content_type.find(';'));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// One pull's conversation with one registry: connections by origin, the
// Authorization header once earned.
class Session {
 public:
  Session(const RegistryOptions& options, const ImageReference& ref)
      : options_(options), ref_(ref), base_(*ParseUrl(RegistryBaseUrl(ref, options))) {}

  // GET of a registry path with auth and redirects; a 200 body goes to sink when given.
  Result<Response> Get(const std::string& path, const httplib::Headers& extra, const Sink& sink);

 private:
  Result<Response> Send(const Url& url, const httplib::Headers& headers, const Sink& sink);
  Status Authorize(const Response& challenge_response);
  httplib::Client& ClientFor(const Url& url);

  const RegistryOptions& options_;
  const ImageReference& ref_;
  Url base_;
  std::string authorization_;
  std::map<std::string, std::unique_ptr<httplib::Client>> clients_;
};

httplib::Client& Session::ClientFor(const Url& url) {
  auto& client = clients_[url.Origin()];
  if (!client) {
    client = std::make_unique<httplib::Client>(url.Origin());
    client->set_connection_timeout(options_.timeout_seconds, 0);
    client->set_read_timeout(options_.timeout_seconds, 0);
    client->set_keep_alive(true);
    client->enable_server_certificate_verification(true);
    if (!options_.ca_file.empty()) client->set_ca_cert_path(options_.ca_file);
  }
  return *client;
}

Result<Response> Session::Send(const Url& url, const httplib::Headers& headers, const Sink& sink) {
  Response response;
  Status sink_status;
  auto on_response = [&](const httplib::Response& r) {
    response.status = r.status;
    response.headers = r.headers;
    return true;
  };
  auto on_data = [&](const char* data, size_t size) {
    if (response.status == 200 && sink) {
      sink_status = sink(data, size);
      return sink_status.ok();
    }
    if (response.body.size() + size > (response.status == 200 ? kMaxManifestSize : kMaxErrorBody)) {
      sink_status = Status(Code::kInvalid, "GET " + url.String() + ": response too large");
      return false;
    }
    response.body.append(data, size);
    return true;
  };
  httplib::Result result = ClientFor(url).Get(url.target.c_str(), headers, on_response, on_data);
  if (!sink_status.ok()) return sink_status;
  if (!result) {
    return Status::Unavailable("GET " + url.String() + ": " + httplib::to_string(result.error()));
  }
  return response;
}

Result<Response> Session::Get(const std::string& path, const httplib::Headers& extra,
                              const Sink& sink) {
  Url url = base_;
  url.target = path;
  bool authorized_once = false;
  for (int hop = 0; hop <= kMaxRedirects; ++hop) {
    httplib::Headers headers = extra;
    bool same_origin = url.Origin() == base_.Origin();
    if (same_origin && !authorization_.empty()) headers.emplace("Authorization", authorization_);
    auto response = Send(url, headers, sink);
    if (!response.ok()) return response;
    if (response->status == 401 && same_origin && !authorized_once) {
      SKIFF_RETURN_IF_ERROR(Authorize(*response));
      authorized_once = true;
      --hop;
      continue;
    }
    if (response->status >= 300 && response->status < 400 && response->status != 304) {
      auto next = ParseUrl(response->Header("Location"), &url);
      if (!next.ok()) return next.status().WithContext("redirect from " + url.String());
      url = *next;  // storage backends get no registry credentials (other origin)
      continue;
    }
    return response;
  }
  return Status::Unavailable("GET " + path + ": more than " + std::to_string(kMaxRedirects) +
                             " redirects");
}

Status Session::Authorize(const Response& response) {
  std::string header = response.Header("WWW-Authenticate");
  if (header.empty())
    return RegistryError(response, "GET " + base_.Origin() + " (no WWW-Authenticate challenge)");
  auto challenge = ParseAuthChallenge(header);
  if (!challenge.ok()) return challenge.status();
  const RegistryCredentials* creds = nullptr;
  if (auto it = options_.credentials.find(ref_.registry); it != options_.credentials.end())
    creds = &it->second;
  std::string basic = creds ? "Basic " + Base64Encode(creds->username + ":" + creds->password) : "";

  if (challenge->scheme == "basic") {
    if (creds == nullptr)
      return Status(Code::kUnauthorized,
                    ref_.registry + " asks for credentials and none are configured");
    authorization_ = basic;
    return Status::Ok();
  }
  if (challenge->scheme != "bearer")
    return Status(Code::kUnauthorized, "unsupported auth scheme \"" + challenge->scheme + "\"");
  auto realm = ParseUrl(challenge->params["realm"]);
  if (!realm.ok()) return realm.status().WithContext("token realm");
  std::string scope = challenge->params.count("scope") ? challenge->params["scope"]
                                                       : "repository:" + ref_.repository + ":pull";
  std::string query =
      "service=" + UrlEncode(challenge->params["service"]) + "&scope=" + UrlEncode(scope);
  realm->target += (realm->target.find('?') == std::string::npos ? "?" : "&") + query;
  httplib::Headers headers;
  if (creds != nullptr) headers.emplace("Authorization", basic);
  auto token_response = Send(*realm, headers, nullptr);
  if (!token_response.ok()) return token_response.status().WithContext("token");
  if (token_response->status != 200)
    return RegistryError(*token_response, "token from " + realm->Origin());
  try {
    json doc = json::parse(token_response->body);
    std::string token = doc.value("token", "");
    if (token.empty()) token = doc.value("access_token", "");
    if (token.empty())
      return Status(Code::kUnauthorized,
                    "token response from " + realm->Origin() + " has no token");
    authorization_ = "Bearer " + token;
  } catch (const json::exception& e) {
    return Status(Code::kUnauthorized, std::string("token response: malformed JSON: ") + e.what());
  }
  return Status::Ok();
}

struct FetchedManifest {
  std::string media_type;
  std::string body;
  std::string digest;
};

Result<FetchedManifest> FetchManifest(Session& session, const ImageReference& ref,
                                      const std::string& reference) {
  std::string what = "manifest " + ref.Name() + ":" + reference;
  auto response = session.Get("/v2/" + ref.repository + "/manifests/" + reference,
                              {{"Accept", kManifestAccept}}, nullptr);
  if (!response.ok()) return response.status().WithContext(what);
  if (response->status != 200) return RegistryError(*response, "GET " + what);
  FetchedManifest out;
  out.body = std::move(response->body);
  out.digest = DigestOf(out.body);
  if (IsValidDigest(reference) && out.digest != reference) {
    return Status(Code::kInvalid, what + ": digest mismatch: got " + out.digest);
  }
  std::string announced = response->Header("Docker-Content-Digest");
  if (IsValidDigest(announced) && announced != out.digest) {
    return Status(Code::kInvalid,
                  what + ": Docker-Content-Digest " + announced + " but the body is " + out.digest);
  }
  out.media_type = StripParams(response->Header("Content-Type"));
  if (!IsIndexMediaType(out.media_type) && !IsManifestMediaType(out.media_type)) {
    auto sniffed = SniffMediaType(out.body);
    if (!sniffed.ok()) return sniffed.status().WithContext(what);
    out.media_type = *sniffed;
  }
  return out;
}

// Streamed into the store and cut off once the body passes the descriptor's
// size (or max_size when larger than that is declared).
Status FetchBlob(Session& session, BlobStore& blobs, const ImageReference& ref, const Descriptor& d,
                 int64_t max_size) {
  if (blobs.Has(d.digest)) return Status::Ok();
  auto bound = BlobBound({d.digest, d.size, max_size});
  if (!bound.ok()) return bound.status().WithContext("blob " + d.digest);
  auto writer = blobs.NewWriter(*bound, /*declared=*/true);
  if (!writer.ok()) return writer.status();
  BlobWriter& w = **writer;
  auto response = session.Get("/v2/" + ref.repository + "/blobs/" + d.digest, {},
                              [&](const char* data, size_t size) { return w.Write(data, size); });
  std::string what = "blob " + d.digest;
  if (!response.ok()) return response.status().WithContext(what);
  if (response->status != 200) return RegistryError(*response, "GET " + what);
  auto committed = w.Commit({d.digest, d.size});
  return committed.ok() ? Status::Ok() : committed.status();
}

}  // namespace

std::string RegistryBaseUrl(const ImageReference& ref, const RegistryOptions& options) {
  bool plain = ref.IsLoopbackRegistry() || options.insecure_registries.count(ref.registry) > 0;
  return (plain ? "http://" : "https://") + ref.RegistryEndpoint();
}

Result<Image> RegistryClient::Pull(ImageStore& store, const ImageReference& ref) const {
  ImageStore::IngestLease lease = store.BeginIngest();
  Session session(options_, ref);
  auto fetched = FetchManifest(session, ref, ref.ManifestReference());
  if (!fetched.ok()) return fetched.status().WithContext("pull " + ref.String());
  if (IsIndexMediaType(fetched->media_type)) {
    auto index = ParseIndex(fetched->body);
    if (!index.ok()) return index.status().WithContext("pull " + ref.String());
    auto entry = PickPlatform(*index, options_.os, options_.architecture);
    if (!entry.ok()) return entry.status().WithContext("pull " + ref.String());
    fetched = FetchManifest(session, ref, entry->digest);
    if (!fetched.ok()) return fetched.status().WithContext("pull " + ref.String());
  }
  auto manifest = ParseManifest(fetched->body);
  if (!manifest.ok()) return manifest.status().WithContext("pull " + ref.String());
  SKIFF_RETURN_IF_ERROR(
      FetchBlob(session, store.blobs(), ref, manifest->config, store.limits().max_metadata_bytes)
          .WithContext("pull " + ref.String()));
  for (const Descriptor& layer : manifest->layers) {
    SKIFF_RETURN_IF_ERROR(
        FetchBlob(session, store.blobs(), ref, layer, store.limits().max_blob_bytes)
            .WithContext("pull " + ref.String()));
  }
  auto manifest_digest = store.blobs().Put(fetched->body, {.digest = fetched->digest});
  if (!manifest_digest.ok()) return manifest_digest.status();
  ImageReference name = ref;
  if (!name.tag.empty()) name.digest.clear();
  auto image = store.Commit(*manifest_digest, {name.String()});
  if (!image.ok()) return image.status().WithContext("pull " + ref.String());
  return image;
}

}  // namespace skiff::images
