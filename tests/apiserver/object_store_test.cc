// ObjectStore against the in-memory Storage and a FakeClock: the generic REST
// semantics, without HTTP.
#include "apiserver/object_store.h"

#include <catch2/catch.hpp>

#include "apiserver/service_allocations.h"
#include "apiserver/storage/factory.h"

namespace skiff::apiserver {
namespace {

using nlohmann::json;

const api::KindInfo& Kind(const char* api_version, const char* kind) { return *api::FindKind(api_version, kind); }

json Deployment(const std::string& name, int replicas = 1) {
  json labels = {{"app", name}};
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"replicas", replicas},
            {"selector", {{"matchLabels", labels}}},
            {"template",
             {{"metadata", {{"labels", labels}}},
              {"spec", {{"containers", {{{"name", "c"}, {"image", "busybox:1.36"}}}}}}}}}}};
}

json ConfigMap(const std::string& name, const std::string& value = "v") {
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}, {"data", {{"k", value}}}};
}

struct Fixture {
  std::unique_ptr<storage::Storage> store = storage::NewMemoryStorage();
  FakeClock clock;
  ObjectStore objects{*store, clock};
  Fixture() { REQUIRE(objects.EnsureSystemNamespaces().ok()); }
};

TEST_CASE("create stamps metadata from the clock and a fresh uid", "[apiserver][objectstore]") {
  Fixture f;
  Result<Written> made = f.objects.Create(Kind("apps/v1", "Deployment"), "default", Deployment("web"), {});
  REQUIRE(made.ok());
  const json& meta = made->object["metadata"];
  CHECK(meta["creationTimestamp"] == "2026-01-01T00:00:00Z");
  CHECK(meta["generation"] == 1);
  CHECK(meta["uid"].get<std::string>().size() == 36);
  CHECK(meta["namespace"] == "default");
  CHECK(made->object["spec"]["revisionHistoryLimit"] == 10);  // defaulted
  Result<Written> again = f.objects.Create(Kind("apps/v1", "Deployment"), "default", Deployment("web"), {});
  REQUIRE(again.status().code() == Code::kAlreadyExists);
  CHECK(again.status().message() == "deployments.apps \"web\" already exists");
}

TEST_CASE("generateName makes distinct names", "[apiserver][objectstore]") {
  Fixture f;
  json cm = ConfigMap("");
  cm["metadata"].erase("name");
  cm["metadata"]["generateName"] = "cfg-";
  std::set<std::string> names;
  for (int i = 0; i < 20; ++i) {
    Result<Written> made = f.objects.Create(Kind("v1", "ConfigMap"), "default", cm, {});
    REQUIRE(made.ok());
    std::string name = made->object["metadata"]["name"];
    CHECK(name.rfind("cfg-", 0) == 0);
    CHECK(name.size() == 9);
    names.insert(name);
  }
  CHECK(names.size() == 20);
}

TEST_CASE("namespaces must exist and accept content", "[apiserver][objectstore]") {
  Fixture f;
  CHECK(f.objects.Create(Kind("v1", "ConfigMap"), "nope", ConfigMap("a"), {}).status().code() == Code::kNotFound);
  json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "team"}, {"finalizers", {"x/y"}}}}};
  REQUIRE(f.objects.Create(Kind("v1", "Namespace"), "", ns, {}).ok());
  REQUIRE(f.objects.Create(Kind("v1", "ConfigMap"), "team", ConfigMap("a"), {}).ok());
  Result<Deleted> marked = f.objects.Delete(Kind("v1", "Namespace"), "", "team", {});
  REQUIRE(marked.ok());
  CHECK_FALSE(marked->removed);
  Result<Written> refused = f.objects.Create(Kind("v1", "ConfigMap"), "team", ConfigMap("b"), {});
  CHECK(refused.status().code() == Code::kForbidden);
}

