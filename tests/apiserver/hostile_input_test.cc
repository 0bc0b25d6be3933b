// Odd and hostile input against a real `skiff server` process: YAML alias
// bombs, bytes that are not UTF-8, duplicate keys, stale resourceVersions in
// patches, impersonation headers. Each must get the answer kube-apiserver gives
// (or a refusal where skiff cannot do what it asks), never a 500 and never
// internal detail.
#include <httplib.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "api/json_body.h"
#include "apiserver/apply/apply.h"
#include "apiserver/http_util.h"
#include "tests/api/alias_bomb.h"
#include "tests/apiserver/kubectl_checks.h"
#include "tests/apiserver/kubectl_runner.h"
#include "tests/apiserver/server_process.h"
#include "tests/small_stack.h"

namespace skiff {
namespace {

using nlohmann::json;
using testing::KubectlRunner;
using testing::AliasBomb;
using testing::OnSmallStack;
using testing::RequireKubectl;
using testing::ServerProcess;
using testing::TempDir;

constexpr const char* kConfigMaps = "/api/v1/namespaces/default/configmaps";

TEST_CASE("a YAML alias bomb is refused within a few MB of server memory",
          "[integration][apiserver][hostile]") {
  TempDir dir;
  ServerProcess server(dir.path());
  constexpr int kParallel = 16;
  // Warm up: every connection thread and code path the bombs will use.
  std::vector<std::unique_ptr<httplib::Client>> clients;
  for (int i = 0; i < kParallel; ++i) {
    clients.push_back(server.NewClient());
    clients.back()->set_read_timeout(30, 0);
  }
  std::string small =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: warm}\ndata: {a: &a x, b: *a}\n";
  REQUIRE(clients[0]->Post(kConfigMaps, small, "application/yaml")->status == 201);
  auto all = [&](const std::string& body, std::vector<int>* codes) {
    std::vector<std::thread> threads;
    codes->assign(kParallel, 0);
    for (int i = 0; i < kParallel; ++i) {
      threads.emplace_back([&, i] {
        httplib::Result r = clients[i]->Post(kConfigMaps, body, "application/yaml");
        (*codes)[i] = r ? r->status : -1;
      });
    }
    for (auto& t : threads) t.join();
  };
  std::vector<int> codes;
  all(small, &codes);  // 409s, but every connection is open now
  long before = testing::ProcStatusKib(server.pid(), "VmHWM");
  REQUIRE(before > 0);

  std::string bomb = AliasBomb();
  CHECK(bomb.size() < 600);
  httplib::Result one = clients[0]->Post(kConfigMaps, bomb, "application/yaml");
  REQUIRE(one);
  CHECK(one->status == 400);
  CHECK(json::parse(one->body).value("message", "").find("aliases expand the document past") !=
        std::string::npos);
  all(bomb, &codes);
  for (int code : codes) CHECK(code == 400);
  long after = testing::ProcStatusKib(server.pid(), "VmHWM");
  INFO("VmHWM before " << before << " KiB, after " << after << " KiB");
  CHECK(after - before < 8 * 1024);
}

TEST_CASE("bytes that are not UTF-8 are replaced, never a 500",
          "[integration][apiserver][hostile]") {
  TempDir dir;
  ServerProcess server(dir.path());
  auto client = server.NewClient();
  httplib::Client& c = *client;
  auto no_leak = [](const httplib::Result& r) {
    REQUIRE(r);
    CHECK(r->status != 500);
    CHECK_FALSE(r->has_header("EXCEPTION_WHAT"));
    CHECK(json::parse(r->body, nullptr, false).is_object());
  };

  // In a body: the bytes become U+FFFD, as kube-apiserver decodes them.
  std::string body =
      "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"u\","
      "\"annotations\":{\"a\":\"x\xff\xfey\"}},\"data\":{\"k\":\"\xc3\"}}";
  httplib::Result created = c.Post(kConfigMaps, body, "application/json");
  no_leak(created);
  CHECK(created->status == 201);
  json cm = json::parse(c.Get(std::string(kConfigMaps) + "/u")->body);
  CHECK(cm["metadata"]["annotations"]["a"] == "x\xEF\xBF\xBD\xEF\xBF\xBDy");
  CHECK(cm["data"]["k"] == "\xEF\xBF\xBD");

  // Outside a string: a 400 whose message carries no raw byte.
  httplib::Result syntax = c.Post(kConfigMaps, "{\"kind\":\xff}", "application/json");
  no_leak(syntax);
  CHECK(syntax->status == 400);

  // In the User-Agent and in fieldManager: the managedFields entry gets U+FFFD.
  httplib::Headers agent = {{"User-Agent", "agent\xff/1.0"}};
  std::string cm2 =
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ua"},"data":{"k":"v"}})";
  httplib::Result by_agent = c.Post(kConfigMaps, agent, cm2, "application/json");
  no_leak(by_agent);
  CHECK(by_agent->status == 201);
  CHECK(json::parse(by_agent->body)["metadata"]["managedFields"][0]["manager"] ==
        "agent\xEF\xBF\xBD");
  std::string cm3 =
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"fm"},"data":{"k":"v"}})";
  httplib::Result by_param =
      c.Post(std::string(kConfigMaps) + "?fieldManager=m%FF", cm3, "application/json");
  no_leak(by_param);
  CHECK(by_param->status == 201);
  CHECK(json::parse(by_param->body)["metadata"]["managedFields"][0]["manager"] == "m\xEF\xBF\xBD");

  // In a name on the path: the 404 names it with U+FFFD.
  httplib::Result missing = c.Get(std::string(kConfigMaps) + "/n%FF");
  no_leak(missing);
  CHECK(missing->status == 404);
}

