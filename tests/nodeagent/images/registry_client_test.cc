// RegistryClient against an in-process fake registry on loopback that asks for
// a Bearer token (or Basic credentials), serves an index with two platforms and
// redirects blob downloads to a second "storage" server.
#include "nodeagent/images/registry_client.h"

#include <httplib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/base64.h"
#include "nodeagent/images/digest.h"
#include "nodeagent/images/manifest.h"
#include "tests/nodeagent/images/test_util.h"

namespace skiff::images {
namespace {

constexpr char kToken[] = "tok-123";
const std::string kBasic = "Basic " + Base64Encode("user:secret");

// An httplib server on a free loopback port, stopped and joined at scope exit.
class TestServer {
 public:
  TestServer() : port_(server_.bind_to_any_port("127.0.0.1")) {
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~TestServer() {
    server_.stop();
    thread_.join();
  }
  httplib::Server& server() { return server_; }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string authority() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  int port_;
  std::thread thread_;
};

enum class Auth { kBearer, kBasic };

struct FakeRegistry {
  TempDir tmp;
  std::string layout = tmp.path() + "/layout";
  std::string manifest_digest = MakeTestImage(layout);
  std::string index_body;
  TestServer registry;
  TestServer storage;
  Auth auth = Auth::kBearer;
  std::atomic<int> token_requests = 0;
  std::atomic<int> blob_requests = 0;
  std::atomic<bool> corrupt_blobs = false;
  // Layer blobs go on with zeros after their bytes, up to kOverlongBytes.
  std::atomic<bool> overlong_blobs = false;
  static constexpr size_t kOverlongBytes = size_t{256} << 20;
  std::atomic<size_t> overlong_served = 0;
  std::mutex mu;
  std::string token_query;

  std::string Blob(const std::string& digest) {
    return *ReadFile(layout + "/blobs/sha256/" + digest.substr(7));
  }

  explicit FakeRegistry(Auth a) : auth(a) {
    std::string manifest = Blob(manifest_digest);
    nlohmann::json index = {{"schemaVersion", 2},
                            {"mediaType", media_type::kOciIndex},
                            {"manifests",
                             {{{"mediaType", media_type::kOciManifest},
                               {"digest", DigestOf("not served")},
                               {"size", 10},
                               {"platform", {{"os", "linux"}, {"architecture", "arm64"}}}},
                              {{"mediaType", media_type::kOciManifest},
                               {"digest", manifest_digest},
                               {"size", manifest.size()},
                               {"platform", {{"os", "linux"}, {"architecture", "amd64"}}}}}}};
    index_body = index.dump();
    auto& srv = registry.server();
    srv.Get("/token", [this](const httplib::Request& req, httplib::Response& res) {
      ++token_requests;
      {
        std::lock_guard lock(mu);
        token_query =
            "service=" + req.get_param_value("service") + "&scope=" + req.get_param_value("scope");
      }
      if (req.get_header_value("Authorization") != kBasic) {
        res.status = 401;
        return;
      }
      res.set_content(R"({"token":")" + std::string(kToken) + R"("})", "application/json");
    });
    srv.Get(R"(/v2/test/busybox/manifests/(.+))", [this](const httplib::Request& req,
                                                         httplib::Response& res) {
      if (!Authorized(req, res)) return;
      std::string ref = req.matches[1];
      if (ref == "1" || ref == DigestOf(index_body)) {
        res.set_content(index_body, std::string(media_type::kOciIndex).c_str());
      } else if (ref == manifest_digest) {
        res.set_content(Blob(manifest_digest), std::string(media_type::kOciManifest).c_str());
      } else {
        res.status = 404;
        res.set_content(R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})",
                        "application/json");
      }
    });
    srv.Get(R"(/v2/test/busybox/blobs/(sha256:[0-9a-f]{64}))",
            [this](const httplib::Request& req, httplib::Response& res) {
              if (!Authorized(req, res)) return;
              ++blob_requests;
              res.status = 307;
              res.set_header("Location", storage.origin() + "/data/" + std::string(req.matches[1]) +
                                             "?sig=abc");
            });
    storage.server().Get(R"(/data/(sha256:[0-9a-f]{64}))", [this](const httplib::Request& req,
                                                                  httplib::Response& res) {
      // Credentials for the registry must not leak to the storage backend.
      if (req.has_header("Authorization") || req.get_param_value("sig") != "abc") {
        res.status = 403;
        return;
      }
      std::string data = Blob(req.matches[1]);
      if (corrupt_blobs) data[data.size() / 2] ^= 1;
      if (overlong_blobs && data.size() > 100000) {
        res.set_chunked_content_provider(
            "application/octet-stream", [this, data](size_t offset, httplib::DataSink& sink) {
              if (offset >= kOverlongBytes) {
                sink.done();
                return true;
              }
              std::string chunk =
                  offset < data.size() ? data.substr(offset, 65536) : std::string(65536, '\0');
              overlong_served += chunk.size();
              return sink.write(chunk.data(), chunk.size());
            });
        return;
      }
      res.set_content(data, "application/octet-stream");
    });
  }

