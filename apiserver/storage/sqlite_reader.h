// SqliteReaders: the read side of SqliteStorage — a small pool of query_only
// connections, each with its own prepared statements.
//
// Every read runs in one read transaction, so a List and the revision it
// reports are consistent at one snapshot (WAL readers never block the writer
// nor each other). SQLITE_BUSY / LOCKED never reach a caller: a busy read
// transaction is rolled back and retried with backoff; only after a long
// deadline does the read fail, with Unavailable.
//
// Thread-safety: all methods may be called concurrently; a caller borrows a
// connection for one read (waiting if max_readers are in use).
// Failures: NotFound (Get), Gone (revision below compacted), BadRequest
// (revision above current), Unavailable (database unreadable).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "apiserver/storage/sqlite_conn.h"
#include "apiserver/storage/storage.h"

namespace skiff::storage {

class SqliteReaders {
 public:
  SqliteReaders(std::string path, std::string vfs, size_t max_readers);
  ~SqliteReaders();
  SqliteReaders(const SqliteReaders&) = delete;
  SqliteReaders& operator=(const SqliteReaders&) = delete;

  // Opens the first connection (so open errors surface at startup).
  Status Start();
  // Closes idle connections; no read may be in flight or follow.
  void Close();

  Result<KeyValue> Get(const std::string& key);
  Result<ListResult> List(const std::string& prefix, const ListOptions& opts);
  Result<int64_t> Count(const std::string& prefix);
  // Events under prefix with after < revision <= upto; Gone if after is below
  // the compacted revision.
  Result<std::vector<Event>> Replay(const std::string& prefix, int64_t after, int64_t upto);

  // Read transactions retried because the database was busy (tests, metrics).
  int64_t busy_retries() const;

 private:
  Result<std::unique_ptr<SqliteConn>> Borrow();
  void Return(std::unique_ptr<SqliteConn> conn);
  // Runs body inside a read transaction on a borrowed connection, retrying
  // the whole transaction while the database reports busy.
  Status WithRead(const std::function<Status(SqliteConn&)>& body);

  const std::string path_;
  const std::string vfs_;
  const size_t max_readers_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<SqliteConn>> idle_;
  size_t open_ = 0;
  int64_t busy_retries_ = 0;
};

}  // namespace skiff::storage
