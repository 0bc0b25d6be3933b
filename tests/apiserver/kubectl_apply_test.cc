// Server-side apply driven by the real kubectl (1.32) against a real skiff
// server: field managers, conflicts as kubectl prints them for a real cluster,
// --force-conflicts, --show-managed-fields, and the upgrade of objects made by
// client-side apply.
#include <string>

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

std::string DeploymentYaml(const std::string& name, int replicas, const std::string& image) {
  return "apiVersion: apps/v1\n"
         "kind: Deployment\n"
         "metadata:\n"
         "  name: " + name + "\n"
         "  namespace: default\n"
         "spec:\n"
         "  replicas: " + std::to_string(replicas) + "\n"
         "  selector:\n"
         "    matchLabels: {app: " + name + "}\n"
         "  template:\n"
         "    metadata:\n"
         "      labels: {app: " + name + "}\n"
         "    spec:\n"
         "      containers:\n"
         "      - name: main\n"
         "        image: " + image + "\n"
         "        env:\n"
         "        - {name: MODE, value: prod}\n";
}

// The conflict advice kubectl adds to the server's message.
constexpr const char* kAdvice = "Please review the fields above--they currently have other managers.";

TEST_CASE("kubectl apply --server-side: re-apply, conflicts, --force-conflicts, managed fields",
          "[integration][kubectl][apply]") {
  if (!RequireKubectl()) return;
  TempDir dir, cache;
  ServerProcess server(dir.path());
  KubectlRunner k(dir.path(), cache.path());

  EXPECT_KUBECTL(k.Run("apply --server-side -f -", DeploymentYaml("web", 2, "busybox:1.36")), 0,
                 "deployment.apps/web serverside-applied");
  EXPECT_KUBECTL(k.Run("apply --server-side -f -", DeploymentYaml("web", 2, "busybox:1.37")), 0,
                 "deployment.apps/web serverside-applied");
  EXPECT_KUBECTL(k.Run("get deploy web -o jsonpath='{.spec.template.spec.containers[0].image} {.spec.replicas}'"),
                 0, "busybox:1.37 2");

  // A second manager changing .spec.replicas meets kubectl's ownership.
  KubectlResult conflict =
      k.Run("apply --server-side --field-manager=other -f -", DeploymentYaml("web", 5, "busybox:1.37"));
  EXPECT_KUBECTL(conflict, 1, "error: Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas");
  EXPECT_KUBECTL(conflict, 1, kAdvice);
  EXPECT_KUBECTL(k.Run("get deploy web -o jsonpath='{.spec.replicas}'"), 0, "2");

  EXPECT_KUBECTL(
      k.Run("apply --server-side --field-manager=other --force-conflicts -f -", DeploymentYaml("web", 5, "busybox:1.37")),
      0, "deployment.apps/web serverside-applied");
  EXPECT_KUBECTL(k.Run("get deploy web -o jsonpath='{.spec.replicas}'"), 0, "5");

  KubectlResult managed = k.Run("get deploy web -o yaml --show-managed-fields");
  EXPECT_KUBECTL(managed, 0, "managedFields:");
  EXPECT_KUBECTL(managed, 0, "manager: kubectl\n");
  EXPECT_KUBECTL(managed, 0, "manager: other\n");
  EXPECT_KUBECTL(managed, 0, "operation: Apply");
  EXPECT_KUBECTL(managed, 0, "fieldsType: FieldsV1");
  EXPECT_KUBECTL(managed, 0, "k:{\"name\":\"main\"}:");
  // Without the flag kubectl hides them, as for a real cluster.
  KubectlResult hidden = k.Run("get deploy web -o yaml");
  CHECK(hidden.out.find("managedFields") == std::string::npos);

  // Both managers applied the env var. When kubectl stops applying it, it stays
  // (other still owns it); once other stops too, it is removed.
  std::string without_env = DeploymentYaml("web", 5, "busybox:1.37");
  without_env = without_env.substr(0, without_env.find("        env:\n"));
  EXPECT_KUBECTL(k.Run("apply --server-side -f -", without_env), 0, "deployment.apps/web serverside-applied");
  EXPECT_KUBECTL(k.Run("get deploy web -o jsonpath='[{.spec.template.spec.containers[0].env[*].name}]'"), 0,
                 "[MODE]");
  EXPECT_KUBECTL(k.Run("apply --server-side --field-manager=other -f -", without_env), 0,
                 "deployment.apps/web serverside-applied");
  EXPECT_KUBECTL(k.Run("get deploy web -o jsonpath='[{.spec.template.spec.containers[0].env[*].name}]'"), 0,
                 "[]");
}

TEST_CASE("kubectl apply --server-side after client-side apply: conflict and upgrade",
          "[integration][kubectl][apply]") {
  if (!RequireKubectl()) return;
  TempDir dir, cache;
  ServerProcess server(dir.path());
  KubectlRunner k(dir.path(), cache.path());

  EXPECT_KUBECTL(k.Run("apply -f -", DeploymentYaml("api", 2, "busybox:1.36")), 0, "deployment.apps/api created");
  KubectlResult conflict =
      k.Run("apply --server-side --field-manager=other -f -", DeploymentYaml("api", 3, "busybox:1.36"));
  EXPECT_KUBECTL(conflict, 1,
                 "error: Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: "
                 ".spec.replicas");
  EXPECT_KUBECTL(conflict, 1, kAdvice);

  // kubectl's own server-side apply takes the client-side apply's fields over
  // (it rewrites managedFields with a JSON patch first), so no conflict.
  EXPECT_KUBECTL(k.Run("apply --server-side -f -", DeploymentYaml("api", 3, "busybox:1.36")), 0,
                 "deployment.apps/api serverside-applied");
  EXPECT_KUBECTL(k.Run("get deploy api -o jsonpath='{.spec.replicas}'"), 0, "3");

  // kubectl scale and edit-like writes record their own managers.
  EXPECT_KUBECTL(k.Run("scale deploy api --replicas=4"), 0, "deployment.apps/api scaled");
  EXPECT_KUBECTL(k.Run("label deploy api team=blue"), 0, "deployment.apps/api labeled");
  KubectlResult managed = k.Run("get deploy api -o yaml --show-managed-fields");
  EXPECT_KUBECTL(managed, 0, "manager: kubectl-label");
  EXPECT_KUBECTL(managed, 0, "operation: Update");
  EXPECT_KUBECTL(managed, 0, "subresource: scale");

  // The scale took .spec.replicas over: another applier setting it now conflicts with the scale.
  // (kubectl's own manager would not: the server lets it take back what its
  // last-applied-configuration annotation names, as kube-apiserver does.)
  KubectlResult after_scale =
      k.Run("apply --server-side --field-manager=other -f -", DeploymentYaml("api", 3, "busybox:1.36"));
  EXPECT_KUBECTL(after_scale, 1,
                 "error: Apply failed with 1 conflict: conflict with \"kubectl\" with subresource \"scale\" using "
                 "apps/v1: .spec.replicas");
}

}  // namespace
}  // namespace skiff