  bool Authorized(const httplib::Request& req, httplib::Response& res) {
    std::string want = auth == Auth::kBearer ? "Bearer " + std::string(kToken) : kBasic;
    if (req.get_header_value("Authorization") == want) return true;
    res.status = 401;
    if (auth == Auth::kBearer) {
      res.set_header("WWW-Authenticate",
                     R"(Bearer realm=")" + registry.origin() +
                         R"(/token",service="fake-registry",scope="repository:test/busybox:pull")");
    } else {
      res.set_header("WWW-Authenticate", R"(Basic realm="fake")");
    }
    res.set_content(R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})",
                    "application/json");
    return false;
  }

  ImageReference Ref(const std::string& suffix = ":1") const {
    return *ParseImageReference(registry.authority() + "/test/busybox" + suffix);
  }
  RegistryOptions Options(bool with_credentials = true) const {
    RegistryOptions options;
    if (with_credentials) options.credentials[registry.authority()] = {"user", "secret"};
    return options;
  }
};

struct Store {
  TempDir tmp;
  std::unique_ptr<ImageStore> store =
      ImageStore::Open(tmp.path(), {.keep_ownership = ::geteuid() == 0}).value();
};

TEST_CASE("Pull by tag through a Bearer token picks linux/amd64 from the index", "[images]") {
  FakeRegistry fake(Auth::kBearer);
  Store s;
  RegistryClient client(fake.Options());
  auto image = client.Pull(*s.store, fake.Ref());
  INFO(image.status().ToString());
  REQUIRE(image.ok());
  CHECK(image->manifest_digest == fake.manifest_digest);
  CHECK(image->names == std::vector<std::string>{fake.registry.authority() + "/test/busybox:1"});
  CHECK(image->config.cmd == std::vector<std::string>{"sh"});
  REQUIRE(image->layer_dirs.size() == 1);
  CHECK(::access((image->layer_dirs[0] + "/bin/busybox").c_str(), X_OK) == 0);
  CHECK(fake.token_requests == 1);  // one token for the whole pull
  CHECK(fake.blob_requests == 2);   // config and layer
  {
    std::lock_guard lock(fake.mu);
    CHECK(fake.token_query == "service=fake-registry&scope=repository:test/busybox:pull");
  }
  CHECK(s.store->Get(fake.registry.authority() + "/test/busybox:1").ok());

  // Pulled again: the blobs are there already.
  auto again = client.Pull(*s.store, fake.Ref());
  REQUIRE(again.ok());
  CHECK(fake.blob_requests == 2);
}

TEST_CASE("Pull by digest names the image by digest", "[images]") {
  FakeRegistry fake(Auth::kBearer);
  Store s;
  auto image = RegistryClient(fake.Options()).Pull(*s.store, fake.Ref("@" + fake.manifest_digest));
  INFO(image.status().ToString());
  REQUIRE(image.ok());
  CHECK(image->names == std::vector<std::string>{fake.registry.authority() + "/test/busybox@" +
                                                 fake.manifest_digest});
  CHECK(s.store->Get(fake.registry.authority() + "/test/busybox@" + fake.manifest_digest).ok());
}

