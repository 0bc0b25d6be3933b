// WatchHub on its own: replay/live stitching, prefix filtering, overflow and
// close, with a scripted replay callback standing in for a backend.
#include "apiserver/storage/watch_hub.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "tests/apiserver/storage/storage_test_util.h"

namespace skiff::storage {
namespace {

using std::chrono::milliseconds;
using testing::Drain;
using testing::DrainQuiet;

Event Ev(int64_t rev, const std::string& key) {
  return Event{EventType::kUpdated, KeyValue{key, "v" + std::to_string(rev), 1, rev}};
}

TEST_CASE("hub: live events filtered by prefix, in order", "[storage][watch]") {
  WatchHub hub(100);
  hub.SetRevision(10);
  auto w = hub.Watch("/a/", 0, nullptr);
  REQUIRE(w.ok());
  hub.Publish({Ev(11, "/a/x"), Ev(12, "/b/x"), Ev(13, "/a/y")});
  CHECK(Drain(**w, 2) == std::vector<Event>{Ev(11, "/a/x"), Ev(13, "/a/y")});
  CHECK(hub.revision() == 13);
}

TEST_CASE("hub: replay covers exactly the revisions after the start up to registration, live the rest",
          "[storage][watch]") {
  WatchHub hub(100);
  hub.SetRevision(20);
  int64_t replay_upto = -1;
  // Events published while the replay is running must come after it, once.
  auto w = hub.Watch("/", 15, [&](const std::string&, int64_t after, int64_t upto) {
    replay_upto = upto;
    hub.Publish({Ev(21, "/k")});
    hub.Publish({Ev(22, "/k")});
    std::vector<Event> history;
    for (int64_t r = after + 1; r <= upto; ++r) history.push_back(Ev(r, "/k"));
    return Result<std::vector<Event>>(history);
  });
  REQUIRE(w.ok());
  CHECK(replay_upto == 20);
  hub.Publish({Ev(23, "/k")});
  std::vector<Event> got = Drain(**w, 8);
  REQUIRE(got.size() == 8);
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i].kv.mod_revision == 16 + int64_t(i));
  CHECK(DrainQuiet(**w, milliseconds(20)).empty());
}

TEST_CASE("hub: a replay error fails the watch", "[storage][watch]") {
  WatchHub hub(100);
  hub.SetRevision(5);
  auto w = hub.Watch("/", 1, [](const std::string&, int64_t, int64_t) {
    return Result<std::vector<Event>>(Status::Gone("compacted"));
  });
  CHECK(w.status().code() == Code::kGone);
  CHECK(hub.watcher_count() == 0);
}

TEST_CASE("hub: overflow of live events ends only the slow watcher", "[storage][watch]") {
  WatchHub hub(3);
  auto slow = hub.Watch("/", 0, nullptr);
  auto fast = hub.Watch("/", 0, nullptr);
  REQUIRE(slow.ok());
  REQUIRE(fast.ok());
  for (int64_t r = 1; r <= 6; ++r) {
    hub.Publish({Ev(r, "/k")});
    if (r % 2 == 0) CHECK(Drain(**fast, 2).size() == 2);
  }
  CHECK((*slow)->status().code() == Code::kGone);
  CHECK((*slow)->Next(milliseconds(1)).empty());
  CHECK((*fast)->status().ok());
  CHECK(hub.watcher_count() == 1);
}

TEST_CASE("hub: replayed history does not count against the buffer", "[storage][watch]") {
  WatchHub hub(2);
  hub.SetRevision(100);
  auto w = hub.Watch("/", 0 + 50, [](const std::string&, int64_t after, int64_t upto) {
    std::vector<Event> history;
    for (int64_t r = after + 1; r <= upto; ++r) history.push_back(Ev(r, "/k"));
    return Result<std::vector<Event>>(history);
  });
  REQUIRE(w.ok());
  hub.Publish({Ev(101, "/k")});
  std::vector<Event> got = Drain(**w, 51);
  CHECK(got.size() == 51);
  CHECK((*w)->status().ok());
}

TEST_CASE("hub: Next returns at most kMaxEventsPerNext, in order", "[storage][watch]") {
  WatchHub hub(10 * kMaxEventsPerNext);
  auto w = hub.Watch("/", 0, nullptr);
  std::vector<Event> batch;
  for (int64_t r = 1; r <= static_cast<int64_t>(kMaxEventsPerNext) + 5; ++r) {
    batch.push_back(Ev(r, "/k"));
  }
  hub.Publish(batch);
  CHECK((*w)->Next(milliseconds(10)).size() == kMaxEventsPerNext);
  std::vector<Event> rest = (*w)->Next(milliseconds(10));
  REQUIRE(rest.size() == 5);
  CHECK(rest.front().kv.mod_revision == static_cast<int64_t>(kMaxEventsPerNext) + 1);
}

TEST_CASE("hub: Next wakes on publish and on stop", "[storage][watch]") {
  WatchHub hub(10);
  auto w = hub.Watch("/", 0, nullptr);
  std::thread publisher([&] {
    std::this_thread::sleep_for(milliseconds(20));
    hub.Publish({Ev(1, "/k")});
  });
  CHECK((*w)->Next(std::chrono::seconds(5)).size() == 1);
  publisher.join();
  std::thread stopper([&] {
    std::this_thread::sleep_for(milliseconds(20));
    (*w)->Stop();
  });
  auto start = std::chrono::steady_clock::now();
  CHECK((*w)->Next(std::chrono::seconds(5)).empty());
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(4));
  stopper.join();
  CHECK_FALSE((*w)->status().ok());
  (*w)->Stop();  // idempotent
}

TEST_CASE("hub: close ends watchers and refuses new ones, watchers outlive the hub",
          "[storage][watch]") {
  std::unique_ptr<Watcher> w;
  {
    WatchHub hub(10);
    w = std::move(hub.Watch("/", 0, nullptr)).value();
    hub.Publish({Ev(1, "/k")});
    hub.Close();
    CHECK(hub.Watch("/", 0, nullptr).status().code() == Code::kUnavailable);
  }
  CHECK(w->Next(milliseconds(10)).size() == 1);
  CHECK(w->status().code() == Code::kUnavailable);
  CHECK(w->Next(milliseconds(10)).empty());
}


TEST_CASE("hub: a watcher is bounded by the bytes it has not read, not only by events",
          "[storage][watch][hostile]") {
  WatchHub hub(1000, 1 << 20);
  auto slow = hub.Watch("/", 0, nullptr);
  auto fast = hub.Watch("/", 0, nullptr);
  REQUIRE(slow.ok());
  REQUIRE(fast.ok());
  const std::string big(200 << 10, 'x');
  for (int64_t r = 1; r <= 8; ++r) {
    hub.Publish({Event{EventType::kUpdated, KeyValue{"/k", big, 1, r}}});
    CHECK(Drain(**fast, 1).size() == 1);
  }
  // Five 200 KiB events fit in 1 MiB, the sixth does not: 8 events are far
  // below the count bound, so only the bytes end it.
  CHECK((*slow)->status().code() == Code::kGone);
  CHECK((*slow)->status().message().find("bytes") != std::string::npos);
  CHECK((*fast)->status().ok());
}

}  // namespace
}  // namespace skiff::storage
