#include "apiserver/storage/sqlite_reader.h"

#include <chrono>
#include <optional>
#include <thread>
#include <utility>

#include "apiserver/storage/sqlite_schema.h"

namespace skiff::storage {

namespace {

constexpr std::chrono::seconds kBusyDeadline{60};
constexpr std::chrono::microseconds kFirstBackoff{100};
constexpr std::chrono::milliseconds kMaxBackoff{20};

// The smallest key greater than every key starting with prefix, or nullopt
// when there is none (empty prefix, or all bytes 0xff).
std::optional<std::string> PrefixEnd(std::string prefix) {
  while (!prefix.empty()) {
    unsigned char last = static_cast<unsigned char>(prefix.back());
    if (last != 0xff) {
      prefix.back() = static_cast<char>(last + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  return std::nullopt;
}

bool HasPrefix(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// Reads (revision, compacted) of the snapshot the transaction sees.
Status ReadRevisions(SqliteConn& conn, int64_t* revision, int64_t* compacted) {
  Result<StoredMeta> meta = ReadMeta(conn);
  if (!meta.ok()) return meta.status();
  *revision = meta->revision;
  *compacted = meta->compacted;
  return Status::Ok();
}

// Collects rows (key, value, create_rev, rev) of a stepped statement.
Status CollectKvs(SqliteConn& conn, Stmt& stmt, std::vector<KeyValue>* out) {
  if (!stmt.status().ok()) return stmt.status();
  for (;;) {
    int rc = stmt.Step();
    if (rc == SQLITE_DONE) return Status::Ok();
    if (rc != SQLITE_ROW) return conn.Error("list", rc);
    out->push_back(KeyValue{stmt.Blob(0), stmt.Blob(1), stmt.Int(2), stmt.Int(3)});
  }
}

}  // namespace

SqliteReaders::SqliteReaders(std::string path, std::string vfs, size_t max_readers)
    : path_(std::move(path)),
      vfs_(std::move(vfs)),
      max_readers_(std::max<size_t>(max_readers, 1)) {}

SqliteReaders::~SqliteReaders() { Close(); }

Status SqliteReaders::Start() {
  Result<std::unique_ptr<SqliteConn>> conn = Borrow();
  if (!conn.ok()) return conn.status();
  Return(std::move(conn).value());
  return Status::Ok();
}

void SqliteReaders::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  open_ -= idle_.size();
  idle_.clear();
}

int64_t SqliteReaders::busy_retries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return busy_retries_;
}

Result<std::unique_ptr<SqliteConn>> SqliteReaders::Borrow() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_readers_; });
    if (!idle_.empty()) {
      std::unique_ptr<SqliteConn> conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++open_;
  }
  auto opened = [&]() -> Result<std::unique_ptr<SqliteConn>> {
    Result<std::unique_ptr<SqliteConn>> conn = SqliteConn::Open(path_, vfs_, /*create=*/false);
    if (!conn.ok()) return conn.status();
    SKIFF_RETURN_IF_ERROR(ConfigureReader(**conn));
    return conn;
  }();
  if (!opened.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    --open_;
    cv_.notify_one();
  }
  return opened;
}

void SqliteReaders::Return(std::unique_ptr<SqliteConn> conn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(std::move(conn));
  }
  cv_.notify_one();
}

Status SqliteReaders::WithRead(const std::function<Status(SqliteConn&)>& body) {
  Result<std::unique_ptr<SqliteConn>> borrowed = Borrow();
  if (!borrowed.ok()) return borrowed.status();
  std::unique_ptr<SqliteConn> conn = std::move(borrowed).value();
  auto deadline = std::chrono::steady_clock::now() + kBusyDeadline;
  std::chrono::microseconds backoff = kFirstBackoff;
  Status status;
  for (;;) {
    conn->ClearLastError();
    status = conn->Exec("BEGIN");
    if (status.ok()) status = body(*conn);
    if (status.ok()) {
      status = conn->Exec("COMMIT");
    } else if (sqlite3_get_autocommit(conn->db()) == 0) {
      (void)conn->Exec("ROLLBACK");
    }
    if (status.ok() || !IsBusy(conn->last_error()) || std::chrono::steady_clock::now() > deadline) {
      break;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++busy_retries_;
    }
    std::this_thread::sleep_for(backoff);
    backoff = std::min<std::chrono::microseconds>(backoff * 2, kMaxBackoff);
  }
  Return(std::move(conn));
  return status;
}

Result<KeyValue> SqliteReaders::Get(const std::string& key) {
  std::optional<KeyValue> found;
  Status status = WithRead([&](SqliteConn& conn) {
    found.reset();
    Stmt stmt(
        conn,
        "SELECT kv.key, log.value, kv.create_rev, kv.rev FROM kv JOIN log ON log.rev = kv.rev "
        "WHERE kv.key = ?1");
    stmt.BindBlob(1, key);
    std::vector<KeyValue> rows;
    SKIFF_RETURN_IF_ERROR(CollectKvs(conn, stmt, &rows));
    if (!rows.empty()) found = std::move(rows.front());
    return Status::Ok();
  });
  if (!status.ok()) return status;
  if (!found) return Status::NotFound("key " + key + " not found");
  return *std::move(found);
}

