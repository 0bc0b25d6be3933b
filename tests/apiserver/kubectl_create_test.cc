// The real kubectl's `create <generator>` commands against a real skiff server.
// kubectl 1.32+ sends these bodies as application/vnd.kubernetes.protobuf
// (kubectl-wire.md, Appendix B); the server decodes them and answers JSON.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/apiserver/kubectl_checks.h"
#include "tests/apiserver/kubectl_runner.h"
#include "tests/apiserver/server_process.h"

namespace skiff {
namespace {

using nlohmann::json;
using testing::KubectlResult;
using testing::KubectlRunner;
using testing::RequireKubectl;
using testing::ServerProcess;
using testing::TempDir;

// Runs a kubectl command that must succeed and print `expected`.
void Succeeds(const KubectlRunner& k, const std::string& args, const std::string& expected) {
  KubectlResult result = k.Run(args);
  INFO("kubectl " << args << " printed:\n" << result.out);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Matchers::Contains(expected));
}

// `kubectl get ... -o json`, parsed.
json GetJson(const KubectlRunner& k, const std::string& args) {
  KubectlResult result = k.Run("get " + args + " -o json");
  INFO("kubectl get " << args << " printed:\n" << result.out);
  REQUIRE(result.exit_code == 0);
  json object = json::parse(result.out, nullptr, /*allow_exceptions=*/false);
  REQUIRE_FALSE(object.is_discarded());
  return object;
}

TEST_CASE("kubectl create generators send protobuf and the server decodes it",
          "[integration][kubectl]") {
  if (!RequireKubectl()) return;
  TempDir dir, cache;
  ServerProcess server(dir.path());
  KubectlRunner k(dir.path(), cache.path());

  SECTION("the request really is protobuf") {
    KubectlResult verbose = k.Run("create namespace wire -v=8");
    INFO(verbose.out);
    CHECK(verbose.exit_code == 0);
    CHECK_THAT(verbose.out,
               Catch::Matchers::Contains("Content-Type: application/vnd.kubernetes.protobuf"));
    CHECK_THAT(verbose.out, Catch::Matchers::Contains("namespace/wire created"));
  }

  SECTION("deployment") {
    Succeeds(k, "create deployment web --image=nginx --replicas=2 --port=80",
             "deployment.apps/web created");
    json d = GetJson(k, "deployment web");
    CHECK(d["metadata"]["labels"] == json{{"app", "web"}});
    CHECK(d["spec"]["replicas"] == 2);
    CHECK(d["spec"]["selector"]["matchLabels"] == json{{"app", "web"}});
    CHECK(d["spec"]["template"]["metadata"]["labels"] == json{{"app", "web"}});
    const json& container = d["spec"]["template"]["spec"]["containers"][0];
    CHECK(container["name"] == "nginx");
    CHECK(container["image"] == "nginx");
    CHECK(container["ports"][0]["containerPort"] == 80);
    CHECK(d["metadata"]["uid"].is_string());  // stored and served like a JSON-created object
  }

  SECTION("configmap") {
    Succeeds(k, "create configmap cm1 --from-literal=a=b --from-literal=greeting='hello world'",
             "configmap/cm1 created");
    json cm = GetJson(k, "configmap cm1");
    CHECK(cm["data"] == json{{"a", "b"}, {"greeting", "hello world"}});
  }

  SECTION("namespace, and a configmap created in it") {
    Succeeds(k, "create namespace ns1", "namespace/ns1 created");
    json ns = GetJson(k, "namespace ns1");
    CHECK(ns["metadata"]["name"] == "ns1");
    Succeeds(k, "-n ns1 create configmap inside --from-literal=x=y", "configmap/inside created");
    CHECK(GetJson(k, "-n ns1 configmap inside")["metadata"]["namespace"] == "ns1");
  }

  SECTION("service clusterip") {
    Succeeds(k, "create service clusterip s1 --tcp=80:8080", "service/s1 created");
    json svc = GetJson(k, "service s1");
    CHECK(svc["spec"]["type"] == "ClusterIP");
    CHECK(svc["spec"]["selector"] == json{{"app", "s1"}});
    const json& port = svc["spec"]["ports"][0];
    CHECK(port["name"] == "80-8080");
    CHECK(port["port"] == 80);
    CHECK(port["targetPort"] == 8080);
    CHECK(port["protocol"] == "TCP");
  }

  SECTION("secret generic") {
    Succeeds(k, "create secret generic s1 --from-literal=password=s3cr3t", "secret/s1 created");
    json secret = GetJson(k, "secret s1");
    CHECK(secret["data"] == json{{"password", "czNjcjN0"}});  // base64 of s3cr3t
    CHECK(secret["type"] == "Opaque");
  }

  SECTION("serviceaccount") {
    Succeeds(k, "create serviceaccount robot", "serviceaccount/robot created");
    CHECK(GetJson(k, "serviceaccount robot")["metadata"]["name"] == "robot");
  }

  SECTION("a rejected create changes nothing") {
    Succeeds(k, "create configmap dup --from-literal=a=1", "configmap/dup created");
    KubectlResult again = k.Run("create configmap dup --from-literal=a=2");
    INFO(again.out);
    CHECK(again.exit_code == 1);
    CHECK_THAT(again.out, Catch::Matchers::Contains("already exists"));
    CHECK(GetJson(k, "configmap dup")["data"] == json{{"a", "1"}});
  }
}

}  // namespace
}  // namespace skiff
