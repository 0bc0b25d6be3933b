// The real kubectl (1.32, installed on these machines) against a real skiff
// server: what it prints must be what a Kubernetes cluster makes it print.
#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>

#include <catch2/catch.hpp>

#include "tests/apiserver/kubectl_checks.h"
#include "tests/apiserver/kubectl_runner.h"
#include "tests/apiserver/server_process.h"

namespace skiff {
namespace {

using testing::KubectlResult;
using testing::KubectlRunner;
using testing::RequireKubectl;
using testing::ServerProcess;
using testing::TempDir;

std::string TestData(const std::string& name) { return std::string(SKIFF_SOURCE_DIR) + "/tests/apiserver/testdata/" + name; }

TEST_CASE("kubectl: apply, re-apply, get, label, scale, delete", "[integration][kubectl]") {
  if (!RequireKubectl()) return;
  TempDir dir, cache;
  ServerProcess server(dir.path());
  KubectlRunner k(dir.path(), cache.path());
  std::string app = TestData("app.yaml");

  KubectlResult applied = k.Run("apply -f " + app);
  EXPECT_KUBECTL(applied, 0, "deployment.apps/web created");
  EXPECT_KUBECTL(applied, 0, "service/web created");
  EXPECT_KUBECTL(applied, 0, "namespace/shop created");

  KubectlResult again = k.Run("apply -f " + app);
  EXPECT_KUBECTL(again, 0, "deployment.apps/web unchanged");

  // A changed manifest goes through kubectl's strategic merge patch.
  std::string changed = cache.path() + "/changed.yaml";
  REQUIRE(std::system(("sed -e 's/replicas: 2/replicas: 4/' -e 's/busybox:1.36/busybox:1.37/' " + app + " > " +
                       changed).c_str()) == 0);
  KubectlResult patched = k.Run("apply -f " + changed);
  EXPECT_KUBECTL(patched, 0, "deployment.apps/web configured");
  KubectlResult spec = k.Run("-n shop get deploy web -o jsonpath='{.spec.replicas} {.spec.template.spec.containers[0].image} {.metadata.generation}'");
  EXPECT_KUBECTL(spec, 0, "4 busybox:1.37 2");

  // Server-side apply of the same manifest, by its own field manager.
  EXPECT_KUBECTL(k.Run("apply --server-side -f " + changed), 0, "deployment.apps/web serverside-applied");

  EXPECT_KUBECTL(k.Run("-n shop get deploy -l app=web -o name"), 0, "deployment.apps/web");
  EXPECT_KUBECTL(k.Run("get cm -A --field-selector metadata.name=web-config -o name"), 0, "configmap/web-config");
  EXPECT_KUBECTL(k.Run("-n shop get deploy -l 'app in (web,api),tier!=back' -o name"), 0, "deployment.apps/web");
  KubectlResult none = k.Run("-n shop get deploy -l app=nothing");
  EXPECT_KUBECTL(none, 0, "No resources found in shop namespace.");

  EXPECT_KUBECTL(k.Run("-n shop label deploy web team=blue"), 0, "deployment.apps/web labeled");
  EXPECT_KUBECTL(k.Run("-n shop label --overwrite deploy web team=green"), 0, "deployment.apps/web labeled");
  EXPECT_KUBECTL(k.Run("-n shop annotate deploy web note=hi"), 0, "deployment.apps/web annotated");
  EXPECT_KUBECTL(k.Run("-n shop annotate deploy web note=bye"), 1, "--overwrite is false but found the following declared annotation(s): 'note' already has a value (hi)");
  EXPECT_KUBECTL(k.Run("-n shop annotate --overwrite deploy web note=bye"), 0, "deployment.apps/web annotated");
  EXPECT_KUBECTL(k.Run("-n shop get deploy web -o jsonpath='{.metadata.annotations.note}'"), 0, "bye");
  EXPECT_KUBECTL(k.Run("-n shop scale deploy web --replicas=6"), 0, "deployment.apps/web scaled");
  EXPECT_KUBECTL(k.Run("-n shop get deploy web -o jsonpath='{.spec.replicas} {.metadata.labels.team}'"), 0, "6 green");
  EXPECT_KUBECTL(k.Run("-n shop get deploy web -o yaml"), 0, "revisionHistoryLimit: 10");

  // wait --for=delete watches (with gzip and bookmarks) until the delete arrives.
  std::string waited = cache.path() + "/wait.out";
  std::string wait_cmd = "KUBECONFIG=" + dir.path() + "/kubeconfig kubectl --cache-dir=" + cache.path() +
                         " -n shop wait --for=delete cm/web-config --timeout=20s > " + waited + " 2>&1 &";
  REQUIRE(std::system(wait_cmd.c_str()) == 0);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_KUBECTL(k.Run("-n shop delete cm web-config"), 0, "configmap \"web-config\" deleted");
  std::string wait_output;
  for (int i = 0; i < 100 && wait_output.find("condition met") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::ifstream in(waited);
    wait_output.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  CHECK_THAT(wait_output, Catch::Matchers::Contains("configmap/web-config condition met"));
  EXPECT_KUBECTL(k.Run("-n shop delete deploy -l app=web"), 0, "deployment.apps \"web\" deleted");
  EXPECT_KUBECTL(k.Run("-n shop get svc web -o name"), 0, "service/web");
  // The namespace goes first and takes what is in it along.
  EXPECT_KUBECTL(k.Run("delete -f " + app + " --ignore-not-found"), 0, "namespace \"shop\" deleted");
  EXPECT_KUBECTL(k.Run("get ns shop"), 1, "Error from server (NotFound): namespaces \"shop\" not found");
  EXPECT_KUBECTL(k.Run("get svc -A -o name"), 0, "");
  CHECK(k.Run("get svc -A -o name").out.find("service/web") == std::string::npos);
}

TEST_CASE("kubectl: errors read as a real cluster's", "[integration][kubectl]") {
  if (!RequireKubectl()) return;
  TempDir dir, cache;
  ServerProcess server(dir.path());
  KubectlRunner k(dir.path(), cache.path());

  EXPECT_KUBECTL(k.Run("get pod nope"), 1, "Error from server (NotFound): pods \"nope\" not found");
  std::string cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\ndata:\n  a: b\n";
  EXPECT_KUBECTL(k.Run("create --validate=false -f -", cm), 0, "configmap/dup created");
  EXPECT_KUBECTL(k.Run("create --validate=false -f -", cm), 1,
                 "Error from server (AlreadyExists): error when creating \"STDIN\": configmaps \"dup\" already exists");
  std::string invalid =
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: Bad_Name\nspec:\n  containers:\n  - name: c\n";
  KubectlResult rejected = k.Run("create --validate=false -f -", invalid);
  EXPECT_KUBECTL(rejected, 1, "is invalid");
  EXPECT_KUBECTL(rejected, 1, "metadata.name: Invalid value: \"Bad_Name\"");
  EXPECT_KUBECTL(rejected, 1, "spec.containers[0].image: Required value");
  EXPECT_KUBECTL(k.Run("get widgets"), 1, "the server doesn't have a resource type \"widgets\"");
  // kubectl's default --validate=strict: an unknown field is rejected by the server with its path.
  std::string typo = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\ndatta:\n  a: b\n";
  EXPECT_KUBECTL(k.Run("apply -f -", typo), 1, "strict decoding error: unknown field \"datta\"");
}

TEST_CASE("kubectl: discovery, explain and printing", "[integration][kubectl]") {
  if (!RequireKubectl()) return;
  TempDir dir, cache;
  ServerProcess server(dir.path());
  KubectlRunner k(dir.path(), cache.path());
  KubectlResult resources = k.Run("api-resources");
  EXPECT_KUBECTL(resources, 0, "deployments");
  EXPECT_KUBECTL(resources, 0, "deploy");
  EXPECT_KUBECTL(k.Run("explain pod.spec.containers"), 0, "FIELD: containers <[]Container>");
  EXPECT_KUBECTL(k.Run("apply -f " + TestData("app.yaml")), 0, "service/web created");
  KubectlResult svc = k.Run("-n shop get svc -o wide");
  EXPECT_KUBECTL(svc, 0, "NAME   TYPE        CLUSTER-IP");
  EXPECT_KUBECTL(svc, 0, "80/TCP");
  KubectlResult deploy = k.Run("get deploy -A --show-labels");
  EXPECT_KUBECTL(deploy, 0, "NAMESPACE   NAME   READY   UP-TO-DATE   AVAILABLE   AGE   LABELS");
  EXPECT_KUBECTL(deploy, 0, "app=web,tier=front");
}

// Reads a file that a background kubectl writes to, until it holds want or 10 s pass.
std::string WaitForOutput(const std::string& path, const std::string& want) {
  std::string text;
  for (int i = 0; i < 100 && text.find(want) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::ifstream in(path);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return text;
}

TEST_CASE("kubectl: describe, get -w, wide and json output, and a stale update", "[integration][kubectl]") {
  if (!RequireKubectl()) return;
  TempDir dir, cache;
  ServerProcess server(dir.path());
  KubectlRunner k(dir.path(), cache.path());
  EXPECT_KUBECTL(k.Run("apply -f " + TestData("app.yaml")), 0, "deployment.apps/web created");

  KubectlResult described = k.Run("-n shop describe deploy web");
  EXPECT_KUBECTL(described, 0, "Replicas:               2 desired | 0 updated | 0 total | 0 available | 0 unavailable");
  EXPECT_KUBECTL(described, 0, "RollingUpdateStrategy:  25% max unavailable, 25% max surge");
  EXPECT_KUBECTL(described, 0, "<set to the key 'greeting' of config map 'web-config'>");
  KubectlResult svc = k.Run("-n shop describe svc web");
  EXPECT_KUBECTL(svc, 0, "Type:                     ClusterIP");
  EXPECT_KUBECTL(svc, 0, "Port:                     http  80/TCP");

  // get -w prints the current rows, then one row per change, as it happens.
  std::string watched = cache.path() + "/watch.out";
  std::string watch_cmd = "KUBECONFIG=" + dir.path() + "/kubeconfig timeout 20 kubectl --cache-dir=" + cache.path() +
                          " -n shop get cm -w > " + watched + " 2>&1 & echo $! > " + watched + ".pid";
  REQUIRE(std::system(watch_cmd.c_str()) == 0);
  CHECK_THAT(WaitForOutput(watched, "web-config"), Catch::Matchers::Contains("NAME         DATA   AGE"));
  EXPECT_KUBECTL(k.Run("-n shop create cm later --from-literal=a=b"), 0, "configmap/later created");
  CHECK_THAT(WaitForOutput(watched, "later"), Catch::Matchers::Contains("later        1      0s"));
  std::system(("kill $(cat " + watched + ".pid) >/dev/null 2>&1").c_str());  // timeout passes it on to kubectl

  EXPECT_KUBECTL(k.Run("-n shop get deploy web -o json"), 0, "\"kind\": \"Deployment\"");
  EXPECT_KUBECTL(k.Run("-n shop get deploy web -o wide"), 0, "CONTAINERS   IMAGES         SELECTOR");

  // A replace carrying an old resourceVersion is refused as by a real cluster.
  std::string old_copy = cache.path() + "/cm.yaml";
  REQUIRE(k.Run("-n shop get cm web-config -o yaml > " + old_copy).exit_code == 0);
  EXPECT_KUBECTL(k.Run("-n shop label cm web-config changed=yes"), 0, "configmap/web-config labeled");
  EXPECT_KUBECTL(k.Run("replace -f " + old_copy), 1,
                 "Error from server (Conflict): error when replacing \"" + old_copy +
                     "\": Operation cannot be fulfilled on configmaps \"web-config\": the object has been modified; "
                     "please apply your changes to the latest version and try again");
}

}  // namespace
}  // namespace skiff
