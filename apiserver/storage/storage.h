// Storage: a revisioned key/value log, in the spirit of etcd and kine.
//
// Every successful write (create, update, delete) gets the next cluster-wide
// revision; that revision is the written object's resourceVersion. Updates and
// deletes are compare-and-swap on the key's current mod_revision. Watch returns
// the events after a given revision, replaying history first, then live ones, in
// revision order with no gaps and no duplicates. Compact(r) forgets history at
// and below r: reads and watches that need it then fail with Gone.
//
// Values are opaque bytes (typing lives above storage). Keys are byte strings;
// List(prefix) returns keys in ascending byte order.
//
// Thread-safety: every method may be called from any thread concurrently.
// Errors (as Status codes):
//   NotFound       Get/Update/Delete of a missing key
//   AlreadyExists  Create of an existing key
//   Conflict       Update/Delete whose expected revision is not the current one
//   Gone           List at, or Watch after, a revision below CompactedRevision()
//   BadRequest     List at a revision above the current one; an empty key
//   Unavailable    the store is closed or a write could not be made durable
//                  (the write is then not applied: a failed write changes nothing)
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

// A stream of events for one prefix. Next blocks until an event arrives, the
// timeout passes (returns nullopt with ok status), or the stream ends. A stream
// ends with Gone when the watcher fell too far behind (its buffer overflowed) or
// Unavailable when the store closed; Status() tells which.
class Watcher {
 public:
  virtual ~Watcher() = default;
  // Returns every event ready now (at least one) or an empty vector on timeout/end.
  virtual std::vector<Event> Next(std::chrono::milliseconds timeout) = 0;
  // OK while the stream is live.
  virtual Status status() const = 0;
  // Ends the stream; Next returns at once. Idempotent.
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

  // Events for keys under prefix with revision > after_revision. after_revision = 0
  // means "from now" (no replay). Gone if after_revision < CompactedRevision().
  virtual Result<std::unique_ptr<Watcher>> Watch(const std::string& prefix, int64_t after_revision) = 0;

  // Forgets history at and below revision (the latest value of each live key is
  // kept). BadRequest if revision > CurrentRevision().
  virtual Status Compact(int64_t revision) = 0;
  virtual int64_t CurrentRevision() = 0;
  virtual int64_t CompactedRevision() = 0;
};

}  // namespace skiff::storage