TEST_CASE("Basic auth is answered with the configured credentials", "[images]") {
  FakeRegistry fake(Auth::kBasic);
  Store s;
  auto image = RegistryClient(fake.Options()).Pull(*s.store, fake.Ref());
  INFO(image.status().ToString());
  REQUIRE(image.ok());
  CHECK(fake.token_requests == 0);
}

TEST_CASE("Missing credentials are Unauthorized and leave nothing", "[images]") {
  for (Auth auth : {Auth::kBearer, Auth::kBasic}) {
    FakeRegistry fake(auth);
    Store s;
    auto image =
        RegistryClient(fake.Options(/*with_credentials=*/false)).Pull(*s.store, fake.Ref());
    REQUIRE_FALSE(image.ok());
    CHECK(image.status().code() == Code::kUnauthorized);
    CHECK(s.store->List().empty());
    CHECK(s.store->blobs().List()->empty());
  }
}

TEST_CASE("A blob that does not match its digest fails the pull and is not kept", "[images]") {
  FakeRegistry fake(Auth::kBearer);
  fake.corrupt_blobs = true;
  Store s;
  auto image = RegistryClient(fake.Options()).Pull(*s.store, fake.Ref());
  REQUIRE_FALSE(image.ok());
  CHECK(image.status().code() == Code::kInvalid);
  CHECK_THAT(image.status().message(), Catch::Contains("digest mismatch"));
  CHECK(s.store->List().empty());
  CHECK(s.store->blobs().List()->empty());
  CHECK(ListDir(s.tmp.path() + "/tmp").empty());
  CHECK(ListDir(s.tmp.path() + "/layers").empty());
}

TEST_CASE("A blob that runs past its descriptor's size is cut off there", "[hostile][images]") {
  FakeRegistry fake(Auth::kBearer);
  fake.overlong_blobs = true;
  Store s;
  auto image = RegistryClient(fake.Options()).Pull(*s.store, fake.Ref());
  REQUIRE_FALSE(image.ok());
  CHECK(image.status().code() == Code::kInvalid);
  CHECK_THAT(image.status().message(), Catch::Contains("bytes its descriptor declares"));
  // The download stopped at the declared size, not at the end of the stream
  // (what the server wrote before it saw the connection close is in flight).
  CHECK(fake.overlong_served < (size_t{32} << 20));
  CHECK(s.store->List().empty());
  CHECK(s.store->blobs().List()->empty());
  CHECK(ListDir(s.tmp.path() + "/tmp").empty());
}

TEST_CASE("Unknown tags and platforms are NotFound", "[images]") {
  FakeRegistry fake(Auth::kBearer);
  Store s;
  auto unknown = RegistryClient(fake.Options()).Pull(*s.store, fake.Ref(":nope"));
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().code() == Code::kNotFound);
  CHECK_THAT(unknown.status().message(), Catch::Contains("manifest unknown"));

  RegistryOptions s390 = fake.Options();
  s390.architecture = "s390x";
  auto platform = RegistryClient(s390).Pull(*s.store, fake.Ref());
  REQUIRE_FALSE(platform.ok());
  CHECK(platform.status().code() == Code::kNotFound);
  CHECK_THAT(platform.status().message(), Catch::Contains("linux/arm64, linux/amd64"));
}

TEST_CASE("An unreachable registry is Unavailable", "[images]") {
  Store s;
  int port;
  {
    TestServer closed;
    port = std::stoi(closed.authority().substr(10));
  }
  RegistryOptions options;
  options.timeout_seconds = 2;
  auto image = RegistryClient(options).Pull(
      *s.store, *ParseImageReference("127.0.0.1:" + std::to_string(port) + "/a/b:1"));
  REQUIRE_FALSE(image.ok());
  CHECK(image.status().code() == Code::kUnavailable);
}

}  // namespace
}  // namespace skiff::images