TEST_CASE("deleting a namespace deletes what is in it", "[apiserver][objectstore]") {
  Fixture f;
  const api::KindInfo& ns_kind = Kind("v1", "Namespace");
  const api::KindInfo& cm_kind = Kind("v1", "ConfigMap");
  json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "team"}}}};
  REQUIRE(f.objects.Create(ns_kind, "", ns, {}).ok());
  REQUIRE(f.objects.Create(cm_kind, "team", ConfigMap("a"), {}).ok());
  REQUIRE(f.objects.Create(Kind("apps/v1", "Deployment"), "team", Deployment("web"), {}).ok());
  json held = ConfigMap("held");
  held["metadata"]["finalizers"] = {"example.com/hold"};
  REQUIRE(f.objects.Create(cm_kind, "team", held, {}).ok());
  REQUIRE(f.objects.Create(cm_kind, "default", ConfigMap("elsewhere"), {}).ok());

  Result<Deleted> first = f.objects.Delete(ns_kind, "", "team", {});
  REQUIRE(first.ok());
  CHECK_FALSE(first->removed);  // the held ConfigMap keeps it Terminating
  CHECK(first->object["status"]["phase"] == "Terminating");
  CHECK(f.objects.Get(cm_kind, "team", "a").status().code() == Code::kNotFound);
  CHECK(f.objects.Get(Kind("apps/v1", "Deployment"), "team", "web").status().code() == Code::kNotFound);
  CHECK(f.objects.Get(cm_kind, "default", "elsewhere").ok());

  json live = *f.objects.Get(cm_kind, "team", "held");
  live["metadata"]["finalizers"] = json::array();
  REQUIRE(f.objects.Update(cm_kind, "team", "held", live, {}).ok());
  Result<Deleted> second = f.objects.Delete(ns_kind, "", "team", {});
  REQUIRE(second.ok());
  CHECK(second->removed);
  CHECK(f.objects.Get(ns_kind, "", "team").status().code() == Code::kNotFound);
}

TEST_CASE("update: CAS on resourceVersion, generation counts spec changes, status kept", "[apiserver][objectstore]") {
  Fixture f;
  const api::KindInfo& deploy = Kind("apps/v1", "Deployment");
  json live = f.objects.Create(deploy, "default", Deployment("web"), {})->object;

  json labels_only = live;
  labels_only["metadata"]["labels"] = {{"team", "a"}};
  labels_only["status"] = {{"replicas", 99}};  // ignored on the main resource
  Result<Written> relabelled = f.objects.Update(deploy, "default", "web", labels_only, {});
  REQUIRE(relabelled.ok());
  CHECK(relabelled->object["metadata"]["generation"] == 1);
  CHECK_FALSE(relabelled->object.contains("status"));

  Result<Written> stale = f.objects.Update(deploy, "default", "web", labels_only, {});
  REQUIRE(stale.status().code() == Code::kConflict);

  json scaled = relabelled->object;
  scaled["spec"]["replicas"] = 3;
  Result<Written> respec = f.objects.Update(deploy, "default", "web", scaled, {});
  REQUIRE(respec.ok());
  CHECK(respec->object["metadata"]["generation"] == 2);
  CHECK(respec->object["metadata"]["uid"] == live["metadata"]["uid"]);

  json changed_selector = respec->object;
  changed_selector["spec"]["selector"]["matchLabels"]["app"] = "other";
  changed_selector["spec"]["template"]["metadata"]["labels"]["app"] = "other";
  CHECK(f.objects.Update(deploy, "default", "web", changed_selector, {}).status().code() == Code::kInvalid);
}

TEST_CASE("status and scale subresources", "[apiserver][objectstore]") {
  Fixture f;
  const api::KindInfo& deploy = Kind("apps/v1", "Deployment");
  json live = f.objects.Create(deploy, "default", Deployment("web", 2), {})->object;
  json with_status = live;
  with_status["status"] = {{"replicas", 2}, {"readyReplicas", 1}};
  with_status["spec"]["replicas"] = 7;  // ignored by the status subresource
  Result<Written> st = f.objects.UpdateStatus(deploy, "default", "web", with_status);
  REQUIRE(st.ok());
  CHECK(st->object["status"]["readyReplicas"] == 1);
  CHECK(st->object["spec"]["replicas"] == 2);

  Result<json> scale = f.objects.GetScale(deploy, "default", "web");
  REQUIRE(scale.ok());
  CHECK((*scale)["spec"]["replicas"] == 2);
  CHECK((*scale)["status"]["selector"] == "app=web");
  json want = {{"spec", {{"replicas", 5}}}};
  REQUIRE(f.objects.UpdateScale(deploy, "default", "web", want).ok());
  json now = *f.objects.Get(deploy, "default", "web");
  CHECK(now["spec"]["replicas"] == 5);
  CHECK(now["metadata"]["generation"] == 2);
  json negative = {{"spec", {{"replicas", -1}}}};
  CHECK(f.objects.UpdateScale(deploy, "default", "web", negative).status().code() == Code::kInvalid);
}

TEST_CASE("binding sets the node once", "[apiserver][objectstore]") {
  Fixture f;
  json pod = {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", "p"}}},
              {"spec", {{"containers", {{{"name", "c"}, {"image", "busybox"}}}}}}};
  REQUIRE(f.objects.Create(Kind("v1", "Pod"), "default", pod, {}).ok());
  json binding = {{"target", {{"kind", "Node"}, {"name", "node-1"}}}};
  REQUIRE(f.objects.BindPod("default", "p", binding).ok());
  CHECK((*f.objects.Get(Kind("v1", "Pod"), "default", "p"))["spec"]["nodeName"] == "node-1");
  CHECK(f.objects.BindPod("default", "p", binding).code() == Code::kConflict);
}

