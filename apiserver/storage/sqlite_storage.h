// SqliteStorage: the embedded, durable Storage backend (the default).
//
// Composition (one file each):
//   SqliteWriter        one writer thread, group commit, compaction in chunks
//   SqliteReaders       pool of query_only connections, consistent snapshots
//   SqliteCheckpointer  passive WAL checkpoints off the write path
//   WatchHub            events published after each commit, replay from log
// Schema and pragmas are in sqlite_schema.h; the design is in docs/storage.md.
//
// Durability: a write returns OK only after the transaction holding it has
// committed; with synchronous_full (default) that commit was fsync'd, so it
// survives power loss as well as kill -9. A write that returns Unavailable was
// rolled back and is not applied.
//
// Thread-safety: all Storage methods may be called concurrently. The
// destructor commits queued writes, ends watchers (Unavailable), stops the
// threads and closes the database; it must not race other calls.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "apiserver/storage/factory.h"
#include "apiserver/storage/sqlite_checkpointer.h"
#include "apiserver/storage/sqlite_reader.h"
#include "apiserver/storage/sqlite_writer.h"
#include "apiserver/storage/watch_hub.h"

namespace skiff::storage {

class SqliteStorage : public Storage {
 public:
  // Counters for tests and metrics.
  struct Stats {
    int64_t batches = 0;           // committed write transactions
    int64_t checkpoints = 0;       // background passive checkpoints run
    int64_t tail_checkpoints = 0;  // short ones run by the writer to let the WAL restart
    int64_t overrun_checkpoints = 0;  // backlog copied by the writer (writes outran them)
    int64_t max_wal_pages = 0;     // largest WAL seen after a commit
    int64_t wal_pages = 0;         // WAL size after the last commit
    int64_t checkpoint_failures = 0;
    int64_t read_busy_retries = 0;  // read transactions retried internally
    int64_t compact_done = 0;       // history deleted up to this revision
    int64_t writes_committed = 0;   // requests in committed batches (÷ batches = mean batch size)
    double commit_seconds = 0;      // time from BEGIN to the end of COMMIT (fsync), summed
  };

  static Result<std::unique_ptr<SqliteStorage>> Open(const SqliteOptions& options);
  ~SqliteStorage() override;

  Result<KeyValue> Get(const std::string& key) override;
  Result<ListResult> List(const std::string& prefix, const ListOptions& opts = {}) override;
  Result<int64_t> Count(const std::string& prefix) override;
  Result<KeyValue> Create(const std::string& key, const std::string& value) override;
  Result<KeyValue> Update(const std::string& key, const std::string& value,
                          int64_t expected_revision) override;
  Result<KeyValue> Delete(const std::string& key, int64_t expected_revision) override;
  Result<std::unique_ptr<Watcher>> Watch(const std::string& prefix,
                                         int64_t after_revision) override;
  Status Compact(int64_t revision) override;
  int64_t CurrentRevision() override;
  int64_t CompactedRevision() override;

  Stats stats() const;

 private:
  explicit SqliteStorage(const SqliteOptions& options);

  const SqliteOptions options_;
  WatchHub hub_;
  std::unique_ptr<SqliteReaders> readers_;
  std::unique_ptr<SqliteCheckpointer> checkpointer_;
  std::unique_ptr<SqliteWriter> writer_;
};

}  // namespace skiff::storage
