// Hostile request bodies against a real `skiff server` process: bodies nested
// deeply enough to overflow a thread's stack, at every endpoint that decodes or
// patches, must be refused with a 400 that names the limit while the process
// keeps serving; stored objects are bounded however they grow.
#include <httplib.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/apiserver/server_process.h"

namespace skiff {
namespace {

using nlohmann::json;
using testing::ServerProcess;
using testing::TempDir;

constexpr const char* kDeployments = "/apis/apps/v1/namespaces/default/deployments";

// {"a":{"a":...{"a":1}...}} with depth objects, or [[...[1]...]] with depth arrays;
// extra members go into every object ("\"$patch\":\"replace\",").
std::string DeepObjects(int depth, const std::string& extra = "") {
  std::string out;
  out.reserve(depth * (6 + extra.size()) + 8);
  for (int i = 0; i < depth; ++i) out += "{" + extra + "\"a\":";
  out += "1";
  out.append(depth, '}');
  return out;
}

std::string DeepArrays(int depth) {
  return std::string(depth, '[') + "1" + std::string(depth, ']');
}

json Deployment(const std::string& name) {
  json labels = {{"app", name}};
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"replicas", 1},
            {"selector", {{"matchLabels", labels}}},
            {"template",
             {{"metadata", {{"labels", labels}}},
              {"spec", {{"containers", {{{"name", "c"}, {"image", "busybox"}}}}}}}}}}};
}

// A Deployment whose spec is replaced by `spec` (JSON text).
std::string DeploymentWithSpec(const std::string& name, const std::string& spec) {
  return R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":")" + name +
         R"("},"spec":)" + spec + "}";
}

struct Probe {
  std::string what;
  std::string method;
  std::string path;
  std::string content_type;
  std::string body;
};

