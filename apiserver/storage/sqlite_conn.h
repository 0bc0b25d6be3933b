// SqliteConn: one SQLite connection with a per-connection cache of prepared
// statements, and the error mapping every SQLite backend file uses.
//
// A connection is used by one thread at a time (the writer thread, the
// checkpointer thread, or the reader that borrowed it from the pool); it is
// not thread-safe. Statements are prepared once per SQL text and reused; a
// Stmt borrows one and resets it (clearing bindings) when it goes out of scope.
//
// Failures: Open returns Internal with the path and SQLite's message. Other
// errors are turned into Status by Error(): SQLITE_BUSY/LOCKED, I/O, disk-full
// and similar transient conditions become Unavailable, the rest Internal.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/status.h"

namespace skiff::storage {

// True for SQLITE_BUSY / SQLITE_LOCKED and their extended codes: retry later.
bool IsBusy(int rc);

class SqliteConn {
 public:
  // Opens path (creating it unless read_only) on vfs ("" = default VFS).
  static Result<std::unique_ptr<SqliteConn>> Open(const std::string& path, const std::string& vfs,
                                                  bool create);
  ~SqliteConn();
  SqliteConn(const SqliteConn&) = delete;
  SqliteConn& operator=(const SqliteConn&) = delete;

  sqlite3* db() { return db_; }
  // Runs one or more statements without results; retries while busy.
  Status Exec(std::string_view sql);
  // The cached prepared statement for sql (prepared on first use), or nullptr
  // with the error in *status.
  sqlite3_stmt* Prepare(const std::string& sql, Status* status);
  // A Status for rc with context and the connection's message; remembers rc.
  Status Error(std::string_view context, int rc) const;
  // The rc of the last Error() call (SQLITE_OK after ClearLastError()).
  int last_error() const { return last_error_; }
  void ClearLastError() { last_error_ = SQLITE_OK; }

 private:
  explicit SqliteConn(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  mutable int last_error_ = SQLITE_OK;
  std::unordered_map<std::string, sqlite3_stmt*> stmts_;
};

// A borrowed prepared statement; Reset on destruction.
class Stmt {
 public:
  Stmt(SqliteConn& conn, const std::string& sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  const Status& status() const { return status_; }  // preparation error, if any
  Stmt& Bind(int index, int64_t value);
  Stmt& BindBlob(int index, std::string_view value);
  Stmt& BindText(int index, std::string_view value);
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step();
  // Steps to SQLITE_DONE; an error otherwise.
  Status Run(std::string_view context);
  void Reset();

  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  std::string Blob(int column) const;

 private:
  SqliteConn& conn_;
  sqlite3_stmt* stmt_ = nullptr;
  Status status_;
};

}  // namespace skiff::storage
