// SqliteCheckpointer: keeps the WAL bounded without stalling writes.
//
// The writer connection runs with wal_autocheckpoint=0, so no commit ever pays
// for a checkpoint. After each acknowledged batch the writer reports the WAL
// size (AfterCommit). Once it reaches the threshold, this class's thread runs
// a PASSIVE checkpoint on its own connection: the bulk copy of WAL frames into
// the database, which never blocks the writer or readers.
//
// Under continuous writes a background checkpoint is always a little behind
// (frames keep arriving while it copies), so the WAL would never be fully
// copied and SQLite could never restart it from the beginning. So when a
// background run has finished and the frames it could not copy (the tail) are
// few (at most kMaxTailPages), the writer thread finishes the job itself
// between two batches: a PASSIVE checkpoint of just the tail on the writer's
// connection. The next write then restarts the WAL, and journal_size_limit
// truncates the file. The writer's stall is bounded by copying kMaxTailPages.
//
// Backpressure: if writes outrun the background checkpoints anyway (the WAL
// reaches kOverrunFactor x the threshold while no background run is active),
// the writer copies the backlog itself, so the WAL stays bounded; requests
// wait for that copy. This only happens when the disk or CPU is overloaded.
//
// Thread-safety: AfterCommit is called only by the writer thread; the rest may
// be called from any thread. Checkpoint failures are not errors of any
// request: they are counted and retried on the next trigger.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "apiserver/storage/sqlite_conn.h"

namespace skiff::storage {

// Most WAL pages the writer thread copies itself (~2 MiB at 4 KiB pages).
inline constexpr int64_t kMaxTailPages = 512;
// WAL size (in multiples of the threshold) at which the writer checkpoints itself.
inline constexpr int64_t kOverrunFactor = 8;

class SqliteCheckpointer {
 public:
  SqliteCheckpointer(std::unique_ptr<SqliteConn> conn, int64_t threshold_pages);
  ~SqliteCheckpointer();  // Stop()
  SqliteCheckpointer(const SqliteCheckpointer&) = delete;
  SqliteCheckpointer& operator=(const SqliteCheckpointer&) = delete;

  // Called on the writer thread, outside any transaction, with the writer's
  // connection and the WAL size in pages after its last commit.
  void AfterCommit(sqlite3* writer_db, int wal_pages);
  void Stop();

  int64_t checkpoints() const { return checkpoints_.load(); }  // background runs
  int64_t tail_checkpoints() const { return tail_checkpoints_.load(); }
  int64_t overrun_checkpoints() const { return overrun_checkpoints_.load(); }
  int64_t failures() const { return failures_.load(); }
  int64_t max_wal_pages() const { return max_wal_pages_.load(); }
  int64_t wal_pages() const { return wal_pages_.load(); }

 private:
  void Run();

  std::unique_ptr<SqliteConn> conn_;
  const int64_t threshold_;
  const int64_t max_tail_;
  std::atomic<int64_t> checkpoints_{0};
  std::atomic<int64_t> tail_checkpoints_{0};
  std::atomic<int64_t> overrun_checkpoints_{0};
  std::atomic<int64_t> failures_{0};
  std::atomic<int64_t> max_wal_pages_{0};
  std::atomic<int64_t> wal_pages_{0};
  std::atomic<bool> running_{false};    // a background checkpoint is in progress
  std::atomic<int64_t> backfilled_{0};  // frames copied by the last background run
  int64_t last_pages_ = 0;              // writer thread only

  std::mutex mu_;
  std::condition_variable cv_;
  bool requested_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace skiff::storage