TEST_CASE("an exception is answered with a Status 500 that says nothing internal",
          "[apiserver][hostile]") {
  httplib::Request req;
  req.method = "GET";
  req.path = "/api/v1/pods";
  httplib::Response res;
  res.set_header("X-Before", "1");
  apiserver::SendInternalError(res, std::runtime_error("secret detail at 0xdeadbeef"), req);
  CHECK(res.status == 500);
  CHECK_FALSE(res.has_header("X-Before"));
  CHECK(res.body.find("secret") == std::string::npos);
  json status = json::parse(res.body);
  CHECK(status["kind"] == "Status");
  CHECK(status["reason"] == "InternalError");
}

TEST_CASE("duplicate keys: refused under Strict, warned under Warn, accepted under Ignore",
          "[integration][apiserver][hostile]") {
  TempDir dir;
  ServerProcess server(dir.path());
  auto client = server.NewClient();
  httplib::Client& c = *client;
  auto body = [](const std::string& name) {
    return R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" + name +
           R"(","labels":{"a":"1","a":"2"}},"data":{"k":"v"}})";
  };
  auto yaml = [](const std::string& name) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name +
           "\ndata:\n  k: v\n  k: w\n";
  };
  const std::string strict = std::string(kConfigMaps) + "?fieldValidation=Strict";
  const std::string warn = std::string(kConfigMaps) + "?fieldValidation=Warn";
  const std::string ignore = std::string(kConfigMaps) + "?fieldValidation=Ignore";

  httplib::Result refused = c.Post(strict, body("s"), "application/json");
  REQUIRE(refused);
  CHECK(refused->status == 400);
  CHECK(json::parse(refused->body)["message"] ==
        "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: "
        "duplicate field \"metadata.labels.a\"");
  httplib::Result refused_yaml = c.Post(strict, yaml("sy"), "application/yaml");
  REQUIRE(refused_yaml);
  CHECK(refused_yaml->status == 400);
  CHECK(refused_yaml->body.find("duplicate field \\\"data.k\\\"") != std::string::npos);

  httplib::Result warned = c.Post(warn, body("w"), "application/json");
  REQUIRE(warned);
  CHECK(warned->status == 201);
  CHECK(warned->get_header_value("Warning").find("duplicate field") != std::string::npos);
  CHECK(json::parse(warned->body)["metadata"]["labels"]["a"] == "2");  // the last wins

  httplib::Result ignored = c.Post(ignore, yaml("i"), "application/yaml");
  REQUIRE(ignored);
  CHECK(ignored->status == 201);
  CHECK_FALSE(ignored->has_header("Warning"));

  // A patch with a duplicate key, under Strict.
  httplib::Result patched =
      c.Patch(std::string(kConfigMaps) + "/w?fieldValidation=Strict",
              R"({"data":{"k":"1","k":"2"}})", "application/merge-patch+json");
  REQUIRE(patched);
  CHECK(patched->status == 400);
  CHECK(patched->body.find("duplicate field \\\"data.k\\\"") != std::string::npos);
}

