// Constructors of the Storage backends.
//
// Both return a store that is ready to use and safe to share between threads.
// Destroying a store finishes (SQLite: commits) the writes already queued, ends
// every watcher with Unavailable and closes its files; no call may race the
// destructor.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "apiserver/storage/storage.h"

namespace skiff::storage {

struct MemoryOptions {
  size_t watch_buffer = 10000;  // unconsumed live events per watcher before it ends with Gone
  size_t watch_buffer_bytes = size_t{64} << 20;  // ... or unconsumed bytes of values
};

// In-memory backend: full contract (history, watch, compaction), no durability.
// History is kept until Compact is called.
std::unique_ptr<Storage> NewMemoryStorage();
std::unique_ptr<Storage> NewMemoryStorage(const MemoryOptions& options);

struct SqliteOptions {
  std::string path;                    // database file; created with its directory's permissions
  bool synchronous_full = true;        // fsync every commit (an acknowledged write survives power
                                       // loss); false = synchronous=NORMAL (survives kill -9 only)
  size_t max_batch = 4096;             // most writes group-committed in one transaction
  int64_t history_revisions = 100000;  // history kept behind the current revision before
                                       // compaction; 0 = never compact automatically
  // History is bounded by bytes as well: once the rows written after the compacted
  // revision hold more than this, the compacted revision moves forward at once
  // (not at the next interval) until they fit. 0 = no bound by bytes.
  int64_t history_bytes = int64_t{128} << 20;
  std::chrono::milliseconds compaction_interval{std::chrono::seconds(60)};
  int64_t wal_checkpoint_pages = 4096;  // passive checkpoint once the WAL holds this many pages
  std::string vfs;              // SQLite VFS name; empty = default (tests inject faults here)
  size_t watch_buffer = 10000;  // unconsumed live events per watcher before it ends with Gone
  size_t watch_buffer_bytes = size_t{64} << 20;  // ... or unconsumed bytes of values
  size_t max_readers = 8;       // read connections in the pool (readers beyond it wait)
};

// Opens (creating if needed) an SQLite-backed store. Fails with the path and the
// SQLite error when the file cannot be opened or the schema is not ours
// (Internal), or the VFS is unknown (BadRequest).
Result<std::unique_ptr<Storage>> NewSqliteStorage(const SqliteOptions& options);

}  // namespace skiff::storage
