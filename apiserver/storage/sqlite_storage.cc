#include "apiserver/storage/sqlite_storage.h"

#include <utility>

namespace skiff::storage {

namespace {

Status EmptyKey() { return Status::BadRequest("empty key"); }

}  // namespace

SqliteStorage::SqliteStorage(const SqliteOptions& options)
    : options_(options), hub_(options.watch_buffer, options.watch_buffer_bytes) {}

Result<std::unique_ptr<SqliteStorage>> SqliteStorage::Open(const SqliteOptions& options) {
  if (options.path.empty()) return Status::BadRequest("sqlite storage: empty path");
  if (!options.vfs.empty() && sqlite3_vfs_find(options.vfs.c_str()) == nullptr) {
    return Status::BadRequest("sqlite storage: unknown VFS \"" + options.vfs + "\"");
  }
  auto context = [&](const Status& s) { return s.WithContext("sqlite storage " + options.path); };

  Result<std::unique_ptr<SqliteConn>> writer_conn =
      SqliteConn::Open(options.path, options.vfs, /*create=*/true);
  if (!writer_conn.ok()) return context(writer_conn.status());
  Status s = ConfigureWriter(**writer_conn, options);
  if (s.ok()) s = InitSchema(**writer_conn);
  if (!s.ok()) return context(s);
  Result<StoredMeta> meta = ReadMeta(**writer_conn);
  if (!meta.ok()) return context(meta.status());

  Result<std::unique_ptr<SqliteConn>> checkpoint_conn =
      SqliteConn::Open(options.path, options.vfs, /*create=*/false);
  if (!checkpoint_conn.ok()) return context(checkpoint_conn.status());
  // The read opens the WAL on this connection; until then it cannot checkpoint.
  s = (*checkpoint_conn)->Exec("PRAGMA wal_autocheckpoint=0; SELECT count(*) FROM meta");
  if (!s.ok()) return context(s);

  std::unique_ptr<SqliteStorage> store(new SqliteStorage(options));
  store->readers_ = std::make_unique<SqliteReaders>(options.path, options.vfs, options.max_readers);
  s = store->readers_->Start();
  if (!s.ok()) return context(s);
  store->checkpointer_ = std::make_unique<SqliteCheckpointer>(std::move(checkpoint_conn).value(),
                                                              options.wal_checkpoint_pages);
  store->hub_.SetRevision(meta->revision);
  SqliteCheckpointer* checkpointer = store->checkpointer_.get();
  store->writer_ = std::make_unique<SqliteWriter>(
      std::move(writer_conn).value(), options, *meta, store->hub_,
      [checkpointer](sqlite3* db, int pages) { checkpointer->AfterCommit(db, pages); });
  return store;
}

SqliteStorage::~SqliteStorage() {
  // Commit what is queued first, so its callers and watchers get their answers.
  if (writer_) writer_->Stop();
  hub_.Close();
  if (checkpointer_) checkpointer_->Stop();
  if (readers_) readers_->Close();
  checkpointer_.reset();
  readers_.reset();
  // The writer's connection closes last; SQLite then checkpoints and removes the WAL.
  writer_.reset();
}

Result<KeyValue> SqliteStorage::Get(const std::string& key) {
  if (key.empty()) return EmptyKey();
  return readers_->Get(key);
}

Result<ListResult> SqliteStorage::List(const std::string& prefix, const ListOptions& opts) {
  if (opts.revision < 0) return Status::BadRequest("negative revision");
  return readers_->List(prefix, opts);
}

Result<int64_t> SqliteStorage::Count(const std::string& prefix) { return readers_->Count(prefix); }

Result<KeyValue> SqliteStorage::Create(const std::string& key, const std::string& value) {
  if (key.empty()) return EmptyKey();
  return writer_->Submit(SqliteWriter::Op::kCreate, key, value, 0);
}

Result<KeyValue> SqliteStorage::Update(const std::string& key, const std::string& value,
                                       int64_t expected_revision) {
  if (key.empty()) return EmptyKey();
  return writer_->Submit(SqliteWriter::Op::kUpdate, key, value, expected_revision);
}

Result<KeyValue> SqliteStorage::Delete(const std::string& key, int64_t expected_revision) {
  if (key.empty()) return EmptyKey();
  return writer_->Submit(SqliteWriter::Op::kDelete, key, std::string(), expected_revision);
}

Result<std::unique_ptr<Watcher>> SqliteStorage::Watch(const std::string& prefix,
                                                      int64_t after_revision) {
  if (after_revision < 0) return Status::BadRequest("negative revision");
  int64_t compacted = writer_->compacted();
  if (after_revision > 0 && after_revision < compacted) {
    return Status::Gone("watch from revision " + std::to_string(after_revision) +
                        ": history compacted up to " + std::to_string(compacted));
  }
  return hub_.Watch(prefix, after_revision,
                    [this](const std::string& p, int64_t after, int64_t upto) {
                      return readers_->Replay(p, after, upto);
                    });
}

Status SqliteStorage::Compact(int64_t revision) { return writer_->Compact(revision); }

int64_t SqliteStorage::CurrentRevision() { return writer_->revision(); }

int64_t SqliteStorage::CompactedRevision() { return writer_->compacted(); }

SqliteStorage::Stats SqliteStorage::stats() const {
  Stats s;
  s.batches = writer_->batches();
  s.checkpoints = checkpointer_->checkpoints();
  s.checkpoint_failures = checkpointer_->failures();
  s.tail_checkpoints = checkpointer_->tail_checkpoints();
  s.overrun_checkpoints = checkpointer_->overrun_checkpoints();
  s.max_wal_pages = checkpointer_->max_wal_pages();
  s.wal_pages = checkpointer_->wal_pages();
  s.read_busy_retries = readers_->busy_retries();
  s.compact_done = writer_->compact_done();
  s.writes_committed = writer_->writes_committed();
  s.commit_seconds = writer_->commit_seconds();
  return s;
}

Result<std::unique_ptr<Storage>> NewSqliteStorage(const SqliteOptions& options) {
  Result<std::unique_ptr<SqliteStorage>> store = SqliteStorage::Open(options);
  if (!store.ok()) return store.status();
  return std::unique_ptr<Storage>(std::move(store).value());
}

}  // namespace skiff::storage
