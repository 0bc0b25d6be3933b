// The SQLite schema of the revisioned log, and the pragmas of each kind of
// connection. See docs/storage.md for the picture.
//
//   log(rev INTEGER PRIMARY KEY, key BLOB, type INT, create_rev INT,
//       prev_rev INT, value BLOB)      every write; a delete row keeps the
//                                      deleted value so watches can replay it
//   log_key_rev ON log(key, rev)       List at an older revision
//   kv(key BLOB PRIMARY KEY, rev INT, create_rev INT) WITHOUT ROWID
//                                      each live key -> its latest log row
//   meta(name TEXT PRIMARY KEY, value INT) WITHOUT ROWID
//       schema_version, revision, compacted (reads below it are Gone),
//       compact_done (history rows at or below it are already deleted)
//
// Functions here are called with exclusive use of the connection. Failures
// carry SQLite's message; a database with foreign tables and no meta, or
// another schema_version, is refused with Internal.
#pragma once

#include <cstdint>

#include "apiserver/storage/factory.h"
#include "apiserver/storage/sqlite_conn.h"

namespace skiff::storage {

inline constexpr int64_t kSchemaVersion = 1;

// log.type values.
inline constexpr int64_t kRowCreate = 0;
inline constexpr int64_t kRowUpdate = 1;
inline constexpr int64_t kRowDelete = 2;

struct StoredMeta {
  int64_t revision = 0;
  int64_t compacted = 0;
  int64_t compact_done = 0;
};

// journal_mode=WAL, synchronous per options, no auto-checkpoint, bounded WAL
// size after a checkpoint resets it.
Status ConfigureWriter(SqliteConn& conn, const SqliteOptions& options);
// query_only; reads never write.
Status ConfigureReader(SqliteConn& conn);
// Creates the tables on a new database, or checks that an existing one is ours.
Status InitSchema(SqliteConn& conn);
Result<StoredMeta> ReadMeta(SqliteConn& conn);

}  // namespace skiff::storage
