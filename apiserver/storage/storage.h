// Storage: a revisioned key/value log, in the spirit of etcd and kine.
//
// Every successful write (create, update, delete) gets the next cluster-wide
// revision; that revision is the written object's resourceVersion. Updates and
// deletes are compare-and-swap on the key's current mod_revision. Watch returns
// the events after a given revision, replaying history first, then live ones, in
// revision order with no gaps and no duplicates. Compact(r) forgets history at
// and below r: reads and watches that need it then fail with Gone.
//
// Values are opaque bytes (typing lives above storage). Keys are non-empty byte
// strings; List(prefix) returns keys in ascending byte order. A prefix is a
// plain byte prefix: List("/pods/a") also returns "/pods/ab"; callers end
// directory prefixes with '/' ("/pods/a/").
//
// Thread-safety: every method may be called from any thread concurrently.
// Errors (as Status codes):
//   NotFound       Get/Update/Delete of a missing key
//   AlreadyExists  Create of an existing key
//   Conflict       Update/Delete whose expected revision is not the current one
//   Gone           List at, or Watch after, a revision below CompactedRevision()
//   BadRequest     List at a revision above the current one; an empty key
//   Unavailable    the store is closed or a write could not be made durable
//                  (the write is then rolled back: a failed write changes nothing
//                  that a later read, watch or clean reopen can see. SQLite only:
//                  if the process is killed right after an fsync failed, before
//                  any further commit, recovery may still find that write — the
//                  disk may have kept it; treat Unavailable as "not applied now,
//                  outcome after a crash unknown", as with etcd timeouts.)
// A precondition failure (AlreadyExists, NotFound, Conflict) consumes no revision.
// A write is acknowledged (returns OK) only once it is durable for the backend's
// durability promise (SQLite: committed and fsync'd).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace skiff::storage {

struct KeyValue {
  std::string key;
  std::string value;
  int64_t create_revision = 0;  // revision of the write that created the key
  int64_t mod_revision = 0;     // revision of the last write to the key
  bool operator==(const KeyValue&) const = default;
};

struct ListOptions {
  int64_t revision = 0;     // 0 = current; otherwise read the state as of that revision
  int64_t limit = 0;        // 0 = no limit
  std::string start_after;  // continue: only keys strictly greater than this
};

struct ListResult {
  std::vector<KeyValue> items;
  int64_t revision = 0;  // the revision the list was read at
  bool more = false;     // true when limit cut the result short
};

enum class EventType { kCreated, kUpdated, kDeleted };

// One change. For kDeleted, kv holds the value the key had before the delete and
// kv.mod_revision is the revision of the delete itself.
struct Event {
  EventType type;
  KeyValue kv;
  bool operator==(const Event&) const = default;
};

// A stream of events for one prefix, in revision order. Next blocks until an
// event arrives, the timeout passes, or the stream ends. A stream ends with
// Gone when the watcher fell too far behind (more unconsumed live events than
// its buffer holds; the consumer relists), or Unavailable when the store
// closed or Stop() was called; status() tells which. Events committed before a
// close are still delivered; after Gone or Stop nothing more is.
// A Watcher may be used from one consumer thread at a time (Stop from any
// thread) and may outlive its store.
class Watcher {
 public:
  virtual ~Watcher() = default;  // stops the stream
  // Returns the events ready now (at least one, at most a bounded batch of
  // 1000), or an empty vector on timeout or once the stream has ended.
  virtual std::vector<Event> Next(std::chrono::milliseconds timeout) = 0;
  // OK while the stream is live.
  virtual Status status() const = 0;
  // Ends the stream; a blocked Next returns at once. Idempotent.
  virtual void Stop() = 0;
};

class Storage {
 public:
  virtual ~Storage() = default;

  virtual Result<KeyValue> Get(const std::string& key) = 0;
  // Keys starting with prefix, ascending. See ListOptions.
  virtual Result<ListResult> List(const std::string& prefix, const ListOptions& opts = {}) = 0;
  // Number of keys under prefix at the current revision.
  virtual Result<int64_t> Count(const std::string& prefix) = 0;

  virtual Result<KeyValue> Create(const std::string& key, const std::string& value) = 0;
  // expected_revision must equal the key's mod_revision; 0 means unconditional.
  virtual Result<KeyValue> Update(const std::string& key, const std::string& value,
                                  int64_t expected_revision) = 0;
  // Returns the deleted key/value with mod_revision = the delete's revision.
  virtual Result<KeyValue> Delete(const std::string& key, int64_t expected_revision) = 0;

  // Events for keys under prefix with revision > after_revision: history first,
  // then live events, with no gap and no duplicate. after_revision = 0 means
  // "from now" (no replay); an after_revision above the current revision waits
  // for later events. Gone if after_revision < CompactedRevision(); BadRequest
  // if negative.
  virtual Result<std::unique_ptr<Watcher>> Watch(const std::string& prefix,
                                                 int64_t after_revision) = 0;

  // Forgets history below revision: afterwards List works at revision and
  // later, Watch after revision and later. The state at every revision >= the
  // compacted one is kept. A revision at or below CompactedRevision() is a
  // no-op (OK). BadRequest if revision > CurrentRevision().
  virtual Status Compact(int64_t revision) = 0;
  virtual int64_t CurrentRevision() = 0;
  virtual int64_t CompactedRevision() = 0;
};

}  // namespace skiff::storage
