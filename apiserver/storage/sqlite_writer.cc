#include "apiserver/storage/sqlite_writer.h"

#include <chrono>

#include <algorithm>
#include <utility>

namespace skiff::storage {

namespace {

constexpr const char* kLookup = "SELECT rev, create_rev FROM kv WHERE key = ?1";
constexpr const char* kValueAt = "SELECT value FROM log WHERE rev = ?1";
constexpr const char* kInsertLog =
    "INSERT INTO log(rev, key, type, create_rev, prev_rev, value) VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
constexpr const char* kUpsertKv =
    "INSERT OR REPLACE INTO kv(key, rev, create_rev) VALUES(?1, ?2, ?3)";
constexpr const char* kDeleteKv = "DELETE FROM kv WHERE key = ?1";
constexpr const char* kSetMeta = "UPDATE meta SET value = ?2 WHERE name = ?1";
// Compaction of the revisions in (?1, ?2]: a row there supersedes the row its
// prev_rev points to, and a delete row leaves nothing behind.
constexpr const char* kCompactSuperseded =
    "DELETE FROM log WHERE rev IN "
    "(SELECT prev_rev FROM log WHERE rev > ?1 AND rev <= ?2 AND prev_rev > 0)";
constexpr const char* kRecentWrites = "SELECT rev, length(key) + length(value) FROM log WHERE rev > ?1 ORDER BY rev";
constexpr const char* kCompactDeletes = "DELETE FROM log WHERE rev > ?1 AND rev <= ?2 AND type = 2";

constexpr std::chrono::milliseconds kRetryBackoff{100};

struct Current {
  bool exists = false;
  int64_t rev = 0;
  int64_t create_rev = 0;
};

Result<Current> Lookup(SqliteConn& conn, const std::string& key) {
  Stmt stmt(conn, kLookup);
  if (!stmt.status().ok()) return stmt.status();
  stmt.BindBlob(1, key);
  int rc = stmt.Step();
  if (rc == SQLITE_DONE) return Current{};
  if (rc != SQLITE_ROW) return conn.Error("look up key", rc);
  return Current{true, stmt.Int(0), stmt.Int(1)};
}

Status InsertLog(SqliteConn& conn, int64_t rev, const std::string& key, int64_t type,
                 int64_t create_rev, int64_t prev_rev, const std::string& value) {
  Stmt stmt(conn, kInsertLog);
  stmt.Bind(1, rev).BindBlob(2, key).Bind(3, type).Bind(4, create_rev).Bind(5, prev_rev);
  stmt.BindBlob(6, value);
  return stmt.Run("insert log row");
}

Status PreconditionFailed(const std::string& key, const Current& cur, int64_t expected) {
  return Status::Conflict("key " + key + " is at revision " + std::to_string(cur.rev) + ", not " +
                          std::to_string(expected));
}

}  // namespace

SqliteWriter::SqliteWriter(std::unique_ptr<SqliteConn> conn, const SqliteOptions& options,
                           const StoredMeta& meta, WatchHub& hub, AfterCommit after_commit)
    : conn_(std::move(conn)),
      options_(options),
      hub_(hub),
      after_commit_(std::move(after_commit)),
      revision_(meta.revision),
      compacted_(meta.compacted),
      compact_done_(meta.compact_done),
      next_auto_compact_(std::chrono::steady_clock::now() + options.compaction_interval) {
  sqlite3_wal_hook(conn_->db(), &SqliteWriter::WalHook, this);
  LoadRecentWrites();
  thread_ = std::thread([this] { Run(); });
}

SqliteWriter::~SqliteWriter() {
  Stop();
  sqlite3_wal_hook(conn_->db(), nullptr, nullptr);
}

int SqliteWriter::WalHook(void* self, sqlite3*, const char*, int pages) {
  static_cast<SqliteWriter*>(self)->wal_pages_ = pages;
  return SQLITE_OK;
}

void SqliteWriter::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<KeyValue> SqliteWriter::Submit(Op op, const std::string& key, std::string value,
                                      int64_t expected_revision) {
  auto req = std::make_unique<Request>();
  req->op = op;
  req->key = key;
  req->value = std::move(value);
  req->expected = expected_revision;
  std::future<Result<KeyValue>> done = req->done.get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Status::Unavailable("store is closed");
    queue_.push_back(std::move(req));
  }
  cv_.notify_one();
  return done.get();
}

Status SqliteWriter::Compact(int64_t revision) {
  Result<KeyValue> r = Submit(Op::kCompact, std::string(), std::string(), revision);
  return r.status();
}

