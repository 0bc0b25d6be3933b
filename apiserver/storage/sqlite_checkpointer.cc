#include "apiserver/storage/sqlite_checkpointer.h"

#include <algorithm>
#include <utility>

namespace skiff::storage {

SqliteCheckpointer::SqliteCheckpointer(std::unique_ptr<SqliteConn> conn, int64_t threshold_pages)
    : conn_(std::move(conn)),
      threshold_(threshold_pages),
      max_tail_(std::max<int64_t>(1, std::min(kMaxTailPages, threshold_pages / 2))) {
  // Never wait for a lock: a checkpoint that cannot proceed now is retried on
  // the next trigger rather than parked behind a busy handler.
  sqlite3_busy_timeout(conn_->db(), 0);
  thread_ = std::thread([this] { Run(); });
}

SqliteCheckpointer::~SqliteCheckpointer() { Stop(); }

void SqliteCheckpointer::AfterCommit(sqlite3* writer_db, int wal_pages) {
  wal_pages_.store(wal_pages);
  if (wal_pages > max_wal_pages_.load()) max_wal_pages_.store(wal_pages);
  // A WAL that shrank was restarted: earlier background progress is void.
  if (wal_pages < last_pages_) backfilled_.store(0);
  last_pages_ = wal_pages;
  if (threshold_ <= 0 || wal_pages < threshold_ || running_.load()) return;
  int64_t backfilled = backfilled_.load();
  // Backpressure: writes outrun the background checkpoints (an overloaded
  // disk or CPU); the writer copies the backlog itself rather than let the WAL
  // grow without bound.
  bool overrun = wal_pages >= kOverrunFactor * threshold_;
  if (overrun || (backfilled > 0 && wal_pages - backfilled <= max_tail_)) {
    int frames = 0;
    int copied = 0;
    int rc =
        sqlite3_wal_checkpoint_v2(writer_db, "main", SQLITE_CHECKPOINT_PASSIVE, &frames, &copied);
    backfilled_.store(0);
    if (rc == SQLITE_OK) {
      (overrun ? overrun_checkpoints_ : tail_checkpoints_).fetch_add(1);
    } else {
      failures_.fetch_add(1);
    }
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (requested_) return;
    requested_ = true;
    running_.store(true);
  }
  cv_.notify_one();
}

void SqliteCheckpointer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void SqliteCheckpointer::Run() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return requested_ || stopping_; });
      if (stopping_) return;
      requested_ = false;
    }
    int wal_frames = 0;
    int copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(conn_->db(), "main", SQLITE_CHECKPOINT_PASSIVE, &wal_frames,
                                       &copied);
    if (rc == SQLITE_OK && copied >= 0) {
      checkpoints_.fetch_add(1);
      backfilled_.store(copied);
    } else {
      failures_.fetch_add(1);
    }
    running_.store(false);
  }
}

}  // namespace skiff::storage
