#include "nodeagent/images/image_reference.h"

#include <catch2/catch.hpp>

namespace skiff::images {
namespace {

const std::string kHex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

ImageReference MustParse(const std::string& text) {
  auto ref = ParseImageReference(text);
  INFO(text << ": " << ref.status().ToString());
  REQUIRE(ref.ok());
  return *ref;
}

TEST_CASE("A bare name is a Docker Hub library image at latest", "[images]") {
  ImageReference ref = MustParse("busybox");
  CHECK(ref.registry == "docker.io");
  CHECK(ref.repository == "library/busybox");
  CHECK(ref.tag == "latest");
  CHECK(ref.digest.empty());
  CHECK(ref.String() == "docker.io/library/busybox:latest");
  CHECK(ref.RegistryEndpoint() == "registry-1.docker.io");
  CHECK_FALSE(ref.IsLoopbackRegistry());
}

TEST_CASE("Docker Hub names with an organisation and a tag", "[images]") {
  CHECK(MustParse("library/busybox:1.36").String() == "docker.io/library/busybox:1.36");
  CHECK(MustParse("bitnami/redis").String() == "docker.io/bitnami/redis:latest");
  CHECK(MustParse("docker.io/busybox").String() == "docker.io/library/busybox:latest");
  CHECK(MustParse("index.docker.io/library/busybox:1").String() == "docker.io/library/busybox:1");
}

TEST_CASE("A first component with a port, a dot or localhost is a registry", "[images]") {
  ImageReference ref = MustParse("127.0.0.1:5000/team/app:v2");
  CHECK(ref.registry == "127.0.0.1:5000");
  CHECK(ref.repository == "team/app");
  CHECK(ref.tag == "v2");
  CHECK(ref.IsLoopbackRegistry());
  CHECK(ref.RegistryEndpoint() == "127.0.0.1:5000");

  CHECK(MustParse("localhost/app").registry == "localhost");
  CHECK(MustParse("localhost/app").IsLoopbackRegistry());
  CHECK(MustParse("quay.io/coreos/etcd:v3.5").registry == "quay.io");
  CHECK_FALSE(MustParse("quay.io/coreos/etcd:v3.5").IsLoopbackRegistry());
  CHECK(MustParse("[::1]:5000/app").registry == "[::1]:5000");
  CHECK(MustParse("[::1]:5000/app").IsLoopbackRegistry());
  CHECK(MustParse("127.3.4.5:80/x").IsLoopbackRegistry());
  CHECK_FALSE(MustParse("128.0.0.1:80/x").IsLoopbackRegistry());
  // Without a slash, "name:5000" is a tag, not a port.
  ImageReference tagged = MustParse("app:5000");
  CHECK(tagged.registry == "docker.io");
  CHECK(tagged.repository == "library/app");
  CHECK(tagged.tag == "5000");
  // A first component without '.', ':' or localhost is an organisation.
  CHECK(MustParse("team/app").registry == "docker.io");
}

TEST_CASE("A digest pins the image and adds no tag", "[images]") {
  ImageReference ref = MustParse("busybox@sha256:" + kHex);
  CHECK(ref.tag.empty());
  CHECK(ref.digest == "sha256:" + kHex);
  CHECK(ref.ManifestReference() == "sha256:" + kHex);
  CHECK(ref.String() == "docker.io/library/busybox@sha256:" + kHex);

  ImageReference both = MustParse("127.0.0.1:5000/a/b:v1@sha256:" + kHex);
  CHECK(both.tag == "v1");
  CHECK(both.ManifestReference() == "sha256:" + kHex);
}

TEST_CASE("Separators inside repository components follow Docker's grammar", "[images]") {
  CHECK(MustParse("a.b/c__d-e---f.g_h").repository == "c__d-e---f.g_h");
  CHECK(MustParse("my-registry.example.com:443/x/y/z").repository == "x/y/z");
}

TEST_CASE("Bad references are rejected with a message naming the rule", "[images]") {
  struct Case {
    std::string text;
    std::string message_part;
  };
  std::vector<Case> cases = {
      {"", "empty"},
      {"Busybox", "lowercase"},
      {"busybox:", "tag"},
      {"busybox:-bad", "tag"},
      {"busybox@sha256:abc", "digest"},
      {"busybox@md5:" + kHex, "digest"},
      {"busybox@sha256:" + std::string(64, 'G'), "digest"},
      {"a//b", "path component"},
      {"-a/b", "path component"},
      {"a/b_", "path component"},
      {"a/b..c", "path component"},
      {"host:port/app", "registry"},
      {"[zz]:5000/app", "registry"},
      {"/app", "path component"},
      {"busybox:" + std::string(129, 'a'), "tag"},
      {"a.io/" + std::string(260, 'a'), "255"},
  };
  for (const Case& c : cases) {
    auto ref = ParseImageReference(c.text);
    INFO(c.text);
    REQUIRE_FALSE(ref.ok());
    CHECK(ref.status().code() == Code::kInvalid);
    CHECK_THAT(ref.status().message(), Catch::Contains(c.message_part));
  }
}

}  // namespace
}  // namespace skiff::images
