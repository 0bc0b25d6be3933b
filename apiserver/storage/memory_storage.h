// MemoryStorage: the in-memory Storage backend, for tests and simulation.
//
// Full contract (history, List at an older revision, Watch with replay,
// Compact and Gone) with no durability: everything is lost with the object.
// Current state is a std::map of per-key version lists; the history log is a
// deque of events above the compacted revision. One mutex serializes writes
// and the publication of their events, so watchers see revision order.
//
// Thread-safety: every method may be called concurrently. Failures are the
// contract's (NotFound, AlreadyExists, Conflict, Gone, BadRequest); after the
// destructor starts, nothing may be called. Compaction here is synchronous.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "apiserver/storage/storage.h"
#include "apiserver/storage/watch_hub.h"

namespace skiff::storage {

class MemoryStorage : public Storage {
 public:
  explicit MemoryStorage(size_t watch_buffer = kDefaultWatchBuffer,
                         size_t watch_buffer_bytes = kDefaultWatchBufferBytes);
  ~MemoryStorage() override;

  Result<KeyValue> Get(const std::string& key) override;
  Result<ListResult> List(const std::string& prefix, const ListOptions& opts = {}) override;
  Result<int64_t> Count(const std::string& prefix) override;
  Result<KeyValue> Create(const std::string& key, const std::string& value) override;
  Result<KeyValue> Update(const std::string& key, const std::string& value,
                          int64_t expected_revision) override;
  Result<KeyValue> Delete(const std::string& key, int64_t expected_revision) override;
  Result<std::unique_ptr<Watcher>> Watch(const std::string& prefix,
                                         int64_t after_revision) override;
  Status Compact(int64_t revision) override;
  int64_t CurrentRevision() override;
  int64_t CompactedRevision() override;

 private:
  // One state of a key: its value at `kv.mod_revision`, or a tombstone.
  struct Version {
    bool deleted = false;
    KeyValue kv;  // for a tombstone: the value deleted, mod_revision = the delete
  };

  // The live current version of key, or nullptr. Requires mu_.
  const KeyValue* CurrentLocked(const std::string& key) const;
  // Appends a version and publishes its event. Requires mu_.
  void CommitLocked(EventType type, const KeyValue& kv);
  Result<std::vector<Event>> Replay(const std::string& prefix, int64_t after, int64_t upto);

  std::mutex mu_;
  int64_t revision_ = 0;
  int64_t compacted_ = 0;
  std::map<std::string, std::vector<Version>> keys_;  // versions ascending by revision
  std::deque<Event> log_;                             // events above compacted_
  WatchHub hub_;
};

}  // namespace skiff::storage
