// RestClient against a real `skiff server` process on loopback.
#include "client/rest_client.h"

#include <catch2/catch.hpp>
#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "apiserver/pki.h"
#include "client/kubeconfig.h"
#include "tests/apiserver/server_process.h"

namespace skiff::client {
namespace {

using nlohmann::json;
using skiff::testing::ServerProcess;
using skiff::testing::TempDir;

std::unique_ptr<RestClient> NewClient(const Kubeconfig& config) {
  Result<std::unique_ptr<RestClient>> c = RestClient::New(config);
  REQUIRE(c.ok());
  return std::move(*c);
}

Kubeconfig ServerConfig(const TempDir& dir) {
  Result<Kubeconfig> k = LoadKubeconfig(dir.path() + "/kubeconfig");
  REQUIRE(k.ok());
  return *k;
}

std::string ConfigMap(const std::string& name, const std::string& value = "v") {
  return json{{"apiVersion", "v1"},
              {"kind", "ConfigMap"},
              {"metadata", {{"name", name}}},
              {"data", {{"k", value}}}}
      .dump();
}

const std::string kConfigMaps = "/api/v1/namespaces/default/configmaps";

TEST_CASE("RestClient speaks the REST verbs to skiff server with the kubeconfig it wrote", "[client][integration]") {
  TempDir dir;
  ServerProcess server(dir.path());
  std::unique_ptr<RestClient> c = NewClient(ServerConfig(dir));

  Result<Response> version = c->Get("/version");
  REQUIRE(version.ok());
  CHECK(version->status == 200);
  CHECK(json::parse(version->body)["gitVersion"].get<std::string>().rfind("v1.", 0) == 0);
  CHECK(version->Header("content-type").find("application/json") != std::string::npos);

  Result<Response> created = c->Post(kConfigMaps, ConfigMap("one"));
  REQUIRE(created.ok());
  CHECK(created->status == 201);
  CHECK(json::parse(created->body)["metadata"]["name"] == "one");

  Result<Response> again = c->Post(kConfigMaps, ConfigMap("one"));
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().code() == Code::kAlreadyExists);
  CHECK(again.status().message().find("\"one\" already exists") != std::string::npos);

  Result<Response> got = c->Get(kConfigMaps + "/one");
  REQUIRE(got.ok());
  json cm = json::parse(got->body);
  cm["data"]["k"] = "updated";
  Result<Response> put = c->Put(kConfigMaps + "/one", cm.dump());
  REQUIRE(put.ok());
  CHECK(json::parse(put->body)["data"]["k"] == "updated");

  Result<Response> stale = c->Put(kConfigMaps + "/one", cm.dump());  // the old resourceVersion
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.status().code() == Code::kConflict);

  Result<Response> patched =
      c->Patch(kConfigMaps + "/one", R"({"data":{"k2":"added"}})", "application/merge-patch+json");
  REQUIRE(patched.ok());
  CHECK(json::parse(patched->body)["data"]["k2"] == "added");

  Result<Response> deleted = c->Delete(kConfigMaps + "/one");
  REQUIRE(deleted.ok());
  Result<Response> gone = c->Get(kConfigMaps + "/one");
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.status().code() == Code::kNotFound);
  CHECK(gone.status().message() == "GET " + kConfigMaps + "/one: configmaps \"one\" not found");

  Result<Response> invalid = c->Post(kConfigMaps, ConfigMap("Not_A_Name"));
  REQUIRE_FALSE(invalid.ok());
  CHECK(invalid.status().code() == Code::kInvalid);
  REQUIRE_FALSE(invalid.status().causes().empty());
  CHECK(invalid.status().causes()[0].field == "metadata.name");
}

TEST_CASE("RestClient credentials: a wrong token is Unauthorized, a client certificate works", "[client][integration]") {
  TempDir dir;
  ServerProcess server(dir.path());
  Kubeconfig config = ServerConfig(dir);

  Kubeconfig wrong = config;
  wrong.token = "not-the-token";
  Result<Response> denied = NewClient(wrong)->Get(kConfigMaps);
  REQUIRE_FALSE(denied.ok());
  CHECK(denied.status().code() == Code::kUnauthorized);

  Result<apiserver::ClientCert> cert =
      apiserver::IssueClientCert(apiserver::PkiPathsIn(dir.path() + "/pki"), "alice", {"system:masters"});
  REQUIRE(cert.ok());
  Kubeconfig by_cert = config;
  by_cert.token.clear();
  by_cert.client_cert_pem = cert->cert_pem;
  by_cert.client_key_pem = cert->key_pem;
  Result<Response> listed = NewClient(by_cert)->Get(kConfigMaps);
  REQUIRE(listed.ok());
  CHECK(json::parse(listed->body)["kind"] == "ConfigMapList");

  Kubeconfig mismatched = by_cert;
  mismatched.client_key_pem = apiserver::IssueClientCert(apiserver::PkiPathsIn(dir.path() + "/pki"), "bob", {})->key_pem;
  Result<std::unique_ptr<RestClient>> refused = RestClient::New(mismatched);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message() == "client key does not match the client certificate");
}