void SqliteWriter::Run() {
  std::vector<std::unique_ptr<Request>> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      auto work_ready = [&] {
        return !queue_.empty() || stopping_ || compact_done_.load() < compacted_.load() ||
               auto_compact_target_ > compacted_.load();
      };
      if (options_.history_revisions > 0) {
        cv_.wait_until(lock, next_auto_compact_, work_ready);
      } else {
        cv_.wait(lock, work_ready);
      }
      if (queue_.empty() && stopping_) return;
      size_t n = std::min(queue_.size(), std::max<size_t>(options_.max_batch, 1));
      batch.assign(std::make_move_iterator(queue_.begin()),
                   std::make_move_iterator(queue_.begin() + static_cast<ptrdiff_t>(n)));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(n));
    }
    auto now = std::chrono::steady_clock::now();
    if (options_.history_revisions > 0 && now >= next_auto_compact_) {
      next_auto_compact_ = now + options_.compaction_interval;
      RaiseCompactTarget(revision_.load() - options_.history_revisions);
    }
    bool compaction_due =
        compact_done_.load() < compacted_.load() || auto_compact_target_ > compacted_.load();
    if (batch.empty() && !compaction_due) continue;
    bool committed = RunBatch(batch);
    if (!committed && batch.empty()) {
      // Background compaction failed (disk trouble): do not spin on it.
      std::this_thread::sleep_for(kRetryBackoff);
    }
    batch.clear();
  }
}

Status SqliteWriter::Apply(Request& req, Pending& p, Result<KeyValue>* result) {
  if (req.op == Op::kCompact) {
    if (req.expected > p.revision) {
      *result = Status::BadRequest("compact to " + std::to_string(req.expected) +
                                   " beyond current " + std::to_string(p.revision));
    } else {
      p.compacted = std::max(p.compacted, req.expected);
      *result = KeyValue{};
    }
    return Status::Ok();
  }
  Result<Current> cur = Lookup(*conn_, req.key);
  if (!cur.ok()) return cur.status();
  const int64_t rev = p.revision + 1;
  switch (req.op) {
    case Op::kCreate: {
      if (cur->exists) {
        *result = Status::AlreadyExists("key " + req.key + " exists");
        return Status::Ok();
      }
      SKIFF_RETURN_IF_ERROR(InsertLog(*conn_, rev, req.key, kRowCreate, rev, 0, req.value));
      Stmt kv(*conn_, kUpsertKv);
      SKIFF_RETURN_IF_ERROR(kv.BindBlob(1, req.key).Bind(2, rev).Bind(3, rev).Run("insert kv"));
      KeyValue out{req.key, std::move(req.value), rev, rev};
      p.events.push_back(Event{EventType::kCreated, out});
      *result = std::move(out);
      break;
    }
    case Op::kUpdate: {
      if (!cur->exists) {
        *result = Status::NotFound("key " + req.key + " not found");
        return Status::Ok();
      }
      if (req.expected != 0 && req.expected != cur->rev) {
        *result = PreconditionFailed(req.key, *cur, req.expected);
        return Status::Ok();
      }
      SKIFF_RETURN_IF_ERROR(
          InsertLog(*conn_, rev, req.key, kRowUpdate, cur->create_rev, cur->rev, req.value));
      Stmt kv(*conn_, kUpsertKv);
      SKIFF_RETURN_IF_ERROR(
          kv.BindBlob(1, req.key).Bind(2, rev).Bind(3, cur->create_rev).Run("update kv"));
      KeyValue out{req.key, std::move(req.value), cur->create_rev, rev};
      p.events.push_back(Event{EventType::kUpdated, out});
      *result = std::move(out);
      break;
    }
    case Op::kDelete: {
      if (!cur->exists) {
        *result = Status::NotFound("key " + req.key + " not found");
        return Status::Ok();
      }
      if (req.expected != 0 && req.expected != cur->rev) {
        *result = PreconditionFailed(req.key, *cur, req.expected);
        return Status::Ok();
      }
      std::string old_value;
      {
        Stmt value(*conn_, kValueAt);
        value.Bind(1, cur->rev);
        int rc = value.Step();
        if (rc != SQLITE_ROW) {
          return rc == SQLITE_DONE
                     ? Status::Internal("kv points at missing log row " + std::to_string(cur->rev))
                     : conn_->Error("read deleted value", rc);
        }
        old_value = value.Blob(0);
      }
      SKIFF_RETURN_IF_ERROR(
          InsertLog(*conn_, rev, req.key, kRowDelete, cur->create_rev, cur->rev, old_value));
      Stmt kv(*conn_, kDeleteKv);
      SKIFF_RETURN_IF_ERROR(kv.BindBlob(1, req.key).Run("delete kv"));
      KeyValue out{req.key, std::move(old_value), cur->create_rev, rev};
      p.events.push_back(Event{EventType::kDeleted, out});
      *result = std::move(out);
      break;
    }
    case Op::kCompact:
      break;
  }
  p.revision = rev;
  return Status::Ok();
}

Status SqliteWriter::CompactChunk(Pending& p) {
  if (p.compact_done >= p.compacted) return Status::Ok();
  int64_t upto = std::min(p.compacted, p.compact_done + kCompactionChunk);
  {
    Stmt superseded(*conn_, kCompactSuperseded);
    SKIFF_RETURN_IF_ERROR(
        superseded.Bind(1, p.compact_done).Bind(2, upto).Run("compact superseded rows"));
  }
  {
    Stmt deletes(*conn_, kCompactDeletes);
    SKIFF_RETURN_IF_ERROR(deletes.Bind(1, p.compact_done).Bind(2, upto).Run("compact deletes"));
  }
  p.compact_done = upto;
  return Status::Ok();
}

