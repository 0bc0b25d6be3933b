// `image pull` and the pull-if-absent of `run`, against Debian's docker-registry
// on loopback (plain HTTP, as Docker reaches loopback registries), with the test
// image pushed there by skopeo.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>

#include "cli_test_support.h"

namespace skiff::cli {
namespace {

using testing::CliFixture;
using testing::Outcome;

int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  close(fd);
  return ntohs(addr.sin_port);
}

bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// docker-registry over a directory, on a free port; stopped at scope exit.
class Registry {
 public:
  explicit Registry(const std::string& dir) : port_(FreeLoopbackPort()) {
    std::filesystem::create_directories(dir + "/storage");
    std::string config = dir + "/registry.yml";
    std::ofstream(config) << "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: "
                          << dir << "/storage\nhttp:\n  addr: 127.0.0.1:" << port_ << "\n";
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      int null = open("/dev/null", O_WRONLY);
      dup2(null, 1);
      dup2(null, 2);
      execl("/usr/bin/docker-registry", "docker-registry", "serve", config.c_str(), nullptr);
      _exit(127);
    }
    for (int i = 0; i < 200 && !Accepts(port_); ++i) usleep(50000);
    REQUIRE(Accepts(port_));
  }
  ~Registry() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  std::string authority() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int port_;
  pid_t pid_ = -1;
};

TEST_CASE("run pulls an absent image from a loopback registry, and image pull fetches one", "[privileged][integration]") {
  CliFixture f;
  Registry registry(f.dir() + "/registry");
  std::string image = registry.authority() + "/team/busybox:1";
  std::string push = "skopeo --insecure-policy copy --quiet --dest-tls-verify=false oci:" + f.dir() +
                     "/image:1 docker://" + image + " >/dev/null 2>&1";
  REQUIRE(std::system(push.c_str()) == 0);

  Outcome run = f.Skiff({"run", "--rm", image, "--", "echo", "pulled"});
  INFO(run.err);
  CHECK(run.code == 0);
  CHECK(run.out == "pulled\n");
  CHECK(f.Skiff({"image", "ls"}).out.find(registry.authority() + "/team/busybox   1 ") != std::string::npos);

  REQUIRE(f.Skiff({"image", "rm", image}).code == 0);
  Outcome pulled = f.Skiff({"image", "pull", image});
  INFO(pulled.err);
  CHECK(pulled.code == 0);
  INFO(pulled.out);
  CHECK(pulled.out.rfind("pulled " + image + " (sha256:", 0) == 0);

  Outcome missing = f.Skiff({"image", "pull", registry.authority() + "/team/none:1"});
  CHECK(missing.code == 1);
  CHECK(testing::CountLines(missing.err) == 1);
}

}  // namespace
}  // namespace skiff::cli
