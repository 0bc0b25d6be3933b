#include "apiserver/storage/sqlite_conn.h"

#include <chrono>
#include <thread>

namespace skiff::storage {

namespace {

// Long enough that a busy condition in normal operation always clears: the
// only other lock holders are our own short transactions and checkpoints.
constexpr int kBusyTimeoutMs = 60000;

}  // namespace

bool IsBusy(int rc) {
  int primary = rc & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

Result<std::unique_ptr<SqliteConn>> SqliteConn::Open(const std::string& path,
                                                     const std::string& vfs, bool create) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, vfs.empty() ? nullptr : vfs.c_str());
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Status::Internal("open " + path + ": " + message);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  return std::unique_ptr<SqliteConn>(new SqliteConn(db));
}

SqliteConn::~SqliteConn() {
  for (auto& [sql, stmt] : stmts_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Status SqliteConn::Exec(std::string_view sql) {
  std::string text(sql);
  for (int attempt = 0;; ++attempt) {
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) return Status::Ok();
    if (!IsBusy(rc) || attempt > 1000) return Error(text, rc);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

sqlite3_stmt* SqliteConn::Prepare(const std::string& sql, Status* status) {
  auto it = stmts_.find(sql);
  if (it != stmts_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    *status = Error("prepare " + sql, rc);
    return nullptr;
  }
  stmts_.emplace(sql, stmt);
  return stmt;
}

Status SqliteConn::Error(std::string_view context, int rc) const {
  last_error_ = rc;
  std::string message = "sqlite: " + std::string(context) + ": " + sqlite3_errmsg(db_) + " (" +
                        sqlite3_errstr(rc) + ", code " + std::to_string(rc) + ")";
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_NOMEM:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
    case SQLITE_READONLY:
      return Status::Unavailable(message);
    default:
      return Status::Internal(message);
  }
}

Stmt::Stmt(SqliteConn& conn, const std::string& sql) : conn_(conn) {
  stmt_ = conn.Prepare(sql, &status_);
}

Stmt::~Stmt() { Reset(); }

void Stmt::Reset() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Stmt& Stmt::Bind(int index, int64_t value) {
  if (stmt_ != nullptr) sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Stmt& Stmt::BindBlob(int index, std::string_view value) {
  // A zero-length blob must still be a blob (not NULL) so comparisons work.
  // SQLite copies the bytes, so callers may bind temporaries.
  if (stmt_ != nullptr) {
    sqlite3_bind_blob64(stmt_, index, value.empty() ? "" : value.data(), value.size(),
                        SQLITE_TRANSIENT);
  }
  return *this;
}

Stmt& Stmt::BindText(int index, std::string_view value) {
  if (stmt_ != nullptr) {
    sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  }
  return *this;
}

int Stmt::Step() {
  if (stmt_ == nullptr) return SQLITE_MISUSE;
  return sqlite3_step(stmt_);
}

Status Stmt::Run(std::string_view context) {
  if (!status_.ok()) return status_;
  int rc = Step();
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return Status::Ok();
  return conn_.Error(context, rc);
}

std::string Stmt::Blob(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr || size <= 0) return std::string();
  return std::string(static_cast<const char*>(data), static_cast<size_t>(size));
}

}  // namespace skiff::storage
