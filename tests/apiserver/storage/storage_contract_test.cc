// The Storage contract, run against every backend (TEMPLATE_TEST_CASE over the
// fixtures of storage_test_util.h). A new backend adds its fixture here.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "apiserver/storage/storage.h"
#include "tests/apiserver/storage/storage_test_util.h"

namespace skiff::storage {
namespace {

using std::chrono::milliseconds;
using testing::Drain;
using testing::DrainQuiet;
using testing::Keys;
using testing::MemoryBackend;
using testing::SqliteBackend;

#define BACKENDS MemoryBackend, SqliteBackend

TEMPLATE_TEST_CASE("create then get returns the value at a new revision", "[storage][contract]",
                   BACKENDS) {
  TestType backend;
  auto store = backend.Open();
  CHECK(store->CurrentRevision() == 0);
  Result<KeyValue> created = store->Create("/pods/default/a", "v1");
  REQUIRE(created.ok());
  CHECK(*created == KeyValue{"/pods/default/a", "v1", 1, 1});
  CHECK(store->CurrentRevision() == 1);
  Result<KeyValue> got = store->Get("/pods/default/a");
  REQUIRE(got.ok());
  CHECK(*got == *created);
  CHECK(store->Get("/pods/default/b").status().code() == Code::kNotFound);
}

TEMPLATE_TEST_CASE("binary keys and values round-trip", "[storage][contract]", BACKENDS) {
  TestType backend;
  auto store = backend.Open();
  std::string key("/k/\x00\xff\x01", 6);
  std::string value("\x00\x01\xff\xfe", 4);
  REQUIRE(store->Create(key, value).ok());
  REQUIRE(store->Create("/k/empty", "").ok());
  CHECK(store->Get(key)->value == value);
  CHECK(store->Get("/k/empty")->value.empty());
  CHECK(Keys(store->List("/k/")->items) == std::vector<std::string>{key, "/k/empty"});
}

TEMPLATE_TEST_CASE("create of an existing key is AlreadyExists and changes nothing",
                   "[storage][contract]", BACKENDS) {
  TestType backend;
  auto store = backend.Open();
  REQUIRE(store->Create("/a", "v1").ok());
  Result<KeyValue> again = store->Create("/a", "v2");
  CHECK(again.status().code() == Code::kAlreadyExists);
  CHECK(store->Get("/a")->value == "v1");
  CHECK(store->CurrentRevision() == 1);
}

TEMPLATE_TEST_CASE("update is compare-and-swap on the revision", "[storage][contract]", BACKENDS) {
  TestType backend;
  auto store = backend.Open();
  REQUIRE(store->Create("/a", "v1").ok());
  REQUIRE(store->Create("/b", "x").ok());
  Result<KeyValue> updated = store->Update("/a", "v2", 1);
  REQUIRE(updated.ok());
  CHECK(*updated == KeyValue{"/a", "v2", 1, 3});

  SECTION("a stale revision is Conflict and changes nothing") {
    Result<KeyValue> stale = store->Update("/a", "v3", 1);
    CHECK(stale.status().code() == Code::kConflict);
    CHECK(*store->Get("/a") == *updated);
    CHECK(store->CurrentRevision() == 3);
  }
  SECTION("revision 0 is unconditional and keeps create_revision") {
    Result<KeyValue> forced = store->Update("/a", "v3", 0);
    REQUIRE(forced.ok());
    CHECK(*forced == KeyValue{"/a", "v3", 1, 4});
  }
}

TEMPLATE_TEST_CASE("update or delete of a missing key is NotFound", "[storage][contract]",
                   BACKENDS) {
  TestType backend;
  auto store = backend.Open();
  CHECK(store->Update("/missing", "v", 0).status().code() == Code::kNotFound);
  CHECK(store->Update("/missing", "v", 5).status().code() == Code::kNotFound);
  CHECK(store->Delete("/missing", 0).status().code() == Code::kNotFound);
  CHECK(store->CurrentRevision() == 0);
}

TEMPLATE_TEST_CASE("delete checks its precondition and returns the deleted value",
                   "[storage][contract]", BACKENDS) {
  TestType backend;
  auto store = backend.Open();
  REQUIRE(store->Create("/a", "v1").ok());
  REQUIRE(store->Update("/a", "v2", 1).ok());
  CHECK(store->Delete("/a", 1).status().code() == Code::kConflict);
  CHECK(store->Get("/a")->value == "v2");
  Result<KeyValue> deleted = store->Delete("/a", 2);
  REQUIRE(deleted.ok());
  CHECK(*deleted == KeyValue{"/a", "v2", 1, 3});
  CHECK(store->Get("/a").status().code() == Code::kNotFound);
  CHECK(store->Delete("/a", 0).status().code() == Code::kNotFound);
  // A re-created key starts a new life: new create_revision.
  Result<KeyValue> recreated = store->Create("/a", "v3");
  REQUIRE(recreated.ok());
  CHECK(*recreated == KeyValue{"/a", "v3", 4, 4});
}

TEMPLATE_TEST_CASE("empty keys and out-of-range revisions are BadRequest", "[storage][contract]",
                   BACKENDS) {
  TestType backend;
  auto store = backend.Open();
  CHECK(store->Create("", "v").status().code() == Code::kBadRequest);
  CHECK(store->Get("").status().code() == Code::kBadRequest);
  CHECK(store->Update("", "v", 0).status().code() == Code::kBadRequest);
  CHECK(store->Delete("", 0).status().code() == Code::kBadRequest);
  REQUIRE(store->Create("/a", "v").ok());
  ListOptions future;
  future.revision = 2;
  CHECK(store->List("/", future).status().code() == Code::kBadRequest);
  CHECK(store->Compact(2).code() == Code::kBadRequest);
  CHECK(store->Watch("/", -1).status().code() == Code::kBadRequest);
}

TEMPLATE_TEST_CASE("list is by byte prefix, ascending", "[storage][contract]", BACKENDS) {
  TestType backend;
  auto store = backend.Open();
  for (const char* key :
       {"/pods/b", "/pods/ab/y", "/pods/a/x", "/pods/a", "/pods0", "/pod", "/services/a"}) {
    REQUIRE(store->Create(key, "v").ok());
  }
  // Callers end a directory prefix with '/': "/pods/a/" is the children of a.
  CHECK(Keys(store->List("/pods/a/")->items) == std::vector<std::string>{"/pods/a/x"});
  // Without it, the prefix is a plain byte prefix.
  CHECK(Keys(store->List("/pods/a")->items) ==
        std::vector<std::string>{"/pods/a", "/pods/a/x", "/pods/ab/y"});
  CHECK(Keys(store->List("/pods/")->items) ==
        std::vector<std::string>{"/pods/a", "/pods/a/x", "/pods/ab/y", "/pods/b"});
  CHECK(store->List("")->items.size() == 7);
  CHECK(store->List("/nothing/")->items.empty());
  CHECK(*store->Count("/pods/") == 4);
  CHECK(*store->Count("") == 7);
  CHECK(store->List("/pods/")->revision == 7);
}

TEMPLATE_TEST_CASE("prefixes ending in 0xff bytes bound correctly", "[storage][contract]",
                   BACKENDS) {
  TestType backend;
  auto store = backend.Open();
  const std::string ff("\xff");
  for (const std::string& key :
       std::vector<std::string>{"a" + ff, "a" + ff + ff + "x", "a" + ff + "\x01", "b", "a"}) {
    REQUIRE(store->Create(key, "v").ok());
  }
  CHECK(Keys(store->List("a" + ff)->items) ==
        std::vector<std::string>{"a" + ff, "a" + ff + "\x01", "a" + ff + ff + "x"});
  CHECK(Keys(store->List(ff)->items).empty());
  CHECK(*store->Count("a" + ff + ff) == 1);
}

TEMPLATE_TEST_CASE("list pages with limit and start_after", "[storage][contract]", BACKENDS) {
  TestType backend;
  auto store = backend.Open();
  std::vector<std::string> all;
  for (int i = 0; i < 10; ++i) {
    all.push_back("/ns/k" + std::to_string(i));
    REQUIRE(store->Create(all.back(), "v").ok());
  }
  REQUIRE(store->Create("/other/k", "v").ok());
  ListOptions opts;
  opts.limit = 3;
  Result<ListResult> first = store->List("/ns/", opts);
  REQUIRE(first.ok());
  CHECK(first->more);
  const int64_t at = first->revision;
  // Later writes must not show in the next pages, which read at `at`.
  REQUIRE(store->Create("/ns/k35", "late").ok());
  REQUIRE(store->Delete("/ns/k9", 0).ok());
  std::vector<std::string> seen = Keys(first->items);
  opts.revision = at;
  for (int page = 0; page < 10; ++page) {
    opts.start_after = seen.back();
    Result<ListResult> next = store->List("/ns/", opts);
    REQUIRE(next.ok());
    CHECK(next->revision == at);
    for (const auto& kv : next->items) seen.push_back(kv.key);
    if (!next->more) break;
    CHECK(next->items.size() == 3);
  }
  CHECK(seen == all);
  // Exactly `limit` items left: more is false.
  ListOptions exact;
  exact.limit = 2;
  exact.start_after = "/ns/k7";
  Result<ListResult> last = store->List("/ns/", exact);
  REQUIRE(last.ok());
  CHECK(Keys(last->items) == std::vector<std::string>{"/ns/k8"});
  CHECK_FALSE(last->more);
  // start_after before the prefix is ignored; after every key gives nothing.
  ListOptions before;
  before.start_after = "/a";
  CHECK(store->List("/ns/", before)->items.size() == 10);
  ListOptions beyond;
  beyond.start_after = "/ns/z";
  CHECK(store->List("/ns/", beyond)->items.empty());
}

TEMPLATE_TEST_CASE("list at an older revision sees the state of that revision",
                   "[storage][contract]", BACKENDS) {
  TestType backend;
  auto store = backend.Open();
  REQUIRE(store->Create("/a", "a1").ok());     // 1
  REQUIRE(store->Create("/b", "b1").ok());     // 2
  REQUIRE(store->Update("/a", "a2", 1).ok());  // 3
  REQUIRE(store->Delete("/b", 2).ok());        // 4
  REQUIRE(store->Create("/b", "b2").ok());     // 5
  REQUIRE(store->Create("/c", "c1").ok());     // 6
  auto at = [&](int64_t rev) {
    ListOptions opts;
    opts.revision = rev;
    Result<ListResult> r = store->List("/", opts);
    REQUIRE(r.ok());
    CHECK(r->revision == rev);
    return r->items;
  };
  CHECK(at(1) == std::vector<KeyValue>{{"/a", "a1", 1, 1}});
  CHECK(at(2) == std::vector<KeyValue>{{"/a", "a1", 1, 1}, {"/b", "b1", 2, 2}});
  CHECK(at(3) == std::vector<KeyValue>{{"/a", "a2", 1, 3}, {"/b", "b1", 2, 2}});
  CHECK(at(4) == std::vector<KeyValue>{{"/a", "a2", 1, 3}});
  CHECK(at(5) == std::vector<KeyValue>{{"/a", "a2", 1, 3}, {"/b", "b2", 5, 5}});
  CHECK(at(6) == store->List("/")->items);
  ListOptions limited;
  limited.revision = 3;
  limited.limit = 1;
  Result<ListResult> page = store->List("/", limited);
  CHECK(page->items == std::vector<KeyValue>{{"/a", "a2", 1, 3}});
  CHECK(page->more);
}

TEMPLATE_TEST_CASE("revisions are strictly increasing and gap-free, failures consume none",
                   "[storage][contract]", BACKENDS) {
  TestType backend;
  auto store = backend.Open();
  int64_t expected = 0;
  for (int i = 0; i < 30; ++i) {
    std::string key = "/k" + std::to_string(i % 4);
    Result<KeyValue> r = (i % 3 == 0)   ? store->Create(key, "v")
                         : (i % 3 == 1) ? store->Update(key, "u", i % 2 == 0 ? 0 : 12345)
                                        : store->Delete(key, 0);
    if (r.ok()) {
      ++expected;
      CHECK(r->mod_revision == expected);
    }
    CHECK(store->CurrentRevision() == expected);
  }
  CHECK(expected > 5);
}

TEMPLATE_TEST_CASE("watch replays history after a revision, then delivers live events",
                   "[storage][contract]", BACKENDS) {
  TestType backend;
  auto store = backend.Open();
  REQUIRE(store->Create("/pods/a", "a1").ok());     // 1
  REQUIRE(store->Create("/svc/x", "x1").ok());      // 2
  REQUIRE(store->Update("/pods/a", "a2", 1).ok());  // 3
  REQUIRE(store->Create("/pods/b", "b1").ok());     // 4
  Result<std::unique_ptr<Watcher>> w = store->Watch("/pods/", 1);
  REQUIRE(w.ok());
  REQUIRE(store->Delete("/pods/a", 3).ok());       // 5
  REQUIRE(store->Update("/svc/x", "x2", 2).ok());  // 6
  std::vector<Event> events = Drain(**w, 3);
  std::vector<Event> want = {
      {EventType::kUpdated, {"/pods/a", "a2", 1, 3}},
      {EventType::kCreated, {"/pods/b", "b1", 4, 4}},
      {EventType::kDeleted, {"/pods/a", "a2", 1, 5}},
  };
  CHECK(events == want);
  CHECK(DrainQuiet(**w).empty());
  CHECK((*w)->status().ok());
}

TEMPLATE_TEST_CASE("watch from 0 delivers only new events", "[storage][contract]", BACKENDS) {
  TestType backend;
  auto store = backend.Open();
  REQUIRE(store->Create("/a", "old").ok());
  Result<std::unique_ptr<Watcher>> w = store->Watch("/", 0);
  REQUIRE(w.ok());
  CHECK(DrainQuiet(**w, milliseconds(50)).empty());
  REQUIRE(store->Create("/b", "new").ok());
  CHECK(Drain(**w, 1) == std::vector<Event>{{EventType::kCreated, {"/b", "new", 2, 2}}});
}

TEMPLATE_TEST_CASE(
    "a watcher that reconnects from its last revision gets exactly the missed "
    "events",
    "[storage][contract]", BACKENDS) {
  TestType backend;
  auto store = backend.Open();
  Result<std::unique_ptr<Watcher>> w = store->Watch("/", 0);
  REQUIRE(w.ok());
  for (int i = 0; i < 5; ++i) REQUIRE(store->Create("/k" + std::to_string(i), "v").ok());
  std::vector<Event> before = Drain(**w, 5);
  REQUIRE(before.size() == 5);
  (*w)->Stop();
  CHECK((*w)->Next(milliseconds(10)).empty());
  const int64_t last_seen = before[2].kv.mod_revision;  // pretend only 3 were processed
  for (int i = 0; i < 3; ++i) REQUIRE(store->Update("/k" + std::to_string(i), "u", 0).ok());
  Result<std::unique_ptr<Watcher>> again = store->Watch("/", last_seen);
  REQUIRE(again.ok());
  std::vector<Event> missed = Drain(**again, 5);
  REQUIRE(missed.size() == 5);
  for (size_t i = 0; i < missed.size(); ++i) {
    CHECK(missed[i].kv.mod_revision == last_seen + 1 + static_cast<int64_t>(i));
  }
  CHECK(missed[0] == before[3]);
  CHECK(missed[1] == before[4]);
  CHECK(missed[2].type == EventType::kUpdated);
  CHECK(DrainQuiet(**again).empty());
}

TEMPLATE_TEST_CASE("watch after the current revision waits for later events", "[storage][contract]",
                   BACKENDS) {
  TestType backend;
  auto store = backend.Open();
  REQUIRE(store->Create("/a", "v").ok());
  Result<std::unique_ptr<Watcher>> w = store->Watch("/", 2);
  REQUIRE(w.ok());
  REQUIRE(store->Update("/a", "v2", 0).ok());  // 2: not after 2
  REQUIRE(store->Update("/a", "v3", 0).ok());  // 3
  std::vector<Event> events = Drain(**w, 1);
  REQUIRE(events.size() == 1);
  CHECK(events[0].kv.mod_revision == 3);
}

TEMPLATE_TEST_CASE("compaction forgets history but keeps current data", "[storage][contract]",
                   BACKENDS) {
  TestType backend;
  auto store = backend.Open();
  REQUIRE(store->Create("/a", "a1").ok());     // 1
  REQUIRE(store->Create("/b", "b1").ok());     // 2
  REQUIRE(store->Update("/a", "a2", 1).ok());  // 3
  REQUIRE(store->Delete("/b", 2).ok());        // 4
  REQUIRE(store->Create("/c", "c1").ok());     // 5
  REQUIRE(store->Update("/a", "a3", 3).ok());  // 6
  std::vector<KeyValue> current = store->List("/")->items;
  REQUIRE(store->Compact(4).ok());
  CHECK(store->CompactedRevision() == 4);
  ListOptions old;
  old.revision = 3;
  CHECK(store->List("/", old).status().code() == Code::kGone);
  CHECK(store->Watch("/", 3).status().code() == Code::kGone);
  old.revision = 4;
  Result<ListResult> at4 = store->List("/", old);
  REQUIRE(at4.ok());
  CHECK(at4->items == std::vector<KeyValue>{{"/a", "a2", 1, 3}});
  old.revision = 5;
  CHECK(store->List("/", old)->items ==
        std::vector<KeyValue>{{"/a", "a2", 1, 3}, {"/c", "c1", 5, 5}});
  CHECK(store->List("/")->items == current);
  Result<std::unique_ptr<Watcher>> w = store->Watch("/", 4);
  REQUIRE(w.ok());
  std::vector<Event> replay = Drain(**w, 2);
  CHECK(replay == std::vector<Event>{{EventType::kCreated, {"/c", "c1", 5, 5}},
                                     {EventType::kUpdated, {"/a", "a3", 1, 6}}});
  // Compacting to an older revision is a no-op; writes continue normally.
  CHECK(store->Compact(2).ok());
  CHECK(store->CompactedRevision() == 4);
  REQUIRE(store->Update("/a", "a4", 6).ok());
  REQUIRE(store->Compact(7).ok());
  CHECK(store->List("/")->items.size() == 2);
  CHECK(store->Get("/a")->value == "a4");
}

TEMPLATE_TEST_CASE("a watcher that falls behind its buffer ends with Gone", "[storage][contract]",
                   BACKENDS) {
  TestType backend;
  auto store = backend.Open(/*watch_buffer=*/4);
  Result<std::unique_ptr<Watcher>> slow = store->Watch("/", 0);
  Result<std::unique_ptr<Watcher>> other = store->Watch("/other/", 0);
  REQUIRE(slow.ok());
  REQUIRE(other.ok());
  for (int i = 0; i < 6; ++i) REQUIRE(store->Create("/k" + std::to_string(i), "v").ok());
  CHECK((*slow)->status().code() == Code::kGone);
  CHECK((*slow)->Next(milliseconds(10)).empty());
  CHECK((*other)->status().ok());  // nothing under its prefix
}

TEMPLATE_TEST_CASE("closing the store ends watchers with Unavailable", "[storage][contract]",
                   BACKENDS) {
  TestType backend;
  auto store = backend.Open();
  Result<std::unique_ptr<Watcher>> w = store->Watch("/", 0);
  REQUIRE(w.ok());
  REQUIRE(store->Create("/a", "v").ok());
  store.reset();
  std::vector<Event> rest = Drain(**w, 2, milliseconds(200));
  CHECK(rest.size() == 1);  // the committed event is still delivered
  CHECK((*w)->status().code() == Code::kUnavailable);
  CHECK((*w)->Next(milliseconds(1000)).empty());
}

}  // namespace
}  // namespace skiff::storage
