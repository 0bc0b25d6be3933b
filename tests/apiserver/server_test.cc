// Integration tests: a real `skiff server` process on loopback, driven over HTTP.
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "tests/apiserver/server_process.h"

namespace skiff {
namespace {

using nlohmann::json;
using testing::ServerProcess;
using testing::TempDir;

json Pod(const std::string& name, const std::string& app = "web") {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"labels", {{"app", app}}}}},
          {"spec", {{"containers", {{{"name", "c"}, {"image", "busybox:1.36"}}}}}}};
}

json Body(const httplib::Result& r) {
  REQUIRE(r);
  return json::parse(r->body);
}

constexpr const char* kPods = "/api/v1/namespaces/default/pods";

TEST_CASE("server answers health and version", "[integration][apiserver]") {
  TempDir dir;
  ServerProcess server(dir.path());
  auto client = server.NewClient();
  httplib::Client& c = *client;
  auto health = c.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(health->body == "ok");
  json version = Body(c.Get("/version"));
  CHECK(version["major"] == "1");
  CHECK(version["minor"] == "32");
  json namespaces = Body(c.Get("/api/v1/namespaces"));
  std::vector<std::string> names;
  for (const auto& ns : namespaces["items"]) names.push_back(ns["metadata"]["name"]);
  CHECK(std::find(names.begin(), names.end(), "default") != names.end());
  CHECK(std::find(names.begin(), names.end(), "kube-system") != names.end());
  CHECK(std::find(names.begin(), names.end(), "kube-public") != names.end());
}

TEST_CASE("metrics count requests by verb and resource and report the store", "[integration][apiserver]") {
  TempDir dir;
  ServerProcess server(dir.path());
  auto client = server.NewClient();
  REQUIRE(client->Post(kPods, Pod("m-1").dump(), "application/json")->status == 201);
  REQUIRE(client->Get(std::string(kPods) + "/nope")->status == 404);
  auto metrics = client->Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->status == 200);
  const std::string& text = metrics->body;
  CHECK_THAT(text, Catch::Matchers::Contains("skiff_apiserver_requests_total{verb=\"create\",resource=\"pods\",code=\"201\"} 1"));
  CHECK_THAT(text, Catch::Matchers::Contains("skiff_apiserver_requests_total{verb=\"get\",resource=\"pods\",code=\"404\"} 1"));
  CHECK_THAT(text, Catch::Matchers::Contains("skiff_apiserver_request_duration_seconds_count{verb=\"create\",resource=\"pods\"} 1"));
  CHECK_THAT(text, Catch::Matchers::Contains("skiff_apiserver_watches 0"));
  CHECK_THAT(text, Catch::Matchers::Contains("skiff_store_commit_batches_total"));
  CHECK_THAT(text, Catch::Matchers::Contains("skiff_store_commit_duration_seconds_count"));
}

TEST_CASE("pods: create, get, conflict, list by label, delete", "[integration][apiserver]") {
  TempDir dir;
  ServerProcess server(dir.path());
  auto client = server.NewClient();
  httplib::Client& c = *client;

  auto created = c.Post(kPods, Pod("web-1").dump(), "application/json");
  REQUIRE(created);
  REQUIRE(created->status == 201);
  json pod = json::parse(created->body);
  CHECK_FALSE(pod["metadata"]["uid"].get<std::string>().empty());
  CHECK(pod["metadata"]["namespace"] == "default");
  CHECK(pod["spec"]["restartPolicy"] == "Always");  // defaulted
  std::string rv = pod["metadata"]["resourceVersion"];

  auto dup = c.Post(kPods, Pod("web-1").dump(), "application/json");
  REQUIRE(dup);
  CHECK(dup->status == 409);
  json dup_status = json::parse(dup->body);
  CHECK(dup_status["reason"] == "AlreadyExists");
  CHECK(dup_status["message"] == "pods \"web-1\" already exists");

  // A PUT with the current resourceVersion succeeds; a second one with the same, now stale, fails.
  json changed = pod;
  changed["metadata"]["labels"]["tier"] = "front";
  auto put = c.Put(std::string(kPods) + "/web-1", changed.dump(), "application/json");
  REQUIRE(put);
  CHECK(put->status == 200);
  auto stale = c.Put(std::string(kPods) + "/web-1", changed.dump(), "application/json");
  REQUIRE(stale);
  CHECK(stale->status == 409);
  CHECK(json::parse(stale->body)["reason"] == "Conflict");

  REQUIRE(c.Post(kPods, Pod("db-1", "db").dump(), "application/json")->status == 201);
  json web = Body(c.Get(std::string(kPods) + "?labelSelector=app%3Dweb"));
  REQUIRE(web["items"].size() == 1);
  CHECK(web["items"][0]["metadata"]["name"] == "web-1");
  json not_web = Body(c.Get(std::string(kPods) + "?labelSelector=app%20notin%20(web)"));
  REQUIRE(not_web["items"].size() == 1);
  CHECK(not_web["items"][0]["metadata"]["name"] == "db-1");
  json by_name = Body(c.Get("/api/v1/pods?fieldSelector=metadata.name%3Ddb-1"));
  CHECK(by_name["items"].size() == 1);

  auto del = c.Delete(std::string(kPods) + "/web-1");
  REQUIRE(del);
  CHECK(del->status == 200);
  auto missing = c.Get(std::string(kPods) + "/web-1");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(json::parse(missing->body)["message"] == "pods \"web-1\" not found");

  // A YAML body is as good as JSON.
  auto from_yaml = c.Post(kPods, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: from-yaml\nspec:\n  containers:\n"
                                 "  - name: c\n    image: busybox\n", "application/yaml");
  REQUIRE(from_yaml);
  CHECK(from_yaml->status == 201);
  CHECK(json::parse(from_yaml->body)["metadata"]["name"] == "from-yaml");
}