TEST_CASE("a patch that sets a stale resourceVersion is a Conflict, whatever its type",
          "[integration][apiserver][hostile]") {
  TempDir dir;
  ServerProcess server(dir.path());
  auto client = server.NewClient();
  httplib::Client& c = *client;
  std::string cm =
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"rv"},"data":{"k":"0"}})";
  httplib::Result created = c.Post(kConfigMaps, cm, "application/json");
  REQUIRE(created);
  REQUIRE(created->status == 201);
  std::string stale = json::parse(created->body)["metadata"]["resourceVersion"];
  const std::string path = std::string(kConfigMaps) + "/rv";
  REQUIRE(c.Patch(path, R"({"data":{"k":"1"}})", "application/merge-patch+json")->status == 200);

  struct Case {
    const char* type;
    std::string body;
  };
  std::vector<Case> cases = {
      {"application/json-patch+json",
       R"([{"op":"replace","path":"/metadata/resourceVersion","value":")" + stale +
           R"("},{"op":"replace","path":"/data/k","value":"2"}])"},
      {"application/merge-patch+json",
       R"({"metadata":{"resourceVersion":")" + stale + R"("},"data":{"k":"2"}})"},
      {"application/strategic-merge-patch+json",
       R"({"metadata":{"resourceVersion":")" + stale + R"("},"data":{"k":"2"}})"},
  };
  for (const Case& k : cases) {
    INFO(k.type);
    httplib::Result r = c.Patch(path, k.body, k.type);
    REQUIRE(r);
    CHECK(r->status == 409);
    CHECK(json::parse(r->body)["reason"] == "Conflict");
  }
  CHECK(json::parse(c.Get(path)->body)["data"]["k"] == "1");

  // The current resourceVersion is a precondition that holds; no resourceVersion, none.
  std::string current = json::parse(c.Get(path)->body)["metadata"]["resourceVersion"];
  httplib::Result fresh = c.Patch(
      path, R"([{"op":"replace","path":"/metadata/resourceVersion","value":")" + current + R"("}])",
      "application/json-patch+json");
  REQUIRE(fresh);
  CHECK(fresh->status == 200);
  CHECK(c.Patch(path, R"([{"op":"replace","path":"/data/k","value":"3"}])",
                "application/json-patch+json")
            ->status == 200);
}

// Found by an adversarial session: a dry-run delete deleted for real (a whole
// namespace with `kubectl delete ns x --dry-run=server`), and a DeleteOptions
// body that did not parse was dropped with its preconditions.
TEST_CASE("a dry run changes nothing and DeleteOptions that do not parse are refused",
          "[integration][apiserver][hostile]") {
  TempDir dir;
  ServerProcess server(dir.path());
  auto c = server.NewClient();
  auto make = [&](const std::string& name) {
    std::string body =
        R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" + name + R"("}})";
    REQUIRE(c->Post(kConfigMaps, body, "application/json")->status == 201);
  };
  auto exists = [&](const std::string& name) {
    return server.NewClient()->Get(std::string(kConfigMaps) + "/" + name)->status == 200;
  };
  make("a");
  CHECK(c->Delete(std::string(kConfigMaps) + "/a?dryRun=All")->status == 200);
  CHECK(server.NewClient()
            ->Delete(std::string(kConfigMaps) + "/a", R"({"dryRun":["All"]})", "application/json")
            ->status == 200);
  CHECK(server.NewClient()->Delete(std::string(kConfigMaps) + "/a?dryRun=Bogus")->status == 400);
  CHECK(server.NewClient()->Delete(std::string(kConfigMaps) + "?dryRun=All")->status == 400);
  CHECK(server.NewClient()
            ->Delete(std::string(kConfigMaps) + "/a", R"({"preconditions":{"uid":"wrong"},"x":)",
                     "application/json")
            ->status == 400);
  CHECK(server.NewClient()
            ->Delete(std::string(kConfigMaps) + "/a", "preconditions:\n  uid: wrong\n",
                     "application/yaml")
            ->status == 400);
  CHECK(exists("a"));
  // The namespace and its contents survive a dry-run delete of the namespace.
  REQUIRE(c->Post("/api/v1/namespaces",
                  R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"victim"}})",
                  "application/json")
              ->status == 201);
  auto ns = server.NewClient()->Delete("/api/v1/namespaces/victim?dryRun=All");
  REQUIRE(ns);
  CHECK(ns->status == 202);
  CHECK(server.NewClient()->Get("/api/v1/namespaces/victim")->status == 200);
  CHECK(
      json::parse(server.NewClient()->Get("/api/v1/namespaces/victim")->body)["status"]["phase"] ==
      "Active");
  // Subresource writes that cannot be dry-run yet are refused, not done.
  CHECK(server.NewClient()
            ->Patch(std::string(kConfigMaps) + "/a/status?dryRun=All", "{}",
                    "application/merge-patch+json")
            ->status != 200);

  if (!RequireKubectl()) return;
  TempDir cache;
  KubectlRunner k(dir.path(), cache.path());
  CHECK(k.Run("delete configmap a --dry-run=server").exit_code == 0);
  CHECK(exists("a"));
  CHECK(k.Run("delete namespace victim --dry-run=server").exit_code == 0);
  CHECK(server.NewClient()->Get("/api/v1/namespaces/victim")->status == 200);
  CHECK(k.Run("delete configmap a").exit_code == 0);
  CHECK_FALSE(exists("a"));
}

