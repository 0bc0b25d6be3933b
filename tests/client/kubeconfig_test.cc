#include "client/kubeconfig.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include "base/base64.h"
#include "tests/apiserver/server_process.h"

namespace skiff::client {
namespace {

using skiff::testing::TempDir;

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

// A kubeconfig with two contexts; `user` is the YAML of the first user's fields.
std::string Config(const std::string& cluster_fields, const std::string& user_fields,
                   const std::string& current = "main") {
  return "apiVersion: v1\nkind: Config\ncurrent-context: " + current +
         "\nclusters:\n- name: c1\n  cluster:\n" + cluster_fields +
         "- name: c2\n  cluster:\n    server: https://10.0.0.2:6443\n"
         "contexts:\n- name: main\n  context:\n    cluster: c1\n    user: u1\n"
         "- name: other\n  context:\n    cluster: c2\n    user: u1\n    namespace: team-a\n"
         "users:\n- name: u1\n  user:\n" +
         user_fields;
}

const std::string kServer = "    server: https://127.0.0.1:6443\n";

// Sets an environment variable for the scope, restoring the old value after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST_CASE("kubeconfig resolves the current context to its cluster and user", "[client]") {
  std::string ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  Result<Kubeconfig> k = ParseKubeconfig(
      Config(kServer + "    certificate-authority-data: " + Base64Encode(ca) + "\n", "    token: abc123\n"),
      "/etc/kc");
  REQUIRE(k.ok());
  CHECK(k->path == "/etc/kc");
  CHECK(k->context == "main");
  CHECK(k->cluster == "c1");
  CHECK(k->user == "u1");
  CHECK(k->namespace_ == "default");
  CHECK(k->server == "https://127.0.0.1:6443");
  CHECK(k->ca_pem == ca);
  CHECK(k->token == "abc123");
  CHECK_FALSE(k->insecure_skip_tls_verify);
  CHECK(k->client_cert_pem.empty());
}

TEST_CASE("kubeconfig context override picks another cluster and its namespace", "[client]") {
  Result<Kubeconfig> k = ParseKubeconfig(Config(kServer, "    token: t\n"), "/etc/kc", "other");
  REQUIRE(k.ok());
  CHECK(k->context == "other");
  CHECK(k->server == "https://10.0.0.2:6443");
  CHECK(k->namespace_ == "team-a");
}

TEST_CASE("kubeconfig reads referenced files relative to its own directory", "[client]") {
  TempDir dir;
  std::filesystem::create_directories(dir.path() + "/certs");
  WriteFile(dir.path() + "/certs/ca.crt", "CA-PEM");
  WriteFile(dir.path() + "/token", "  from-file\n");
  WriteFile(dir.path() + "/client.crt", "CERT-PEM");
  WriteFile(dir.path() + "/client.key", "KEY-PEM");
  WriteFile(dir.path() + "/kubeconfig",
            Config(kServer + "    certificate-authority: certs/ca.crt\n",
                   "    token: inline-loses\n    token-file: token\n    client-certificate: " + dir.path() +
                       "/client.crt\n    client-key: client.key\n"));
  Result<Kubeconfig> k = LoadKubeconfig(dir.path() + "/kubeconfig");
  REQUIRE(k.ok());
  CHECK(k->ca_pem == "CA-PEM");
  CHECK(k->token == "from-file");  // token-file wins, whitespace trimmed
  CHECK(k->client_cert_pem == "CERT-PEM");
  CHECK(k->client_key_pem == "KEY-PEM");
}

TEST_CASE("kubeconfig errors name the file and the field", "[client]") {
  TempDir dir;
  const std::string path = dir.path() + "/kubeconfig";
  auto load = [&](const std::string& text, const std::string& context = "") {
    WriteFile(path, text);
    return LoadKubeconfig(path, context);
  };

  SECTION("unreadable token file") {
    Result<Kubeconfig> k = load(Config(kServer, "    token-file: missing\n"));
    REQUIRE_FALSE(k.ok());
    CHECK(k.status().code() == Code::kInvalid);
    CHECK(k.status().message() == "kubeconfig " + path + ": users[0].user.token-file: cannot read " + dir.path() +
                                      "/missing: No such file or directory");
  }
  SECTION("a token file that is a device is refused, not read forever") {
    Result<Kubeconfig> k = load(Config(kServer, "    token-file: /dev/zero\n"));
    REQUIRE_FALSE(k.ok());
    CHECK(k.status().message() ==
          "kubeconfig " + path + ": users[0].user.token-file: cannot read /dev/zero: not a regular file");
  }
  SECTION("unknown current context") {
    Result<Kubeconfig> k = load(Config(kServer, "    token: t\n", "nope"));
    REQUIRE_FALSE(k.ok());
    CHECK(k.status().code() == Code::kNotFound);
    CHECK(k.status().message() == "kubeconfig " + path + ": current-context: context \"nope\" not found in contexts");
  }
  SECTION("unknown context override") {
    Result<Kubeconfig> k = load(Config(kServer, "    token: t\n"), "ghost");
    REQUIRE_FALSE(k.ok());
    CHECK(k.status().message().find("context override: context \"ghost\" not found") != std::string::npos);
  }
  SECTION("context names a cluster that is not there") {
    Result<Kubeconfig> k = load(
        "current-context: x\ncontexts:\n- name: x\n  context:\n    cluster: gone\n    user: u\nclusters: []\n");
    REQUIRE_FALSE(k.ok());
    CHECK(k.status().message() ==
          "kubeconfig " + path + ": contexts[0].context.cluster: cluster \"gone\" not found in clusters");
  }
  SECTION("bad base64") {
    Result<Kubeconfig> k = load(Config(kServer + "    certificate-authority-data: ab!d\n", "    token: t\n"));
    REQUIRE_FALSE(k.ok());
    CHECK(k.status().message() == "kubeconfig " + path +
                                      ": clusters[0].cluster.certificate-authority-data: illegal base64 data at input byte 2");
  }
  SECTION("CA both inline and as a file") {
    Result<Kubeconfig> k = load(Config(
        kServer + "    certificate-authority-data: QUJD\n    certificate-authority: ca.crt\n", "    token: t\n"));
    REQUIRE_FALSE(k.ok());
    CHECK(k.status().message().find("clusters[0].cluster: certificate-authority-data and certificate-authority are "
                                    "both specified") != std::string::npos);
  }
  SECTION("CA with insecure-skip-tls-verify") {
    Result<Kubeconfig> k = load(
        Config(kServer + "    certificate-authority-data: QUJD\n    insecure-skip-tls-verify: true\n", "    token: t\n"));
    REQUIRE_FALSE(k.ok());
    CHECK(k.status().message().find("clusters[0].cluster.insecure-skip-tls-verify:") != std::string::npos);
  }
  SECTION("server missing or not a URL") {
    Result<Kubeconfig> missing = load(Config("    insecure-skip-tls-verify: true\n", "    token: t\n"));
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.status().message() == "kubeconfig " + path + ": clusters[0].cluster.server: required");
    Result<Kubeconfig> bare = load(Config("    server: 127.0.0.1:6443\n", "    token: t\n"));
    REQUIRE_FALSE(bare.ok());
    CHECK(bare.status().message().find("clusters[0].cluster.server: must be an http:// or https:// URL") !=
          std::string::npos);
  }
  SECTION("client certificate without its key") {
    Result<Kubeconfig> k = load(Config(kServer, "    client-certificate-data: QUJD\n"));
    REQUIRE_FALSE(k.ok());
    CHECK(k.status().message() ==
          "kubeconfig " + path + ": users[0].user: client-certificate needs client-key or client-key-data");
  }
  SECTION("exec credentials are refused, not ignored") {
    Result<Kubeconfig> k = load(Config(kServer, "    exec:\n      command: get-token\n"));
    REQUIRE_FALSE(k.ok());
    CHECK(k.status().message() == "kubeconfig " + path + ": users[0].user.exec: not supported by skiff");
  }
  SECTION("a token that is not a string") {
    Result<Kubeconfig> k = load(Config(kServer, "    token: [a, b]\n"));
    REQUIRE_FALSE(k.ok());
    CHECK(k.status().message() == "kubeconfig " + path + ": users[0].user.token: must be a string");
  }
  SECTION("YAML syntax error names the line") {
    Result<Kubeconfig> k = load("current-context: a\nclusters:\n  - name: [unclosed\n");
    REQUIRE_FALSE(k.ok());
    CHECK(k.status().code() == Code::kInvalid);
    // The unclosed flow sequence is noticed at the end of the input: line 4, column 1.
    CHECK(k.status().message() == "kubeconfig " + path + ":4:1: end of sequence flow not found");
  }
  SECTION("empty file") {
    Result<Kubeconfig> k = load("");
    REQUIRE_FALSE(k.ok());
    CHECK(k.status().message().find("want one YAML document") != std::string::npos);
  }
  SECTION("missing file") {
    Result<Kubeconfig> k = LoadKubeconfig(dir.path() + "/absent");
    REQUIRE_FALSE(k.ok());
    CHECK(k.status().code() == Code::kNotFound);
    CHECK(k.status().message() == "kubeconfig " + dir.path() + "/absent: cannot read: No such file or directory");
  }
}

