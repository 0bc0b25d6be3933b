#include "ctl/get_command.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "client/rest_client.h"
#include "ctl/resource_path.h"
#include "tests/apiserver/server_process.h"

namespace skiff::ctl {
namespace {

using nlohmann::json;
using skiff::testing::ServerProcess;
using skiff::testing::TempDir;

struct Run {
  int code;
  std::string out, err;
};

class GetFixture {
 public:
  GetFixture() : server_(dir_.path()) {
    Result<client::Kubeconfig> config = client::LoadKubeconfig(kubeconfig());
    REQUIRE(config.ok());
    Result<std::unique_ptr<client::RestClient>> c = client::RestClient::New(*config);
    REQUIRE(c.ok());
    rest_ = std::move(*c);
    REQUIRE(rest_->Post("/api/v1/namespaces", R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team"}})").ok());
    CreateConfigMap("default", "alpha", "web");
    CreateConfigMap("default", "beta", "db");
    CreateConfigMap("team", "gamma", "web");
  }

  Run Get(std::vector<std::string> args) {
    args.insert(args.begin(), {"--kubeconfig", kubeconfig()});
    Result<GlobalFlags> flags = ParseGlobalFlags(args);
    REQUIRE(flags.ok());
    std::ostringstream out, err;
    int code = RunGet(*flags, args, out, err);
    return {code, out.str(), err.str()};
  }

 private:
  std::string kubeconfig() const { return dir_.path() + "/kubeconfig"; }
  void CreateConfigMap(const std::string& ns, const std::string& name, const std::string& app) {
    json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"labels", {{"app", app}}}}}};
    REQUIRE(rest_->Post("/api/v1/namespaces/" + ns + "/configmaps", cm.dump()).ok());
  }

  TempDir dir_;
  ServerProcess server_;
  std::unique_ptr<client::RestClient> rest_;
};

TEST_CASE("skiffctl get prints names, JSON, YAML and tables", "[ctl][integration]") {
  GetFixture f;
  SECTION("-o name in the context's namespace") {
    Run r = f.Get({"cm", "-o", "name"});
    CHECK(r.code == 0);
    CHECK(r.out == "configmap/alpha\nconfigmap/beta\n");
  }
  SECTION("a label selector, all namespaces") {
    Run r = f.Get({"configmaps", "-A", "-l", "app=web", "-o", "name"});
    CHECK(r.code == 0);
    CHECK(r.out == "configmap/alpha\nconfigmap/gamma\n");
  }
  SECTION("-n picks the namespace; kind/name form; JSON of one object") {
    Run r = f.Get({"-n", "team", "ConfigMap/gamma", "-o", "json"});
    REQUIRE(r.code == 0);
    json obj = json::parse(r.out);
    CHECK(obj["metadata"]["name"] == "gamma");
    CHECK(obj["metadata"]["namespace"] == "team");
  }
  SECTION("a list as YAML is a List with typed items") {
    Run r = f.Get({"configmap", "-l", "app=db", "-o", "yaml"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("kind: List\n") != std::string::npos);
    CHECK(r.out.find("  kind: ConfigMap\n") != std::string::npos);
    CHECK(r.out.find("    name: beta\n") != std::string::npos);
  }
  SECTION("the server's table, with a NAMESPACE column for -A") {
    Run r = f.Get({"configmaps", "-A"});
    REQUIRE(r.code == 0);
    CHECK(r.out.rfind("NAMESPACE   NAME    DATA   AGE\n", 0) == 0);
    CHECK(r.out.find("\nteam        gamma   0      ") != std::string::npos);
  }
  SECTION("nothing found") {
    Run r = f.Get({"configmaps", "-l", "app=none"});
    CHECK(r.code == 0);
    CHECK(r.out.empty());
    CHECK(r.err == "No resources found in default namespace.\n");
  }
  SECTION("errors") {
    Run missing = f.Get({"configmaps", "nope"});
    CHECK(missing.code == 1);
    CHECK(missing.err == "Error from server (NotFound): configmaps \"nope\" not found\n");
    Run unknown = f.Get({"widgets"});
    CHECK(unknown.code == 1);
    CHECK(unknown.err == "skiffctl get: the server doesn't have a resource type \"widgets\"\n");
    Run bad_output = f.Get({"pods", "-o", "wide"});
    CHECK(bad_output.code == 2);
  }
}

TEST_CASE("ResolveResource accepts plural, singular, short and kind names, with a group", "[ctl]") {
  REQUIRE(ResolveResource("po") != nullptr);
  CHECK(ResolveResource("po")->kind == "Pod");
  CHECK(ResolveResource("Pods")->kind == "Pod");
  CHECK(ResolveResource("deployment")->group == "apps");
  CHECK(ResolveResource("deployments.apps")->kind == "Deployment");
  CHECK(ResolveResource("deployments.batch") == nullptr);
  CHECK(ResolveResource("widgets") == nullptr);
  CHECK(ResourcePath(*ResolveResource("deploy"), "web") == "/apis/apps/v1/namespaces/web/deployments");
  CHECK(ResourcePath(*ResolveResource("ns"), "ignored", "kube-system") == "/api/v1/namespaces/kube-system");
  CHECK(ResourcePath(*ResolveResource("pods"), "") == "/api/v1/pods");
  CHECK(QueryEscape("app in (a,b),tier!=x") == "app%20in%20%28a%2Cb%29%2Ctier%21%3Dx");
}

}  // namespace
}  // namespace skiff::ctl