// Sends the probe; the server must answer 400 naming the limit, and then still
// answer /healthz (a crashed server answers nothing).
void ExpectRefusedTooDeep(httplib::Client& c, const Probe& p) {
  INFO(p.what << " (" << p.body.size() << " bytes)");
  httplib::Headers none;
  httplib::Result r = p.method == "POST"  ? c.Post(p.path, p.body, p.content_type)
                      : p.method == "PUT" ? c.Put(p.path, p.body, p.content_type)
                                          : c.Patch(p.path, p.body, p.content_type);
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK_FALSE(r->has_header("EXCEPTION_WHAT"));
  json status = json::parse(r->body, nullptr, false);
  CHECK(status.value("kind", "") == "Status");
  CHECK(status.value("reason", "") == "BadRequest");
  CHECK(status.value("message", "").find("more than 100 levels deep (the limit)") !=
        std::string::npos);
  httplib::Result health = c.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE(
    "deeply nested bodies are a 400 naming the limit at every endpoint that decodes or patches",
    "[integration][apiserver][hostile]") {
  TempDir dir;
  ServerProcess server(dir.path());
  auto client = server.NewClient();
  httplib::Client& c = *client;
  c.set_read_timeout(30, 0);
  REQUIRE(c.Post(kDeployments, Deployment("web").dump(), "application/json")->status == 201);
  const std::string web = std::string(kDeployments) + "/web";
  const std::string json_type = "application/json";

  // A body at the limit passes the bound (and is then refused for its shape).
  std::string at_limit = "{\"metadata\":{\"annotations\":" + DeepObjects(98) + "}}";
  httplib::Result ok = c.Patch(web, at_limit, "application/merge-patch+json");
  REQUIRE(ok);
  CHECK(ok->body.find("levels deep") == std::string::npos);

  // A JSON patch whose every operation is shallow but adds a level of its own:
  // 120 operations each 99 levels below the last.
  json chain = json::array();
  std::string path = "/metadata/annotations";
  chain.push_back({{"op", "add"}, {"path", path}, {"value", json::object()}});
  for (int i = 0; i < 120; ++i) {
    path += "/a";
    chain.push_back({{"op", "add"}, {"path", path}, {"value", json::object()}});
  }

  std::vector<Probe> probes = {
      {"create: 60k nested objects", "POST", kDeployments, json_type,
       DeploymentWithSpec("deep", DeepObjects(60000))},
      {"create: 200k nested arrays", "POST", kDeployments, json_type,
       DeploymentWithSpec("deep", DeepArrays(200000))},
      {"create: a bare 200k nested array", "POST", kDeployments, json_type, DeepArrays(200000)},
      {"create: YAML, 200k nested flow sequences", "POST", kDeployments, "application/yaml",
       "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: deep}\nspec: " +
           DeepArrays(200000) + "\n"},
      {"create: YAML, 50k nested block sequences", "POST", kDeployments, "application/yaml",
       [] {
         std::string out =
             "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: deep}\nspec:\n  x:\n  ";
         for (int i = 0; i < 50000; ++i) out += "- ";
         return out + "1\n";
       }()},
      {"update: 60k nested objects", "PUT", web, json_type,
       DeploymentWithSpec("web", DeepObjects(60000))},
      {"update of status: 60k nested objects", "PUT", web + "/status", json_type,
       DeploymentWithSpec("web", DeepObjects(60000))},
      {"update of scale: 60k nested objects", "PUT", web + "/scale", json_type, DeepObjects(60000)},
      {"merge patch 20k deep", "PATCH", web, "application/merge-patch+json",
       "{\"spec\":" + DeepObjects(20000) + "}"},
      {"strategic merge patch 10k deep", "PATCH", web, "application/strategic-merge-patch+json",
       "{\"spec\":" + DeepObjects(10000) + "}"},
      {"strategic merge patch 5k deep with $patch: replace", "PATCH", web,
       "application/strategic-merge-patch+json",
       "{\"spec\":" + DeepObjects(5000, "\"$patch\":\"replace\",") + "}"},
      {"JSON patch with a 20k deep value", "PATCH", web, "application/json-patch+json",
       R"([{"op":"add","path":"/metadata/annotations","value":)" + DeepObjects(20000) + "}]"},
      {"JSON patch whose operations nest one below the other", "PATCH", web,
       "application/json-patch+json", chain.dump()},
      {"apply 20k deep (JSON)", "PATCH", web + "?fieldManager=hostile",
       "application/apply-patch+yaml", DeploymentWithSpec("web", DeepObjects(20000))},
      {"apply 20k deep (YAML block)", "PATCH", web + "?fieldManager=hostile",
       "application/apply-patch+yaml",
       [] {
         std::string out =
             "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  x:\n  ";
         for (int i = 0; i < 20000; ++i) out += "- ";
         return out + "1\n";
       }()},
      {"status merge patch 20k deep", "PATCH", web + "/status", "application/merge-patch+json",
       "{\"status\":" + DeepObjects(20000) + "}"},
      {"status strategic merge patch 10k deep", "PATCH", web + "/status",
       "application/strategic-merge-patch+json", "{\"status\":" + DeepObjects(10000) + "}"},
      {"scale merge patch 20k deep", "PATCH", web + "/scale", "application/merge-patch+json",
       "{\"spec\":" + DeepObjects(20000) + "}"},
  };
  for (const Probe& p : probes) ExpectRefusedTooDeep(c, p);

  // Still serving, and the object is what it was.
  json live = json::parse(c.Get(web)->body);
  CHECK(live["spec"]["replicas"] == 1);
}

// A Deployment whose container has one argument of n bytes (no validation bounds it).
json DeploymentOf(const std::string& name, size_t n) {
  json d = Deployment(name);
  d["spec"]["template"]["spec"]["containers"][0]["args"] = {std::string(n, 'x')};
  return d;
}

void ExpectTooLarge(const httplib::Result& r) {
  REQUIRE(r);
  INFO(r->body.substr(0, 600));
  CHECK(r->status == 413);
  json status = json::parse(r->body, nullptr, false);
  CHECK(status.value("reason", "") == "RequestEntityTooLarge");
  CHECK(status.value("message", "").find("the limit for a stored object is 1572864") !=
        std::string::npos);
}

TEST_CASE("stored objects are bounded at 1.5 MiB however they grow",
          "[integration][apiserver][hostile]") {
  TempDir dir;
  ServerProcess server(dir.path());
  auto client = server.NewClient();
  httplib::Client& c = *client;
  constexpr size_t kBig = 1400 * 1024;     // fits
  constexpr size_t kTooBig = 1600 * 1024;  // a body the 3 MiB limit lets through

  ExpectTooLarge(c.Post(kDeployments, DeploymentOf("huge", kTooBig).dump(), "application/json"));
  CHECK(c.Get(std::string(kDeployments) + "/huge")->status == 404);

  REQUIRE(c.Post(kDeployments, DeploymentOf("big", kBig).dump(), "application/json")->status ==
          201);
  const std::string big = std::string(kDeployments) + "/big";
  ExpectTooLarge(c.Put(big, DeploymentOf("big", kTooBig).dump(), "application/json"));
  // Small patches that grow the object past the limit.
  json env = {{{"name", "E"}, {"value", std::string(200 * 1024, 'y')}}};
  json grow = {
      {"spec", {{"template", {{"spec", {{"containers", {{{"name", "c"}, {"env", env}}}}}}}}}}};
  ExpectTooLarge(c.Patch(big, grow.dump(), "application/strategic-merge-patch+json"));
  ExpectTooLarge(c.Patch(
      big,
      R"([{"op":"copy","from":"/spec/template/spec/containers/0/args/0","path":"/spec/template/spec/containers/0/args/-"}])",
      "application/json-patch+json"));
  json merge = {{"metadata", {{"annotations", {{"more", std::string(200 * 1024, 'y')}}}}}};
  ExpectTooLarge(c.Patch(big, merge.dump(), "application/merge-patch+json"));
  // A JSON patch that copies part of the object into itself again and again is
  // refused before the copies cost memory.
  json doubling = json::array();
  for (int i = 0; i < 40; ++i) {
    doubling.push_back(
        {{"op", "copy"}, {"from", "/metadata"}, {"path", "/metadata/a" + std::to_string(i)}});
  }
  httplib::Result copies = c.Patch(big, doubling.dump(), "application/json-patch+json");
  REQUIRE(copies);
  INFO(copies->body.substr(0, 600));
  CHECK(copies->status == 413);
  // The object is unchanged and still served.
  json live = json::parse(c.Get(big)->body);
  CHECK(live["spec"]["template"]["spec"]["containers"][0]["args"].size() == 1);
  CHECK_FALSE(live["metadata"].contains("annotations"));
}

}  // namespace
}  // namespace skiff
