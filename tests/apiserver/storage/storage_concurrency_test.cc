// Concurrency: many threads writing distinct keys and racing on shared keys
// (through GuaranteedUpdate). Every acknowledged write is visible, revisions
// are unique and gap-free, and a watcher sees each one once, in order.
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "apiserver/storage/guaranteed_update.h"
#include "apiserver/storage/storage.h"
#include "tests/apiserver/storage/storage_test_util.h"

namespace skiff::storage {
namespace {

using testing::Drain;
using testing::MemoryBackend;
using testing::SqliteBackend;

TEMPLATE_TEST_CASE("concurrent writers: every acknowledged write is visible, revisions unique",
                   "[storage][concurrency]", MemoryBackend, SqliteBackend) {
  TestType backend;
  auto store = backend.Open(/*watch_buffer=*/100000);
  auto watcher = store->Watch("/", 0);
  REQUIRE(watcher.ok());
  constexpr int kDistinctThreads = 16;
  constexpr int kWritesPerThread = 40;
  constexpr int kCounterThreads = 8;
  constexpr int kIncrementsPerThread = 15;
  constexpr int kCounters = 2;
  for (int c = 0; c < kCounters; ++c)
    REQUIRE(store->Create("/counter/" + std::to_string(c), "0").ok());

  std::mutex mu;
  std::vector<KeyValue> acked;  // final value of each distinct key
  std::vector<int64_t> revisions;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kDistinctThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        std::string key = "/distinct/" + std::to_string(t) + "/" + std::to_string(i);
        Result<KeyValue> r = store->Create(key, std::string(100, static_cast<char>('a' + t)));
        if (r.ok() && i % 4 == 0) r = store->Update(key, "updated", r->mod_revision);
        std::lock_guard<std::mutex> lock(mu);
        if (!r.ok()) {
          failures++;
          continue;
        }
        acked.push_back(*r);
        revisions.push_back(r->mod_revision);
        if (i % 4 == 0) revisions.push_back(r->create_revision);
      }
    });
  }
  for (int t = 0; t < kCounterThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIncrementsPerThread; ++i) {
        Result<KeyValue> r = GuaranteedUpdate(
            *store, "/counter/" + std::to_string((t + i) % kCounters),
            [](const KeyValue& cur) -> Result<std::string> {
              return std::to_string(std::stoi(cur.value) + 1);
            },
            /*max_attempts=*/1000);
        std::lock_guard<std::mutex> lock(mu);
        if (!r.ok()) {
          failures++;
          continue;
        }
        revisions.push_back(r->mod_revision);
      }
    });
  }
  for (auto& t : threads) t.join();
  REQUIRE(failures == 0);

  for (const KeyValue& kv : acked) REQUIRE(*store->Get(kv.key) == kv);
  int total = 0;
  for (int c = 0; c < kCounters; ++c)
    total += std::stoi(store->Get("/counter/" + std::to_string(c))->value);
  CHECK(total == kCounterThreads * kIncrementsPerThread);

  std::sort(revisions.begin(), revisions.end());
  CHECK(std::adjacent_find(revisions.begin(), revisions.end()) == revisions.end());
  const int64_t writes = kCounters + kDistinctThreads * kWritesPerThread * 5 / 4 +
                         kCounterThreads * kIncrementsPerThread;
  CHECK(store->CurrentRevision() == writes);
  CHECK(static_cast<int64_t>(revisions.size()) == writes - kCounters);

  std::vector<Event> events = Drain(**watcher, static_cast<size_t>(writes));
  REQUIRE(static_cast<int64_t>(events.size()) == writes);
  for (size_t i = 0; i < events.size(); ++i) {
    REQUIRE(events[i].kv.mod_revision == static_cast<int64_t>(i) + 1);
  }
}

}  // namespace
}  // namespace skiff::storage
