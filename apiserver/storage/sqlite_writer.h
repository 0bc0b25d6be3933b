// SqliteWriter: the one writer thread of SqliteStorage, with group commit.
//
// Callers Submit a write and block. The thread takes every request queued at
// that moment (up to max_batch) into one BEGIN IMMEDIATE ... COMMIT: each
// compare-and-swap is checked against the state inside the transaction (a
// failed check fails only that request and consumes no revision), successful
// writes get consecutive revisions, and a bounded chunk of pending compaction
// rides along. One COMMIT = one fsync (synchronous=FULL). Only after the commit
// are the events published to the WatchHub and the callers completed.
//
// If any statement or the COMMIT fails, the transaction is rolled back, every
// request of the batch fails with Unavailable and nothing is applied (the
// in-memory revision counters are unchanged).
//
// Periodic compaction: every compaction_interval, the compacted revision moves
// to revision - history_revisions; history rows are then deleted in chunks of
// at most kCompactionChunk revisions per batch. History is bounded by bytes as
// well: after each commit, once the log rows written after the compacted
// revision hold more than history_bytes, the compacted revision moves at once to
// the oldest revision that leaves them within the bound (so a run of large
// updates cannot fill the disk before the next interval).
//
// Thread-safety: Submit, Compact and the accessors may be called from any
// thread. Stop() commits what is queued, then ends the thread; later calls
// fail with Unavailable.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "apiserver/storage/factory.h"
#include "apiserver/storage/sqlite_conn.h"
#include "apiserver/storage/sqlite_schema.h"
#include "apiserver/storage/watch_hub.h"

namespace skiff::storage {

// Most revisions whose history one batch compacts.
inline constexpr int64_t kCompactionChunk = 1000;

class SqliteWriter {
 public:
  enum class Op { kCreate, kUpdate, kDelete, kCompact };

  // after_commit is called on the writer thread after each committed batch
  // has been acknowledged, outside any transaction, with the writer's
  // connection and the number of pages in the WAL (see SqliteCheckpointer).
  using AfterCommit = std::function<void(sqlite3* db, int wal_pages)>;
  SqliteWriter(std::unique_ptr<SqliteConn> conn, const SqliteOptions& options,
               const StoredMeta& meta, WatchHub& hub, AfterCommit after_commit);
  ~SqliteWriter();  // Stop()
  SqliteWriter(const SqliteWriter&) = delete;
  SqliteWriter& operator=(const SqliteWriter&) = delete;

  // Runs one write; returns once it is committed (or failed).
  Result<KeyValue> Submit(Op op, const std::string& key, std::string value,
                          int64_t expected_revision);
  // Moves the compacted revision to revision (history deleted in later batches).
  Status Compact(int64_t revision);
  void Stop();

  int64_t revision() const { return revision_.load(); }
  int64_t compacted() const { return compacted_.load(); }
  int64_t compact_done() const { return compact_done_.load(); }
  // Batches committed / writes committed, for tests and metrics.
  int64_t batches() const { return batches_.load(); }
  int64_t writes_committed() const { return writes_committed_.load(); }  // requests in committed batches
  double commit_seconds() const { return commit_nanos_.load() / 1e9; }   // BEGIN..COMMIT, summed

 private:
  struct Request {
    Op op;
    std::string key;
    std::string value;
    int64_t expected = 0;
    std::promise<Result<KeyValue>> done;
  };
  // The outcome of a batch before it is committed.
  struct Pending {
    int64_t revision = 0;
    int64_t compacted = 0;
    int64_t compact_done = 0;
    std::vector<Result<KeyValue>> results;
    std::vector<Event> events;
  };

  void Run();
  // Returns whether the batch committed.
  bool RunBatch(std::vector<std::unique_ptr<Request>>& batch);
  // Applies one request inside the open transaction. A non-OK return is a
  // database failure (abort the batch); a failed precondition goes to *result.
  Status Apply(Request& req, Pending& p, Result<KeyValue>* result);
  Status CompactChunk(Pending& p);
  // Reads the sizes of the log rows above the compacted revision (at open).
  void LoadRecentWrites();
  // Counts a committed batch's rows and, past history_bytes, moves the
  // compaction target forward.
  void BoundHistoryBytes(const std::vector<Event>& events);
  // Moves the compaction target up to revision (never down) and forgets the
  // rows it covers.
  void RaiseCompactTarget(int64_t revision);
  void InvalidateOrphanedFrames();
  Status WriteMeta(const Pending& p);
  static int WalHook(void* self, sqlite3* db, const char* name, int pages);

  std::unique_ptr<SqliteConn> conn_;
  const SqliteOptions options_;
  WatchHub& hub_;
  AfterCommit after_commit_;
  int wal_pages_ = 0;  // reported by the WAL hook at each commit; writer thread only

  std::atomic<int64_t> revision_;
  std::atomic<int64_t> compacted_;
  std::atomic<int64_t> compact_done_;
  std::atomic<int64_t> batches_{0};
  std::atomic<int64_t> writes_committed_{0};
  std::atomic<int64_t> commit_nanos_{0};
  int64_t auto_compact_target_ = 0;  // writer thread only
  // Log rows above the compaction target, oldest first: (revision, bytes), and
  // their sum. Writer thread only (filled by the constructor before it starts).
  std::deque<std::pair<int64_t, int64_t>> recent_writes_;
  int64_t recent_bytes_ = 0;
  std::chrono::steady_clock::time_point next_auto_compact_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Request>> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace skiff::storage