void SqliteWriter::LoadRecentWrites() {
  if (options_.history_bytes <= 0) return;
  // Best effort: a failed read only delays the bound until enough new writes come.
  Stmt stmt(*conn_, kRecentWrites);
  if (!stmt.status().ok()) return;
  stmt.Bind(1, compacted_.load());
  while (stmt.Step() == SQLITE_ROW) {
    recent_writes_.emplace_back(stmt.Int(0), stmt.Int(1));
    recent_bytes_ += stmt.Int(1);
  }
  BoundHistoryBytes({});
}

void SqliteWriter::BoundHistoryBytes(const std::vector<Event>& events) {
  if (options_.history_bytes <= 0) return;
  for (const Event& e : events) {
    // A delete's row keeps the deleted value too (see Apply).
    int64_t bytes = static_cast<int64_t>(e.kv.key.size() + e.kv.value.size());
    recent_writes_.emplace_back(e.kv.mod_revision, bytes);
    recent_bytes_ += bytes;
  }
  RaiseCompactTarget(compacted_.load());  // an explicit Compact may have moved past some
  while (recent_bytes_ > options_.history_bytes && !recent_writes_.empty()) {
    RaiseCompactTarget(recent_writes_.front().first);
  }
}

void SqliteWriter::RaiseCompactTarget(int64_t revision) {
  auto_compact_target_ = std::max(auto_compact_target_, revision);
  while (!recent_writes_.empty() && recent_writes_.front().first <= auto_compact_target_) {
    recent_bytes_ -= recent_writes_.front().second;
    recent_writes_.pop_front();
  }
}

Status SqliteWriter::WriteMeta(const Pending& p) {
  const std::pair<const char*, int64_t> rows[] = {
      {"revision", p.revision}, {"compacted", p.compacted}, {"compact_done", p.compact_done}};
  const int64_t before[] = {revision_.load(), compacted_.load(), compact_done_.load()};
  for (size_t i = 0; i < std::size(rows); ++i) {
    if (rows[i].second == before[i]) continue;
    Stmt meta(*conn_, kSetMeta);
    SKIFF_RETURN_IF_ERROR(meta.BindText(1, rows[i].first).Bind(2, rows[i].second).Run("set meta"));
  }
  return Status::Ok();
}

void SqliteWriter::InvalidateOrphanedFrames() {
  // A COMMIT whose WAL fsync failed may have left complete frames in the WAL
  // that the wal-index does not count. Recovery after a crash would find them
  // and resurrect the failed batch. Committing a small transaction now writes
  // over those frames (SQLite appends at the first uncounted frame), so they
  // can no longer be replayed. Best effort: if the disk is gone, this fails too.
  Status s = conn_->Exec("BEGIN IMMEDIATE");
  if (s.ok()) s = conn_->Exec("UPDATE meta SET value = value WHERE name = 'revision'");
  if (s.ok()) s = conn_->Exec("COMMIT");
  if (!s.ok() && sqlite3_get_autocommit(conn_->db()) == 0) (void)conn_->Exec("ROLLBACK");
}

bool SqliteWriter::RunBatch(std::vector<std::unique_ptr<Request>>& batch) {
  Pending p;
  p.revision = revision_.load();
  p.compacted = compacted_.load();
  p.compact_done = compact_done_.load();
  if (auto_compact_target_ > p.compacted) p.compacted = auto_compact_target_;
  p.results.reserve(batch.size());

  auto began = std::chrono::steady_clock::now();
  Status status = conn_->Exec("BEGIN IMMEDIATE");
  for (size_t i = 0; status.ok() && i < batch.size(); ++i) {
    Result<KeyValue> result = Status::Internal("not run");
    status = Apply(*batch[i], p, &result);
    p.results.push_back(std::move(result));
  }
  if (status.ok()) status = CompactChunk(p);
  if (status.ok()) status = WriteMeta(p);
  if (status.ok()) status = conn_->Exec("COMMIT");
  if (!status.ok()) {
    if (sqlite3_get_autocommit(conn_->db()) == 0) (void)conn_->Exec("ROLLBACK");
    Status failed = Status::Unavailable("write not committed: " + status.message());
    InvalidateOrphanedFrames();
    for (auto& req : batch) req->done.set_value(failed);
    return false;
  }
  batches_.fetch_add(1);
  writes_committed_.fetch_add(static_cast<int64_t>(batch.size()));
  commit_nanos_.fetch_add(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - began).count());
  hub_.Publish(p.events);
  revision_.store(p.revision);
  compacted_.store(p.compacted);
  compact_done_.store(p.compact_done);
  BoundHistoryBytes(p.events);
  for (size_t i = 0; i < batch.size(); ++i) batch[i]->done.set_value(std::move(p.results[i]));
  if (after_commit_) after_commit_(conn_->db(), wal_pages_);
  return true;
}

}  // namespace skiff::storage
