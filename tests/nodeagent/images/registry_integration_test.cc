// End to end against Debian's docker-registry on loopback: the test image is
// pushed with skopeo (OCI, Docker schema 2 and zstd variants) and pulled back.
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "nodeagent/images/registry_client.h"
#include "tests/nodeagent/images/test_util.h"

namespace skiff::images {
namespace {

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// docker-registry serving a temp dir on a free loopback port; killed (and
// reaped) at scope exit.
class LocalRegistry {
 public:
  explicit LocalRegistry(const std::string& dir) : port_(FreePort()) {
    std::string config = dir + "/registry.yml";
    REQUIRE(MakeDirs(dir + "/storage").ok());
    WriteTestFile(
        config, "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: " +
                    dir + "/storage\nhttp:\n  addr: 127.0.0.1:" + std::to_string(port_) + "\n");
    std::string log = dir + "/registry.log";
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(out, 1);
      ::dup2(out, 2);
      ::execl("/usr/bin/docker-registry", "docker-registry", "serve", config.c_str(), nullptr);
      ::_exit(127);
    }
    httplib::Client client("127.0.0.1", port_);
    client.set_connection_timeout(1, 0);
    for (int i = 0; i < 200; ++i) {
      auto res = client.Get("/v2/");
      if (res && res->status == 200) return;
      int status;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        FAIL("docker-registry exited: " << ReadFile(log).value());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL("docker-registry did not answer on port " << port_);
  }
  ~LocalRegistry() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  std::string authority() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int port_;
  pid_t pid_ = -1;
};

std::string Push(const std::string& layout, const std::string& dest,
                 const std::string& flags = "") {
  return ShellOutput("skopeo --insecure-policy copy --quiet --dest-tls-verify=false " + flags +
                     " oci:" + layout + ":1 docker://" + dest + " 2>&1");
}

TEST_CASE("An image pushed to docker-registry with skopeo is pulled back",
          "[images][integration]") {
  TempDir tmp;
  std::string layout = tmp.path() + "/layout";
  std::string manifest_digest = MakeTestImage(layout);
  LocalRegistry registry(tmp.path() + "/registry");
  std::string repo = registry.authority() + "/test/busybox";
  Push(layout, repo + ":1");

  auto store = ImageStore::Open(tmp.path() + "/store", {.keep_ownership = ::geteuid() == 0});
  REQUIRE(store.ok());
  RegistryClient client({});
  auto image = client.Pull(**store, *ParseImageReference(repo + ":1"));
  INFO(image.status().ToString());
  REQUIRE(image.ok());
  CHECK(image->manifest_digest == manifest_digest);
  CHECK(image->names == std::vector<std::string>{repo + ":1"});
  CHECK(image->config.cmd == std::vector<std::string>{"sh"});
  REQUIRE(image->layers.size() == 1);
  auto layout_layer = ListDir(layout + "/blobs/sha256");
  CHECK(std::find(layout_layer.begin(), layout_layer.end(), image->layers[0].digest.substr(7)) !=
        layout_layer.end());
  CHECK(ShellOutput(image->layer_dirs[0] + "/bin/busybox echo pulled") == "pulled\n");

  SECTION("by digest") {
    auto by_digest = client.Pull(**store, *ParseImageReference(repo + "@" + manifest_digest));
    REQUIRE(by_digest.ok());
    CHECK(by_digest->id == image->id);
  }
  SECTION("as Docker schema 2") {
    Push(layout, repo + ":v2s2", "--format v2s2");
    auto v2s2 = client.Pull(**store, *ParseImageReference(repo + ":v2s2"));
    INFO(v2s2.status().ToString());
    REQUIRE(v2s2.ok());
    CHECK(v2s2->manifest_digest != manifest_digest);
    CHECK(v2s2->layers[0].media_type == "application/vnd.docker.image.rootfs.diff.tar.gzip");
    CHECK(v2s2->layer_dirs == image->layer_dirs);  // same diff id, unpacked once
  }
  SECTION("with zstd layers") {
    std::string zstd_layout = tmp.path() + "/zstd-layout";
    MakeTestImage(zstd_layout, "1", "zstd");
    Push(zstd_layout, repo + ":zstd");
    auto zstd = client.Pull(**store, *ParseImageReference(repo + ":zstd"));
    INFO(zstd.status().ToString());
    REQUIRE(zstd.ok());
    CHECK(zstd->layers[0].media_type == "application/vnd.oci.image.layer.v1.tar+zstd");
    CHECK(zstd->layers[0].digest != image->layers[0].digest);
    CHECK(zstd->layers[0].diff_id == image->layers[0].diff_id);
  }
  SECTION("an unknown repository is NotFound") {
    auto missing =
        client.Pull(**store, *ParseImageReference(registry.authority() + "/test/nothing:1"));
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.status().code() == Code::kNotFound);
  }
}

}  // namespace
}  // namespace skiff::images
