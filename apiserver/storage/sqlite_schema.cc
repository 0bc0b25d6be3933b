#include "apiserver/storage/sqlite_schema.h"

#include <algorithm>
#include <string>

namespace skiff::storage {

namespace {

// The WAL file left behind when the WAL restarts is truncated to twice the
// checkpoint threshold (at 4 KiB pages), and never below this floor.
constexpr int64_t kMinJournalSizeLimit = 4 << 20;
constexpr int64_t kAssumedPageSize = 4096;
// Page cache per connection, in KiB (negative cache_size).
constexpr int kWriterCacheKiB = 64 << 10;
constexpr int kReaderCacheKiB = 16 << 10;

constexpr const char* kCreateSchema = R"sql(
CREATE TABLE log(
  rev INTEGER PRIMARY KEY,
  key BLOB NOT NULL,
  type INTEGER NOT NULL,
  create_rev INTEGER NOT NULL,
  prev_rev INTEGER NOT NULL,
  value BLOB NOT NULL);
CREATE INDEX log_key_rev ON log(key, rev);
CREATE TABLE kv(
  key BLOB PRIMARY KEY,
  rev INTEGER NOT NULL,
  create_rev INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO meta(name, value) VALUES
  ('schema_version', 1), ('revision', 0), ('compacted', 0), ('compact_done', 0);
)sql";

Result<int64_t> QueryInt(SqliteConn& conn, const std::string& sql) {
  Stmt stmt(conn, sql);
  if (!stmt.status().ok()) return stmt.status();
  int rc = stmt.Step();
  if (rc == SQLITE_ROW) return stmt.Int(0);
  if (rc == SQLITE_DONE) return Status::Internal("no row for " + sql);
  return conn.Error(sql, rc);
}

}  // namespace

Status ConfigureWriter(SqliteConn& conn, const SqliteOptions& options) {
  SKIFF_RETURN_IF_ERROR(conn.Exec("PRAGMA journal_mode=WAL"));
  std::string pragmas =
      std::string("PRAGMA synchronous=") + (options.synchronous_full ? "FULL" : "NORMAL") +
      "; PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=" +
      std::to_string(
          std::max(kMinJournalSizeLimit, 2 * options.wal_checkpoint_pages * kAssumedPageSize)) +
      "; PRAGMA cache_size=-" + std::to_string(kWriterCacheKiB) + "; PRAGMA temp_store=MEMORY";
  return conn.Exec(pragmas);
}

Status ConfigureReader(SqliteConn& conn) {
  return conn.Exec("PRAGMA query_only=1; PRAGMA wal_autocheckpoint=0; PRAGMA cache_size=-" +
                   std::to_string(kReaderCacheKiB));
}

Status InitSchema(SqliteConn& conn) {
  SKIFF_RETURN_IF_ERROR(conn.Exec("BEGIN IMMEDIATE"));
  auto finish = [&](Status s) {
    Status end = conn.Exec(s.ok() ? "COMMIT" : "ROLLBACK");
    return s.ok() ? end : s;
  };
  Result<int64_t> tables = QueryInt(conn, "SELECT count(*) FROM sqlite_master WHERE type='table'");
  if (!tables.ok()) return finish(tables.status());
  if (*tables == 0) return finish(conn.Exec(kCreateSchema));
  Result<int64_t> has_meta =
      QueryInt(conn, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'");
  if (!has_meta.ok()) return finish(has_meta.status());
  if (*has_meta == 0) return finish(Status::Internal("database is not a skiff store (no meta)"));
  Result<int64_t> version = QueryInt(conn, "SELECT value FROM meta WHERE name='schema_version'");
  if (!version.ok()) return finish(version.status().WithContext("not a skiff store"));
  if (*version != kSchemaVersion) {
    return finish(Status::Internal("schema version " + std::to_string(*version) +
                                   ", this build reads " + std::to_string(kSchemaVersion)));
  }
  return finish(Status::Ok());
}

Result<StoredMeta> ReadMeta(SqliteConn& conn) {
  StoredMeta meta;
  Stmt stmt(conn, "SELECT name, value FROM meta");
  if (!stmt.status().ok()) return stmt.status();
  for (;;) {
    int rc = stmt.Step();
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return conn.Error("read meta", rc);
    std::string name = stmt.Blob(0);
    if (name == "revision") meta.revision = stmt.Int(1);
    if (name == "compacted") meta.compacted = stmt.Int(1);
    if (name == "compact_done") meta.compact_done = stmt.Int(1);
  }
  return meta;
}

}  // namespace skiff::storage
