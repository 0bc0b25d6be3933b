// Constructors of the Storage backends.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "apiserver/storage/storage.h"

namespace skiff::storage {

// In-memory backend: full contract (history, watch, compaction), no durability.
std::unique_ptr<Storage> NewMemoryStorage();

struct SqliteOptions {
  std::string path;               // database file; created with its directory's permissions
  bool synchronous_full = true;   // fsync every commit (an acknowledged write survives power loss)
  size_t max_batch = 4096;        // most writes group-committed in one transaction
  int64_t history_revisions = 100000;  // history kept behind the current revision before compaction
  std::chrono::milliseconds compaction_interval{std::chrono::seconds(60)};
  int64_t wal_checkpoint_pages = 4096;  // passive checkpoint once the WAL holds this many pages
  std::string vfs;                // SQLite VFS name; empty = default (tests inject faults here)
};

// Opens (creating if needed) an SQLite-backed store. Fails with the path and the
// SQLite error when the file cannot be opened or the schema is not ours.
Result<std::unique_ptr<Storage>> NewSqliteStorage(const SqliteOptions& options);

}  // namespace skiff::storage