TEST_CASE("impersonation is refused with 403 naming the header",
          "[integration][apiserver][hostile]") {
  TempDir dir;
  ServerProcess server(dir.path());
  // A refusal closes its connection (the body, if any, is left unread), so
  // each refused request gets a client of its own.
  for (const char* header :
       {"Impersonate-User", "Impersonate-Group", "Impersonate-Uid", "Impersonate-Extra-scopes"}) {
    INFO(header);
    httplib::Result r =
        server.NewClient()->Get("/api/v1/namespaces/default/pods", {{header, "someone"}});
    REQUIRE(r);
    CHECK(r->status == 403);
    json status = json::parse(r->body);
    CHECK(status["reason"] == "Forbidden");
    CHECK(status["message"].get<std::string>().find(std::string("\"") + header + "\" header") !=
          std::string::npos);
  }
  CHECK(server.NewClient()
            ->Post(kConfigMaps, {{"Impersonate-User", "someone"}},
                   R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"as"}})",
                   "application/json")
            ->status == 403);
  CHECK(server.NewClient()->Get(std::string(kConfigMaps) + "/as")->status == 404);
  // Discovery, OpenAPI, metrics and the version answer every user alike: the
  // header changes nothing there, and the answer says so in a warning.
  for (const char* path : {"/api", "/apis", "/api/v1", "/openapi/v3", "/metrics", "/version"}) {
    INFO(path);
    httplib::Result r = server.NewClient()->Get(path, {{"Impersonate-User", "someone"}});
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->get_header_value("Warning").find("Impersonate-User") != std::string::npos);
  }

  if (!RequireKubectl()) return;
  TempDir cache;
  KubectlRunner k(dir.path(), cache.path());
  testing::KubectlResult as = k.Run("--as=someone get pods");
  INFO(as.out);
  CHECK(as.exit_code != 0);
  CHECK(as.out.find("Forbidden") != std::string::npos);
  CHECK(as.out.find("Impersonate-User") != std::string::npos);
  CHECK(k.Run("get pods").exit_code == 0);
}

TEST_CASE("apply and managed fields over a body at the nesting limit fit a 256 KiB stack",
          "[apiserver][hostile]") {
  std::string inner;
  for (int i = 0; i < api::kMaxNestingDepth - 3; ++i) inner += "{\"a\":";
  inner += "1" + std::string(api::kMaxNestingDepth - 3, '}');
  std::string text =
      R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","labels":)" + inner +
      R"(},"spec":{"template":)" + inner + "}}";
  Result<api::JsonBody> body = api::ParseJsonBody(text);
  REQUIRE(body.ok());
  const api::KindInfo& kind = *api::FindKind("apps/v1", "Deployment");
  json live = {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"metadata", {{"name", "d"}}}};
  bool done = false;
  OnSmallStack(256 * 1024, [&] {
    Result<json> applied = apiserver::apply::Apply(kind, live, body->value, {"m", false, {}});
    if (applied.ok()) {
      json again = *applied;
      (void)apiserver::apply::Apply(kind, *applied, body->value, {"other", false, {}});
      (void)apiserver::apply::RecordUpdate(kind, *applied, again, "n",
                                           apiserver::apply::Scope::kMain, {});
    }
    json updated = body->value;
    (void)apiserver::apply::RecordUpdate(kind, live, updated, "u", apiserver::apply::Scope::kMain,
                                         {});
    done = true;
  });
  CHECK(done);
}

}  // namespace
}  // namespace skiff
