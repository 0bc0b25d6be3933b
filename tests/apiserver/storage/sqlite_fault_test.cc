// Fault tests for SqliteStorage: fail the Nth write or fsync (FaultyVfs) for
// n = 1, 2, ... until a run no longer reaches the fault. Every write either
// succeeds or fails cleanly with Unavailable; after reopening on the normal
// VFS every acknowledged write is there, no failed one is, and revisions are
// consistent. Also: readers never see SQLITE_BUSY under heavy writes and
// checkpoints.
#include <atomic>
#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "apiserver/storage/factory.h"
#include "apiserver/storage/faulty_vfs.h"
#include "apiserver/storage/sqlite_storage.h"
#include "tests/apiserver/storage/storage_model.h"
#include "tests/apiserver/storage/storage_test_util.h"

namespace skiff::storage {
namespace {

using testing::Model;
using testing::TempDir;

SqliteOptions FaultOptions(const TempDir& dir, bool faulty) {
  SqliteOptions options;
  options.path = dir.File("fault.db");
  options.vfs = faulty ? kFaultyVfsName : "";
  options.history_revisions = 0;           // no background compaction: ops are deterministic
  options.wal_checkpoint_pages = 1 << 30;  // no background checkpoint either
  return options;
}

// Applies one write to the store and, if acknowledged, to the model. The only
// failure a fault may cause is Unavailable; otherwise the answer is the model's.
void Apply(Model& model, const std::function<Result<KeyValue>()>& on_store,
           const std::function<Result<KeyValue>()>& on_model, int* failed) {
  Result<KeyValue> got = on_store();
  if (got.status().code() == Code::kUnavailable) {
    ++*failed;
    return;
  }
  Result<KeyValue> want = on_model();
  REQUIRE(got.status().code() == want.status().code());
  if (want.ok()) REQUIRE(*got == *want);
  (void)model;
}

// The fixed write sequence; preconditions come from the model (acknowledged
// state), so with no fault every write succeeds.
void RunSequence(Storage& store, Model& model, int* failed) {
  auto key = [](int i) { return "/registry/pods/default/p" + std::to_string(i); };
  auto rev_of = [&](int i) {
    auto it = model.current().find(key(i));
    return it == model.current().end() ? int64_t{1} : it->second.mod_revision;
  };
  std::string big(1500, 'x');
  for (int i = 0; i < 6; ++i) {
    std::string value = big + std::to_string(i);
    Apply(
        model, [&] { return store.Create(key(i), value); },
        [&] { return model.Create(key(i), value); }, failed);
  }
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 4; ++i) {
      std::string value = "v" + std::to_string(round) + "-" + std::to_string(i);
      int64_t expected = rev_of(i);
      Apply(
          model, [&] { return store.Update(key(i), value, expected); },
          [&] { return model.Update(key(i), value, expected); }, failed);
    }
    int d = 4 + round % 2;
    int64_t expected = rev_of(d);
    Apply(
        model, [&] { return store.Delete(key(d), expected); },
        [&] { return model.Delete(key(d), expected); }, failed);
    Apply(
        model, [&] { return store.Create(key(d), "again"); },
        [&] { return model.Create(key(d), "again"); }, failed);
    // Reads on the faulty store see exactly the acknowledged state.
    Result<ListResult> listed = store.List("/registry/");
    REQUIRE(listed.ok());
    bool more = false;
    REQUIRE(listed->items == model.List("/registry/", model.revision(), "", 0, &more));
  }
  int64_t target = model.revision() - 3;
  Status compacted = store.Compact(target);
  if (compacted.ok()) {
    model.compacted = target;
  } else {
    REQUIRE(compacted.code() == Code::kUnavailable);
    ++*failed;
  }
  Apply(
      model, [&] { return store.Update(key(0), "last", 0); },
      [&] { return model.Update(key(0), "last", 0); }, failed);
}