Result<ListResult> SqliteReaders::List(const std::string& prefix, const ListOptions& opts) {
  const std::optional<std::string> end = PrefixEnd(prefix);
  const bool after_mode = !opts.start_after.empty() && opts.start_after >= prefix;
  const std::string& lower = after_mode ? opts.start_after : prefix;
  const char* lower_op = after_mode ? ">" : ">=";
  ListResult result;
  Status status = WithRead([&](SqliteConn& conn) {
    result = ListResult{};
    int64_t current = 0, compacted = 0;
    SKIFF_RETURN_IF_ERROR(ReadRevisions(conn, &current, &compacted));
    int64_t at = opts.revision == 0 ? current : opts.revision;
    if (at > current) {
      return Status::BadRequest("revision " + std::to_string(at) + " is in the future (current " +
                                std::to_string(current) + ")");
    }
    if (at < compacted) {
      return Status::Gone("revision " + std::to_string(at) + " has been compacted (compacted " +
                          std::to_string(compacted) + ")");
    }
    result.revision = at;
    std::string sql;
    if (at == current) {
      sql = std::string(
                "SELECT kv.key, log.value, kv.create_rev, kv.rev FROM kv JOIN log ON "
                "log.rev = kv.rev WHERE kv.key ") +
            lower_op + " ?1" + (end ? " AND kv.key < ?2" : "") + " ORDER BY kv.key LIMIT ?3";
    } else {
      sql = std::string("SELECT l.key, l.value, l.create_rev, l.rev FROM log l WHERE l.key ") +
            lower_op + " ?1" + (end ? " AND l.key < ?2" : "") +
            " AND l.rev <= ?4 AND l.type != 2 AND l.rev = "
            "(SELECT max(m.rev) FROM log m WHERE m.key = l.key AND m.rev <= ?4) "
            "ORDER BY l.key LIMIT ?3";
    }
    Stmt stmt(conn, sql);
    stmt.BindBlob(1, lower).Bind(3, opts.limit > 0 ? opts.limit + 1 : -1);
    if (end) stmt.BindBlob(2, *end);
    if (at != current) stmt.Bind(4, at);
    SKIFF_RETURN_IF_ERROR(CollectKvs(conn, stmt, &result.items));
    if (opts.limit > 0 && static_cast<int64_t>(result.items.size()) > opts.limit) {
      result.items.pop_back();
      result.more = true;
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return result;
}

Result<int64_t> SqliteReaders::Count(const std::string& prefix) {
  const std::optional<std::string> end = PrefixEnd(prefix);
  int64_t count = 0;
  Status status = WithRead([&](SqliteConn& conn) {
    Stmt stmt(conn, std::string("SELECT count(*) FROM kv WHERE key >= ?1") +
                        (end ? " AND key < ?2" : ""));
    if (!stmt.status().ok()) return stmt.status();
    stmt.BindBlob(1, prefix);
    if (end) stmt.BindBlob(2, *end);
    int rc = stmt.Step();
    if (rc != SQLITE_ROW) return conn.Error("count", rc);
    count = stmt.Int(0);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return count;
}

Result<std::vector<Event>> SqliteReaders::Replay(const std::string& prefix, int64_t after,
                                                 int64_t upto) {
  std::vector<Event> events;
  Status status = WithRead([&](SqliteConn& conn) {
    events.clear();
    int64_t current = 0, compacted = 0;
    SKIFF_RETURN_IF_ERROR(ReadRevisions(conn, &current, &compacted));
    if (after < compacted) {
      return Status::Gone("watch from revision " + std::to_string(after) +
                          ": history compacted up to " + std::to_string(compacted));
    }
    // Scans by rev (the primary key); the prefix filter is cheap in C++.
    Stmt stmt(conn,
              "SELECT rev, key, type, create_rev, value FROM log WHERE rev > ?1 AND rev <= ?2 "
              "ORDER BY rev");
    if (!stmt.status().ok()) return stmt.status();
    stmt.Bind(1, after).Bind(2, upto);
    for (;;) {
      int rc = stmt.Step();
      if (rc == SQLITE_DONE) return Status::Ok();
      if (rc != SQLITE_ROW) return conn.Error("replay", rc);
      std::string key = stmt.Blob(1);
      if (!HasPrefix(key, prefix)) continue;
      int64_t type = stmt.Int(2);
      EventType et = type == kRowCreate   ? EventType::kCreated
                     : type == kRowUpdate ? EventType::kUpdated
                                          : EventType::kDeleted;
      events.push_back(Event{et, KeyValue{std::move(key), stmt.Blob(4), stmt.Int(3), stmt.Int(0)}});
    }
  });
  if (!status.ok()) return status;
  return events;
}

}  // namespace skiff::storage
