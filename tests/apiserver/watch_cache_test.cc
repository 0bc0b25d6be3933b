// The watch cache against the in-memory Storage: loading, following writes,
// indexed lists that agree with a plain scan of storage, watches that resume
// from a revision, selective watches, slow watchers and the event window.
#include "apiserver/cache/watch_cache.h"

#include <catch2/catch.hpp>
#include <random>

#include "apiserver/object_store.h"
#include "apiserver/storage/factory.h"

namespace skiff::apiserver {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const api::KindInfo& PodKind() { return *api::FindKind("v1", "Pod"); }
const api::KindInfo& NamespaceKind() { return *api::FindKind("v1", "Namespace"); }

json Pod(const std::string& name, json labels = json::object(), const std::string& node = "") {
  json pod = {{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", name}, {"labels", std::move(labels)}}},
              {"spec", {{"containers", {{{"name", "c"}, {"image", "busybox"}}}}}}};
  if (!node.empty()) pod["spec"]["nodeName"] = node;
  return pod;
}

// An ObjectStore over memory with (cached) and without (plain) a watch cache
// over the same storage: what one says, the other must say too.
struct Fixture {
  std::unique_ptr<storage::Storage> store = storage::NewMemoryStorage();
  FakeClock clock;
  WatchCache cache;
  ObjectStore cached{*store, clock};
  ObjectStore plain{*store, clock};
  explicit Fixture(WatchCacheOptions opts = {}) : cache(*store, opts) {
    REQUIRE(plain.EnsureSystemNamespaces().ok());
    REQUIRE(cache.Start().ok());
    cached.AttachCache(cache);
  }
  void MakeNamespace(const std::string& name) {
    json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
    REQUIRE(cached.Create(NamespaceKind(), "", ns, {}).ok());
  }
  json MakePod(const std::string& ns, json pod) {
    Result<Written> made = cached.Create(PodKind(), ns, pod, {});
    REQUIRE(made.ok());
    return made->object;
  }
};

std::vector<std::string> Names(const Listed& listed) {
  std::vector<std::string> out;
  for (const CachedObjectPtr& obj : listed.items) out.push_back(obj->namespace_ + "/" + obj->name);
  return out;
}

// Events as "TYPE name", waiting up to a second for want of them.
std::vector<std::string> Take(CacheWatcher& w, size_t want) {
  std::vector<std::string> out;
  auto deadline = std::chrono::steady_clock::now() + 1s;
  while (out.size() < want && std::chrono::steady_clock::now() < deadline) {
    for (const WatchDelivery& d : w.Next(50ms)) out.push_back(std::string(WatchEventTypeName(d.type)) + " " + d.object->name);
  }
  return out;
}

TEST_CASE("the watch cache loads what is stored and follows later writes", "[apiserver][watchcache]") {
  auto store = storage::NewMemoryStorage();
  FakeClock clock;
  ObjectStore plain(*store, clock);
  REQUIRE(plain.EnsureSystemNamespaces().ok());
  REQUIRE(plain.Create(PodKind(), "default", Pod("before"), {}).ok());
  WatchCache cache(*store);
  REQUIRE(cache.Start().ok());
  ObjectStore cached(*store, clock);
  cached.AttachCache(cache);
  CHECK(cache.For(PodKind()).size() == 1);
  REQUIRE(plain.Create(PodKind(), "default", Pod("after"), {}).ok());
  // A read after an acknowledged write sees it: the cache catches up first.
  Result<json> after = cached.Get(PodKind(), "default", "after");
  REQUIRE(after.ok());
  CHECK(after->at("metadata").at("resourceVersion") == std::to_string(store->CurrentRevision()));
  CHECK(cached.Get(PodKind(), "default", "missing").status().code() == Code::kNotFound);
  REQUIRE(plain.Delete(PodKind(), "default", "before", {}).ok());
  Result<Listed> listed = cached.ListObjects(PodKind(), "default", {});
  REQUIRE(listed.ok());
  CHECK(Names(*listed) == std::vector<std::string>{"default/after"});
  CHECK(listed->revision == store->CurrentRevision());
}

TEST_CASE("cached lists agree with a scan of storage for random objects and selectors", "[apiserver][watchcache]") {
  Fixture f;
  std::mt19937 rng(7);
  const char* namespaces[] = {"default", "a", "b"};
  f.MakeNamespace("a");
  f.MakeNamespace("b");
  const char* apps[] = {"web", "db", "cache"};
  const char* tiers[] = {"front", "back"};
  const char* nodes[] = {"", "n1", "n2"};
  for (int i = 0; i < 300; ++i) {
    json labels = {{"app", apps[rng() % 3]}};
    if (rng() % 2) labels["tier"] = tiers[rng() % 2];
    if (rng() % 10 == 0) labels["rare"] = "yes";
    f.MakePod(namespaces[rng() % 3], Pod("p" + std::to_string(i), labels, nodes[rng() % 3]));
  }
  // Some churn: relabel and delete, so the indexes see updates and removals.
  for (int i = 0; i < 100; ++i) {
    std::string ns = namespaces[rng() % 3];
    std::string name = "p" + std::to_string(rng() % 300);
    if (rng() % 3 == 0) {
      (void)f.cached.Delete(PodKind(), ns, name, {});
    } else {
      (void)f.cached.Patch(PodKind(), ns, name, PatchType::kMerge,
                           json{{"metadata", {{"labels", {{"app", apps[rng() % 3]}}}}}}, {});
    }
  }
  const char* label_selectors[] = {"", "app=web", "app!=web", "rare", "!rare", "app in (web,db),tier=front",
                                   "tier notin (front)", "app=none"};
  const char* field_selectors[] = {"", "spec.nodeName=n1", "spec.nodeName!=n1", "metadata.name=p7", "spec.nodeName="};
  for (const char* ns : {"", "default", "a"}) {
    for (const char* ls : label_selectors) {
      for (const char* fs : field_selectors) {
        ListQuery q{ls, fs};
        Result<Listed> from_cache = f.cached.ListObjects(PodKind(), ns, q);
        Result<Listed> from_store = f.plain.ListObjects(PodKind(), ns, q);
        REQUIRE(from_cache.ok());
        REQUIRE(from_store.ok());
        INFO("namespace " << ns << " labels " << ls << " fields " << fs);
        CHECK(Names(*from_cache) == Names(*from_store));
        CHECK(from_cache->revision == from_store->revision);
        // What the cache holds (often handed over by the writer, not parsed from
        // storage) is byte for byte what storage holds.
        for (size_t i = 0; i < from_cache->items.size() && i < from_store->items.size(); ++i) {
          CHECK(from_cache->items[i]->text == from_store->items[i]->text);
        }
      }
    }
  }
}

TEST_CASE("a cached list pages with limit and continues from storage at the same revision", "[apiserver][watchcache]") {
  Fixture f;
  for (int i = 0; i < 10; ++i) f.MakePod("default", Pod("p" + std::to_string(i), {{"n", std::to_string(i % 2)}}));
  ListQuery q{"n=0", "", 2};
  Result<Listed> first = f.cached.ListObjects(PodKind(), "default", q);
  REQUIRE(first.ok());
  CHECK(Names(*first) == std::vector<std::string>{"default/p0", "default/p2"});
  REQUIRE(!first->continue_token.empty());
  f.MakePod("default", Pod("p10", {{"n", "0"}}));  // after the first page's revision: not in this list
  std::vector<std::string> all = Names(*first);
  std::string token = first->continue_token;
  while (!token.empty()) {
    ListQuery next{"n=0", "", 2, token};
    Result<Listed> page = f.cached.ListObjects(PodKind(), "default", next);
    REQUIRE(page.ok());
    CHECK(page->revision == first->revision);
    for (const std::string& n : Names(*page)) all.push_back(n);
    token = page->continue_token;
  }
  CHECK(all == std::vector<std::string>{"default/p0", "default/p2", "default/p4", "default/p6", "default/p8"});
}

TEST_CASE("list resourceVersion semantics: any, not older than, exact, and bad values", "[apiserver][watchcache]") {
  Fixture f;
  f.MakePod("default", Pod("a"));
  int64_t at_a = f.store->CurrentRevision();
  f.MakePod("default", Pod("b"));
  ListQuery exact{"", "", 0, "", std::to_string(at_a), "Exact"};
  Result<Listed> old = f.cached.ListObjects(PodKind(), "default", exact);
  REQUIRE(old.ok());
  CHECK(Names(*old) == std::vector<std::string>{"default/a"});
  ListQuery any{"", "", 0, "", "0"};
  CHECK(f.cached.ListObjects(PodKind(), "default", any).ok());
  ListQuery not_older{"", "", 0, "", std::to_string(at_a)};
  Result<Listed> now = f.cached.ListObjects(PodKind(), "default", not_older);
  REQUIRE(now.ok());
  CHECK(now->revision >= at_a);
  ListQuery bad{"", "", 0, "", "x"};
  CHECK(f.cached.ListObjects(PodKind(), "default", bad).status().code() == Code::kBadRequest);
  ListQuery bad_match{"", "", 0, "", "5", "Sometime"};
  CHECK(f.cached.ListObjects(PodKind(), "default", bad_match).status().code() == Code::kBadRequest);
  ListQuery future{"", "", 0, "", std::to_string(at_a + 1000)};
  Result<Listed> too_new = f.cached.ListObjects(PodKind(), "default", future);
  CHECK(too_new.status().code() == Code::kTimeout);
}

TEST_CASE("a watch resumes from a revision and a selective watch sees objects enter and leave",
          "[apiserver][watchcache]") {
  Fixture f;
  f.MakePod("default", Pod("w", {{"app", "web"}}));
  int64_t from = f.store->CurrentRevision();
  f.MakePod("default", Pod("x", {{"app", "web"}}));
  REQUIRE(f.cached.Patch(PodKind(), "default", "w", PatchType::kMerge, json{{"metadata", {{"labels", {{"app", "db"}}}}}}, {}).ok());
  REQUIRE(f.cached.Patch(PodKind(), "default", "w", PatchType::kMerge, json{{"metadata", {{"labels", {{"app", "web"}}}}}}, {}).ok());
  REQUIRE(f.cached.Delete(PodKind(), "default", "x", {}).ok());

  Result<api::LabelSelector> web = api::ParseLabelSelector("app=web");
  REQUIRE(web.ok());
  Result<CacheWatch> selective = f.cached.Watch(PodKind(), WatchFilter{"default", *web, {}}, from, false);
  REQUIRE(selective.ok());
  CHECK(Take(*selective->watcher, 4) == std::vector<std::string>{"ADDED x", "DELETED w", "ADDED w", "DELETED x"});
  Result<CacheWatch> all = f.cached.Watch(PodKind(), WatchFilter{}, from, false);
  REQUIRE(all.ok());
  CHECK(Take(*all->watcher, 4) == std::vector<std::string>{"ADDED x", "MODIFIED w", "MODIFIED w", "DELETED x"});
  // Live events follow the replay.
  f.MakePod("default", Pod("y", {{"app", "web"}}));
  CHECK(Take(*selective->watcher, 1) == std::vector<std::string>{"ADDED y"});
  CHECK(Take(*all->watcher, 1) == std::vector<std::string>{"ADDED y"});
  f.cached.Unwatch(PodKind(), selective->watcher);
  f.cached.Unwatch(PodKind(), all->watcher);
  CHECK(f.cache.For(PodKind()).watcher_count() == 0);
}

TEST_CASE("a watch from now starts with the matching objects", "[apiserver][watchcache]") {
  Fixture f;
  f.MakePod("default", Pod("on-n1", {}, "n1"));
  f.MakePod("default", Pod("on-n2", {}, "n2"));
  Result<api::FieldSelector> n1 = api::ParseFieldSelector("spec.nodeName=n1", PodKind());
  REQUIRE(n1.ok());
  Result<CacheWatch> watch = f.cached.Watch(PodKind(), WatchFilter{"", {}, *n1}, 0, true);
  REQUIRE(watch.ok());
  REQUIRE(watch->initial.size() == 1);
  CHECK(watch->initial[0]->name == "on-n1");
  // A pod bound to n1 later arrives as ADDED (the node-name bucket finds the watcher).
  f.MakePod("default", Pod("later"));
  REQUIRE(f.cached.BindPod("default", "later", json{{"apiVersion", "v1"}, {"kind", "Binding"},
                                                     {"metadata", {{"name", "later"}}},
                                                     {"target", {{"kind", "Node"}, {"name", "n1"}}}}).ok());
  CHECK(Take(*watch->watcher, 1) == std::vector<std::string>{"ADDED later"});
}

TEST_CASE("a revision older than the event window is Gone", "[apiserver][watchcache]") {
  Fixture f(WatchCacheOptions{.events_per_kind = 5});
  int64_t from = f.store->CurrentRevision();
  for (int i = 0; i < 8; ++i) f.MakePod("default", Pod("p" + std::to_string(i)));
  REQUIRE(f.cache.WaitFresh().ok());
  Result<CacheWatch> old = f.cached.Watch(PodKind(), WatchFilter{}, from, false);
  CHECK(old.status().code() == Code::kGone);
  CHECK(old.status().message().find("too old resource version") == 0);
  int64_t recent = f.store->CurrentRevision() - 2;
  Result<CacheWatch> ok = f.cached.Watch(PodKind(), WatchFilter{}, recent, false);
  REQUIRE(ok.ok());
  CHECK(Take(*ok->watcher, 2) == std::vector<std::string>{"ADDED p6", "ADDED p7"});
}

TEST_CASE("a watcher that falls a whole queue behind is ended with Gone", "[apiserver][watchcache]") {
  Fixture f(WatchCacheOptions{.events_per_kind = 3});
  Result<CacheWatch> slow = f.cached.Watch(PodKind(), WatchFilter{}, 0, true);
  REQUIRE(slow.ok());
  // Queue room is the window plus a fixed slack; write past it without reading.
  for (int i = 0; i < 1100; ++i) f.MakePod("default", Pod("p" + std::to_string(i)));
  REQUIRE(f.cache.WaitFresh().ok());
  CHECK(slow->watcher->status().code() == Code::kGone);
  CHECK(slow->watcher->Next(10ms).empty());
  CHECK(f.cache.For(PodKind()).watcher_count() == 0);
}

json ConfigMap(const std::string& name, const std::string& data) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", "default"}}},
          {"data", {{"blob", data}}}};
}

