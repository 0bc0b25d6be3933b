#include "nodeagent/images/http_url.h"

#include <catch2/catch.hpp>

#include "nodeagent/images/registry_client.h"

namespace skiff::images {
namespace {

TEST_CASE("Absolute URLs split into origin and target", "[images]") {
  auto url = ParseUrl("https://auth.docker.io/token?service=x");
  REQUIRE(url.ok());
  CHECK(url->scheme == "https");
  CHECK(url->authority == "auth.docker.io");
  CHECK(url->target == "/token?service=x");
  CHECK(ParseUrl("http://127.0.0.1:5000")->target == "/");
  CHECK(ParseUrl("ftp://x/").status().code() == Code::kInvalid);
  CHECK(ParseUrl("/relative").status().code() == Code::kInvalid);
}

TEST_CASE("Redirect locations resolve against the request URL", "[images]") {
  Url base = *ParseUrl("http://127.0.0.1:5000/v2/a/blobs/sha256:1?x=1");
  CHECK(ParseUrl("/storage/1", &base)->String() == "http://127.0.0.1:5000/storage/1");
  CHECK(ParseUrl("other", &base)->String() == "http://127.0.0.1:5000/v2/a/blobs/other");
  CHECK(ParseUrl("//cdn.example.com/p", &base)->String() == "http://cdn.example.com/p");
  CHECK(ParseUrl("https://s3.example.com/b?sig=1", &base)->String() ==
        "https://s3.example.com/b?sig=1");
}

TEST_CASE("Query values are percent-encoded", "[images]") {
  CHECK(UrlEncode("repository:test/busybox:pull") == "repository%3Atest%2Fbusybox%3Apull");
  CHECK(UrlEncode("a-b_c.d~e") == "a-b_c.d~e");
}

TEST_CASE("WWW-Authenticate challenges are parsed", "[images]") {
  auto bearer = ParseAuthChallenge(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull")");
  REQUIRE(bearer.ok());
  CHECK(bearer->scheme == "bearer");
  CHECK(bearer->params.at("realm") == "https://auth.docker.io/token");
  CHECK(bearer->params.at("service") == "registry.docker.io");
  CHECK(bearer->params.at("scope") == "repository:library/busybox:pull");

  auto basic = ParseAuthChallenge(R"(Basic realm="Registry Realm")");
  REQUIRE(basic.ok());
  CHECK(basic->scheme == "basic");
  CHECK(basic->params.at("realm") == "Registry Realm");

  auto unquoted = ParseAuthChallenge("Bearer realm=http://x/t, service=svc");
  REQUIRE(unquoted.ok());
  CHECK(unquoted->params.at("realm") == "http://x/t");
  CHECK(unquoted->params.at("service") == "svc");

  CHECK_FALSE(ParseAuthChallenge(R"(Bearer realm="unterminated)").ok());
  CHECK_FALSE(ParseAuthChallenge("").ok());
}

TEST_CASE("Loopback and insecure registries use plain HTTP, others TLS", "[images]") {
  RegistryOptions options;
  options.insecure_registries.insert("registry.internal:5000");
  auto url = [&](const std::string& ref) {
    return RegistryBaseUrl(*ParseImageReference(ref), options);
  };
  CHECK(url("127.0.0.1:5000/a") == "http://127.0.0.1:5000");
  CHECK(url("localhost:5000/a") == "http://localhost:5000");
  CHECK(url("[::1]:5000/a") == "http://[::1]:5000");
  CHECK(url("registry.internal:5000/a") == "http://registry.internal:5000");
  CHECK(url("registry.internal/a") == "https://registry.internal");
  CHECK(url("quay.io/a/b") == "https://quay.io");
  CHECK(url("busybox") == "https://registry-1.docker.io");
}

}  // namespace
}  // namespace skiff::images