TEST_CASE("bad input is rejected with a Status and changes nothing", "[integration][apiserver]") {
  TempDir dir;
  ServerProcess server(dir.path());
  auto client = server.NewClient();
  httplib::Client& c = *client;
  std::string before = Body(c.Get(kPods))["metadata"]["resourceVersion"];

  auto malformed = c.Post(kPods, "{\"apiVersion\": \"v1\",", "application/json");
  REQUIRE(malformed);
  CHECK(malformed->status == 400);
  CHECK(json::parse(malformed->body)["reason"] == "BadRequest");

  json invalid = Pod("Bad_Name");
  invalid["spec"]["containers"][0].erase("image");
  auto rejected = c.Post(kPods, invalid.dump(), "application/json");
  REQUIRE(rejected);
  CHECK(rejected->status == 422);
  json status = json::parse(rejected->body);
  CHECK(status["reason"] == "Invalid");
  std::vector<std::string> fields;
  for (const auto& cause : status["details"]["causes"]) fields.push_back(cause["field"]);
  CHECK(std::find(fields.begin(), fields.end(), "metadata.name") != fields.end());
  CHECK(std::find(fields.begin(), fields.end(), "spec.containers[0].image") != fields.end());

  json unknown = Pod("ok-name");
  unknown["spec"]["bogus"] = 1;
  auto strict = c.Post(std::string(kPods) + "?fieldValidation=Strict", unknown.dump(), "application/json");
  REQUIRE(strict);
  CHECK(strict->status == 400);
  CHECK(json::parse(strict->body)["message"].get<std::string>().find("spec.bogus") != std::string::npos);

  auto bad_yaml = c.Post(kPods, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n", "application/yaml");
  REQUIRE(bad_yaml);
  CHECK(bad_yaml->status == 400);
  CHECK(json::parse(bad_yaml->body)["message"].get<std::string>().find("body:") != std::string::npos);

  auto no_ns = c.Post("/api/v1/namespaces/nope/pods", Pod("x").dump(), "application/json");
  REQUIRE(no_ns);
  CHECK(no_ns->status == 404);

  auto no_kind = c.Get("/api/v1/namespaces/default/widgets");
  REQUIRE(no_kind);
  CHECK(no_kind->status == 404);

  std::string huge(4 << 20, ' ');
  auto too_big = c.Post(kPods, huge, "application/json");
  REQUIRE(too_big);
  CHECK(too_big->status == 413);

  std::string after = Body(c.Get(kPods))["metadata"]["resourceVersion"];
  CHECK(after == before);
}

TEST_CASE("watch streams events after a resourceVersion", "[integration][apiserver]") {
  TempDir dir;
  ServerProcess server(dir.path());
  auto client = server.NewClient();
  httplib::Client& c = *client;
  std::string rv = Body(c.Get(kPods))["metadata"]["resourceVersion"];

  std::vector<json> events;
  std::thread watcher([&] {
    auto wc = server.NewClient();
    httplib::Client& w = *wc;
    std::string buffer;
    // Like kubectl, ask for gzip: events must still arrive as they happen, not when the stream ends.
    w.Get((std::string(kPods) + "?watch=true&timeoutSeconds=60&resourceVersion=" + rv).c_str(),
          {{"Accept-Encoding", "gzip"}},
          [&](const char* data, size_t n) {
            buffer.append(data, n);
            size_t nl;
            while ((nl = buffer.find('\n')) != std::string::npos) {
              events.push_back(json::parse(buffer.substr(0, nl)));
              buffer.erase(0, nl + 1);
            }
            return events.size() < 3;
          });
  });
  REQUIRE(c.Post(kPods, Pod("w-1").dump(), "application/json")->status == 201);
  json pod = Body(c.Get(std::string(kPods) + "/w-1"));
  pod["metadata"]["labels"]["x"] = "y";
  REQUIRE(c.Put(std::string(kPods) + "/w-1", pod.dump(), "application/json")->status == 200);
  REQUIRE(c.Delete(std::string(kPods) + "/w-1")->status == 200);
  auto wrote = std::chrono::steady_clock::now();
  watcher.join();
  CHECK(std::chrono::steady_clock::now() - wrote < std::chrono::seconds(10));
  REQUIRE(events.size() == 3);
  CHECK(events[0]["type"] == "ADDED");
  CHECK(events[1]["type"] == "MODIFIED");
  CHECK(events[1]["object"]["metadata"]["labels"]["x"] == "y");
  CHECK(events[2]["type"] == "DELETED");
  CHECK(events[2]["object"]["metadata"]["name"] == "w-1");
}

TEST_CASE("a selective watch sees objects enter and leave its selection", "[integration][apiserver]") {
  TempDir dir;
  ServerProcess server(dir.path());
  auto client = server.NewClient();
  httplib::Client& c = *client;
  REQUIRE(c.Post(kPods, Pod("before", "db").dump(), "application/json")->status == 201);
  std::string rv = Body(c.Get(kPods))["metadata"]["resourceVersion"];

  std::vector<std::pair<std::string, std::string>> events;  // type, name
  std::thread watcher([&] {
    auto wc = server.NewClient();
    std::string buffer;
    wc->Get((std::string(kPods) + "?watch=true&labelSelector=app%3Dweb&timeoutSeconds=30&resourceVersion=" + rv).c_str(),
            [&](const char* data, size_t n) {
              buffer.append(data, n);
              size_t nl;
              while ((nl = buffer.find('\n')) != std::string::npos) {
                json ev = json::parse(buffer.substr(0, nl));
                events.emplace_back(ev["type"], ev["object"]["metadata"]["name"]);
                buffer.erase(0, nl + 1);
              }
              return events.size() < 5;
            });
  });
  auto relabel = [&](const std::string& name, const std::string& app) {
    json pod = Body(c.Get(std::string(kPods) + "/" + name));
    pod["metadata"]["labels"]["app"] = app;
    REQUIRE(c.Put(std::string(kPods) + "/" + name, pod.dump(), "application/json")->status == 200);
  };
  REQUIRE(c.Post(kPods, Pod("w").dump(), "application/json")->status == 201);  // ADDED
  relabel("w", "db");                                                           // DELETED: left
  relabel("w", "web");                                                          // ADDED: back
  relabel("before", "web");  // ADDED: created before the watch, never seen by it, now matches
  REQUIRE(c.Post(kPods, Pod("other", "db").dump(), "application/json")->status == 201);  // not shown
  REQUIRE(c.Delete(std::string(kPods) + "/w")->status == 200);                           // DELETED
  watcher.join();
  std::vector<std::pair<std::string, std::string>> want = {
      {"ADDED", "w"}, {"DELETED", "w"}, {"ADDED", "w"}, {"ADDED", "before"}, {"DELETED", "w"}};
  CHECK(events == want);
}

TEST_CASE("restart keeps objects and resourceVersions keep increasing", "[integration][apiserver]") {
  TempDir dir;
  int64_t rv_before = 0;
  {
    ServerProcess server(dir.path());
    auto client = server.NewClient();
  httplib::Client& c = *client;
    auto r = c.Post(kPods, Pod("keep-me").dump(), "application/json");
    REQUIRE(r->status == 201);
    rv_before = std::stoll(json::parse(r->body)["metadata"]["resourceVersion"].get<std::string>());
    CHECK(WIFEXITED(server.Kill(SIGTERM)));
  }
  ServerProcess server(dir.path());
  auto client = server.NewClient();
  httplib::Client& c = *client;
  json pod = Body(c.Get(std::string(kPods) + "/keep-me"));
  CHECK(pod["metadata"]["name"] == "keep-me");
  auto r = c.Post(kPods, Pod("after").dump(), "application/json");
  REQUIRE(r->status == 201);
  CHECK(std::stoll(json::parse(r->body)["metadata"]["resourceVersion"].get<std::string>()) > rv_before);
}

TEST_CASE("requests without a valid credential get 401", "[integration][apiserver]") {
  TempDir dir;
  ServerProcess server(dir.path());
  auto anonymous = server.NewClient(/*anonymous=*/true);
  auto r = anonymous->Get(kPods);
  REQUIRE(r);
  CHECK(r->status == 401);
  CHECK(json::parse(r->body)["reason"] == "Unauthorized");
  anonymous->set_bearer_token_auth("not-a-token");
  r = anonymous->Get(kPods);
  REQUIRE(r);
  CHECK(r->status == 401);
  CHECK(anonymous->Get("/healthz")->status == 200);
  auto admin = server.NewClient();
  CHECK(admin->Get(kPods)->status == 200);
}

TEST_CASE("bad flags and unusable data dirs fail with one line", "[integration][apiserver]") {
  std::string bin = testing::BinDir() + "/skiff";
  CHECK(WEXITSTATUS(std::system((bin + " server --listen nonsense 2>/dev/null").c_str())) == 2);
  CHECK(WEXITSTATUS(std::system((bin + " server --bogus 2>/dev/null").c_str())) == 2);
  TempDir dir;
  std::string file = dir.path() + "/a-file";
  std::system(("touch " + file).c_str());
  CHECK(WEXITSTATUS(std::system((bin + " server --data-dir " + file + " --listen 127.0.0.1:0 2>/dev/null").c_str())) == 1);
}

}  // namespace
}  // namespace skiff