TEST_CASE("a context without a user resolves to anonymous access", "[client]") {
  Result<Kubeconfig> k = ParseKubeconfig(
      "current-context: a\ncontexts:\n- name: a\n  context:\n    cluster: c\nclusters:\n- name: c\n  cluster:\n" +
          kServer,
      "/kc");
  REQUIRE(k.ok());
  CHECK(k->token.empty());
  CHECK(k->client_cert_pem.empty());
}

TEST_CASE("LocateKubeconfig: flag, then KUBECONFIG, then ~/.kube/config", "[client]") {
  TempDir dir;
  const std::string first = dir.path() + "/first", second = dir.path() + "/second";
  WriteFile(second, "x");

  SECTION("the flag wins even when the file does not exist") {
    ScopedEnv env("KUBECONFIG", second.c_str());
    Result<std::string> p = LocateKubeconfig(first);
    REQUIRE(p.ok());
    CHECK(*p == first);
  }
  SECTION("the first existing entry of KUBECONFIG") {
    ScopedEnv env("KUBECONFIG", (first + ":" + second).c_str());
    Result<std::string> p = LocateKubeconfig("");
    REQUIRE(p.ok());
    CHECK(*p == second);
  }
  SECTION("KUBECONFIG with no existing file is an error naming it") {
    ScopedEnv env("KUBECONFIG", first.c_str());
    Result<std::string> p = LocateKubeconfig("");
    REQUIRE_FALSE(p.ok());
    CHECK(p.status().code() == Code::kNotFound);
    CHECK(p.status().message() == "no kubeconfig: no file of KUBECONFIG=" + first + " exists");
  }
  SECTION("HOME/.kube/config when KUBECONFIG is unset") {
    ScopedEnv env("KUBECONFIG", nullptr);
    ScopedEnv home("HOME", dir.path().c_str());
    Result<std::string> none = LocateKubeconfig("");
    REQUIRE_FALSE(none.ok());
    CHECK(none.status().message().find(dir.path() + "/.kube/config does not exist") != std::string::npos);
    std::filesystem::create_directories(dir.path() + "/.kube");
    WriteFile(dir.path() + "/.kube/config", "x");
    Result<std::string> p = LocateKubeconfig("");
    REQUIRE(p.ok());
    CHECK(*p == dir.path() + "/.kube/config");
  }
}

}  // namespace
}  // namespace skiff::client