TEST_CASE("RestClient pins the kubeconfig's CA", "[client][integration]") {
  TempDir dir_a, dir_b;
  ServerProcess a(dir_a.path());
  ServerProcess b(dir_b.path());
  Kubeconfig config = ServerConfig(dir_a);
  config.ca_pem = ServerConfig(dir_b).ca_pem;  // another cluster's CA

  Result<Response> r = NewClient(config)->Get("/version");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kUnavailable);
  CHECK(r.status().message().find("GET " + a.url() + "/version: ") == 0);
  CHECK(r.status().message().find("certificate") != std::string::npos);

  Kubeconfig insecure = config;
  insecure.ca_pem.clear();
  insecure.insecure_skip_tls_verify = true;
  CHECK(NewClient(insecure)->Get("/version").ok());

  Kubeconfig garbage = config;
  garbage.ca_pem = "not a certificate";
  Result<std::unique_ptr<RestClient>> bad = RestClient::New(garbage);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == Code::kInvalid);
}

TEST_CASE("RestClient reports a server that is not there as Unavailable", "[client][integration]") {
  TempDir dir;
  Kubeconfig config;
  {
    ServerProcess server(dir.path());
    config = ServerConfig(dir);
    std::unique_ptr<RestClient> c = NewClient(config);
    REQUIRE(c->Get("/version").ok());
    server.Kill(SIGKILL);
    Result<Response> after = c->Get("/version");  // the kept-alive connection is dead too
    REQUIRE_FALSE(after.ok());
    CHECK(after.status().code() == Code::kUnavailable);
  }
  Result<Response> r = NewClient(config)->Get("/version");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kUnavailable);
  CHECK(r.status().message().find(config.server) != std::string::npos);
}

TEST_CASE("RestClient Watch streams events line by line as they happen", "[client][integration]") {
  TempDir dir;
  ServerProcess server(dir.path());
  Kubeconfig config = ServerConfig(dir);
  std::unique_ptr<RestClient> writer = NewClient(config);
  std::unique_ptr<RestClient> watcher = NewClient(config);

  Result<Response> list = writer->Get(kConfigMaps);
  REQUIRE(list.ok());
  std::string rv = json::parse(list->body)["metadata"]["resourceVersion"];

  std::vector<json> events;
  Status watched;
  std::thread watch([&] {
    watched = watcher->Watch(kConfigMaps + "?watch=true&resourceVersion=" + rv, [&](std::string_view line) {
      events.push_back(json::parse(line));
      return events.size() < 3;
    });
  });
  REQUIRE(writer->Post(kConfigMaps, ConfigMap("w1")).ok());
  REQUIRE(writer->Patch(kConfigMaps + "/w1", R"({"data":{"k":"2"}})", "application/merge-patch+json").ok());
  REQUIRE(writer->Delete(kConfigMaps + "/w1").ok());
  watch.join();
  INFO(watched.ToString());
  CHECK(watched.ok());
  REQUIRE(events.size() == 3);
  CHECK(events[0]["type"] == "ADDED");
  CHECK(events[1]["type"] == "MODIFIED");
  CHECK(events[1]["object"]["data"]["k"] == "2");
  CHECK(events[2]["type"] == "DELETED");
  CHECK(events[2]["object"]["metadata"]["name"] == "w1");

  // The client is usable after the watch it stopped.
  CHECK(watcher->Get("/version").ok());

  Status refused = watcher->Watch("/api/v1/namespaces/default/nosuchthings?watch=true", [](std::string_view) {
    return true;
  });
  CHECK(refused.code() == Code::kNotFound);
}

TEST_CASE("StatusFromResponse maps metav1.Status reasons and bare HTTP codes", "[client]") {
  Status expired = StatusFromResponse(
      410, R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old","reason":"Expired","code":410})");
  CHECK(expired.code() == Code::kGone);
  CHECK(expired.message() == "too old");
  Status conflict = StatusFromResponse(409, R"({"kind":"Status","reason":"Conflict","message":"stale"})");
  CHECK(conflict.code() == Code::kConflict);
  Status exists = StatusFromResponse(409, R"({"kind":"Status","reason":"AlreadyExists","message":"x"})");
  CHECK(exists.code() == Code::kAlreadyExists);
  Status bare = StatusFromResponse(503, "<html>busy</html>");
  CHECK(bare.code() == Code::kUnavailable);
  CHECK(bare.message() == "the server answered HTTP 503");
  Status invalid = StatusFromResponse(
      422, R"({"kind":"Status","reason":"Invalid","message":"bad","details":{"causes":[{"field":"spec.x","reason":"FieldValueRequired","message":"Required value"}]}})");
  CHECK(invalid.code() == Code::kInvalid);
  REQUIRE(invalid.causes().size() == 1);
  CHECK(invalid.causes()[0] == FieldCause{"spec.x", "FieldValueRequired", "Required value"});
  CHECK(StatusFromResponse(500, R"({"kind":"Status","reason":"SomethingNew"})").code() == Code::kInternal);
}

}  // namespace
}  // namespace skiff::client