TEST_CASE("finalizers hold an object until they are removed", "[apiserver][objectstore]") {
  Fixture f;
  const api::KindInfo& cm_kind = Kind("v1", "ConfigMap");
  json cm = ConfigMap("held");
  cm["metadata"]["finalizers"] = {"example.com/hold"};
  REQUIRE(f.objects.Create(cm_kind, "default", cm, {}).ok());
  Result<Deleted> marked = f.objects.Delete(cm_kind, "default", "held", {});
  REQUIRE(marked.ok());
  CHECK_FALSE(marked->removed);
  json live = *f.objects.Get(cm_kind, "default", "held");
  CHECK(live["metadata"].contains("deletionTimestamp"));
  live["metadata"]["finalizers"] = json::array();
  REQUIRE(f.objects.Update(cm_kind, "default", "held", live, {}).ok());
  CHECK(f.objects.Get(cm_kind, "default", "held").status().code() == Code::kNotFound);
}

TEST_CASE("list pages with limit and continue, filtered by selectors", "[apiserver][objectstore]") {
  Fixture f;
  const api::KindInfo& cm_kind = Kind("v1", "ConfigMap");
  for (int i = 0; i < 25; ++i) {
    json cm = ConfigMap("cm-" + std::to_string(100 + i));
    cm["metadata"]["labels"] = {{"parity", i % 2 ? "odd" : "even"}};
    REQUIRE(f.objects.Create(cm_kind, "default", cm, {}).ok());
  }
  std::vector<std::string> seen;
  ListQuery q{"parity=even", "", 5, ""};
  int pages = 0;
  while (true) {
    Result<json> page = f.objects.List(cm_kind, "default", q);
    REQUIRE(page.ok());
    ++pages;
    for (const json& item : (*page)["items"]) seen.push_back(item["metadata"]["name"]);
    // Writes between pages do not show: the list is read at the first page's revision.
    REQUIRE(f.objects.Create(cm_kind, "default", ConfigMap("zz-" + std::to_string(pages)), {}).ok());
    if (!(*page)["metadata"].contains("continue")) break;
    q.continue_token = (*page)["metadata"]["continue"];
  }
  CHECK(seen.size() == 13);
  CHECK(pages == 3);
  CHECK(std::is_sorted(seen.begin(), seen.end()));
  CHECK(f.objects.List(cm_kind, "default", {"", "", 0, "garbage"}).status().code() == Code::kBadRequest);
  CHECK(f.objects.List(cm_kind, "default", {"a in (", "", 0, ""}).status().code() == Code::kBadRequest);
}

TEST_CASE("deletecollection removes what the selector picks", "[apiserver][objectstore]") {
  Fixture f;
  const api::KindInfo& cm_kind = Kind("v1", "ConfigMap");
  for (const char* name : {"a", "b", "c"}) {
    json cm = ConfigMap(name);
    cm["metadata"]["labels"] = {{"drop", name == std::string("b") ? "no" : "yes"}};
    REQUIRE(f.objects.Create(cm_kind, "default", cm, {}).ok());
  }
  Result<json> gone = f.objects.DeleteCollection(cm_kind, "default", {"drop=yes", "", 0, ""});
  REQUIRE(gone.ok());
  CHECK((*gone)["items"].size() == 2);
  Result<json> left = f.objects.List(cm_kind, "default", {});
  REQUIRE((*left)["items"].size() == 1);
  CHECK((*left)["items"][0]["metadata"]["name"] == "b");
}

TEST_CASE("rejected and dry-run writes change nothing", "[apiserver][objectstore]") {
  Fixture f;
  int64_t before = f.store->CurrentRevision();
  const api::KindInfo& svc_kind = Kind("v1", "Service");
  ServiceAllocations alloc;
  f.objects.SetHooks(svc_kind, alloc);
  json svc = {{"apiVersion", "v1"}, {"kind", "Service"}, {"metadata", {{"name", "s"}}},
              {"spec", {{"clusterIP", "10.96.0.50"}, {"ports", {{{"port", 80}}}}}}};
  WriteOptions dry;
  dry.dry_run = true;
  REQUIRE(f.objects.Create(svc_kind, "default", svc, dry).ok());
  json invalid = ConfigMap("Bad_Name");
  CHECK(f.objects.Create(Kind("v1", "ConfigMap"), "default", invalid, {}).status().code() == Code::kInvalid);
  CHECK(f.store->CurrentRevision() == before);
  // The dry run gave its IP back: a real create may take it.
  Result<Written> real = f.objects.Create(svc_kind, "default", svc, {});
  REQUIRE(real.ok());
  CHECK(real->object["spec"]["clusterIP"] == "10.96.0.50");
}

}  // namespace
}  // namespace skiff::apiserver