// Hostile: 1 MB objects updated in a loop. A window of 10,000 events by count
// alone would pin every old version in memory.
TEST_CASE("the event window and watch queues are bounded by bytes too", "[apiserver][watchcache][hostile]") {
  Fixture f(WatchCacheOptions{.events_per_kind = 10000, .event_bytes_per_kind = 1 << 20});
  const api::KindInfo& cm_kind = *api::FindKind("v1", "ConfigMap");
  Result<CacheWatch> slow = f.cached.Watch(cm_kind, WatchFilter{}, 0, true);
  REQUIRE(slow.ok());
  int64_t from = f.store->CurrentRevision();
  const std::string big(200 << 10, 'x');
  REQUIRE(f.cached.Create(cm_kind, "default", ConfigMap("big", big), {}).ok());
  for (int i = 0; i < 30; ++i) {
    Result<json> got = f.cached.Get(cm_kind, "default", "big");
    REQUIRE(got.ok());
    json cm = *got;
    cm["data"]["blob"] = big + std::to_string(i);
    REQUIRE(f.cached.Update(cm_kind, "default", "big", cm, {}).ok());
  }
  REQUIRE(f.cache.WaitFresh().ok());
  // 31 versions of 200 KiB: only about five fit the 1 MiB window.
  CHECK(f.cached.Watch(cm_kind, WatchFilter{}, from, false).status().code() == Code::kGone);
  Result<CacheWatch> recent = f.cached.Watch(cm_kind, WatchFilter{}, f.store->CurrentRevision() - 3, false);
  REQUIRE(recent.ok());
  CHECK(Take(*recent->watcher, 3).size() == 3);
  // The reader that never read holds at most the window plus the slack.
  CHECK(slow->watcher->status().ok());  // 6 MiB: within 1 MiB + 16 MiB
  for (int i = 0; i < 80; ++i) {
    json cm = *f.cached.Get(cm_kind, "default", "big");
    cm["data"]["blob"] = big + "more" + std::to_string(i);
    REQUIRE(f.cached.Update(cm_kind, "default", "big", cm, {}).ok());
  }
  REQUIRE(f.cache.WaitFresh().ok());
  CHECK(slow->watcher->status().code() == Code::kGone);
  CHECK(slow->watcher->status().message().find("bytes") != std::string::npos);
}

TEST_CASE("creating in a namespace made a moment ago works through the cache", "[apiserver][watchcache]") {
  Fixture f;
  for (int i = 0; i < 50; ++i) {
    std::string ns = "ns" + std::to_string(i);
    f.MakeNamespace(ns);
    f.MakePod(ns, Pod("p"));
  }
  CHECK(f.cached.Create(PodKind(), "nowhere", Pod("p"), {}).status().code() == Code::kNotFound);
}

}  // namespace
}  // namespace skiff::apiserver