// Reopens on the normal VFS and checks the acknowledged history.
void CheckReopened(const TempDir& dir, const Model& model, bool exact) {
  SqliteOptions options = FaultOptions(dir, false);
  options.synchronous_full = false;  // durability of the check itself is not under test
  Result<std::unique_ptr<Storage>> reopened = NewSqliteStorage(options);
  REQUIRE(reopened.ok());
  Storage& store = **reopened;
  if (exact) {
    REQUIRE(store.CurrentRevision() == model.revision());
    REQUIRE(store.CompactedRevision() == model.compacted);
  } else {
    // A dead disk may still have kept the write whose fsync failed.
    REQUIRE(store.CurrentRevision() >= model.revision());
    REQUIRE(store.CompactedRevision() >= model.compacted);
  }
  for (int64_t rev = std::max<int64_t>(store.CompactedRevision(), 1); rev <= model.revision();
       ++rev) {
    ListOptions opts;
    opts.revision = rev;
    Result<ListResult> listed = store.List("", opts);
    REQUIRE(listed.ok());
    bool more = false;
    INFO("revision " << rev);
    REQUIRE(listed->items == model.List("", rev, "", 0, &more));
  }
  // The store keeps working: the next write gets the next revision.
  int64_t next = store.CurrentRevision() + 1;
  Result<KeyValue> after = store.Create("/after/reopen", "v");
  REQUIRE(after.ok());
  REQUIRE(after->mod_revision == next);
}

void RunFaultLoop(bool sticky) {
  REQUIRE(RegisterFaultyVfs());
  int64_t total_ops = 0;
  for (int64_t n = 1;; ++n) {
    INFO("failing xWrite/xSync number " << n << (sticky ? " and all later ones" : ""));
    TempDir dir;
    Model model;
    int failed = 0;
    ArmFaultyVfs(n, sticky, /*real_sync=*/false);
    {
      Result<std::unique_ptr<Storage>> store = NewSqliteStorage(FaultOptions(dir, true));
      if (store.ok()) {
        RunSequence(**store, model, &failed);
      } else {
        // Opening may fail cleanly (the schema could not be written).
        CHECK(store.status().code() != Code::kOk);
      }
    }  // close: queued writes done, connections closed (a checkpoint may fail)
    bool fired = FaultyVfsFired();
    total_ops = FaultyVfsOps();
    ArmFaultyVfs(0);
    if (!fired) REQUIRE(failed == 0);
    CheckReopened(dir, model, /*exact=*/!sticky);
    if (!fired) break;
    REQUIRE(n < 100000);
  }
  CHECK(total_ops > 20);  // the sequence really did write through the VFS
}

TEST_CASE("sqlite: every write either commits or fails cleanly when the Nth write/fsync fails",
          "[storage][sqlite][fault][slow]") {
  RunFaultLoop(/*sticky=*/false);
}

TEST_CASE("sqlite: a disk that dies at the Nth write/fsync loses no acknowledged write",
          "[storage][sqlite][fault][slow]") {
  RunFaultLoop(/*sticky=*/true);
}

TEST_CASE("sqlite: readers never fail under heavy concurrent writes and checkpoints",
          "[storage][sqlite][fault][slow]") {
  TempDir dir;
  SqliteOptions options;
  options.path = dir.File("busy.db");
  options.synchronous_full = false;  // more commits per second = more contention
  options.wal_checkpoint_pages = 64;
  options.history_revisions = 200;
  options.compaction_interval = std::chrono::milliseconds(20);
  Result<std::unique_ptr<SqliteStorage>> opened = SqliteStorage::Open(options);
  REQUIRE(opened.ok());
  SqliteStorage& store = **opened;
  std::atomic<bool> stop{false};
  std::atomic<int64_t> read_failures{0};
  std::atomic<int64_t> reads{0};
  std::atomic<int64_t> writes{0};
  std::string value(1500, 'v');
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; !stop.load(); ++i) {
        std::string key = "/w/" + std::to_string(t) + "/" + std::to_string(i % 50);
        Result<KeyValue> r = i < 50 ? store.Create(key, value) : store.Update(key, value, 0);
        if (r.ok()) writes.fetch_add(1);
      }
    });
  }
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      while (!stop.load()) {
        Result<ListResult> listed = store.List("/w/" + std::to_string(t % 8) + "/");
        Result<int64_t> counted = store.Count("/w/");
        Result<KeyValue> got = store.Get("/w/0/0");
        bool ok =
            listed.ok() && counted.ok() && (got.ok() || got.status().code() == Code::kNotFound);
        if (!ok) read_failures.fetch_add(1);
        reads.fetch_add(1);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(3));
  stop.store(true);
  for (auto& t : threads) t.join();
  SqliteStorage::Stats stats = store.stats();
  INFO("reads " << reads << " writes " << writes << " checkpoints " << stats.checkpoints
                << " busy retries " << stats.read_busy_retries << " compacted to "
                << stats.compact_done);
  CHECK(read_failures == 0);
  CHECK(writes > 100);
  CHECK(stats.checkpoints > 0);
  CHECK(stats.compact_done > 0);
}

}  // namespace
}  // namespace skiff::storage
