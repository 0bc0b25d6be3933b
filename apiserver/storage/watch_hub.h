// WatchHub: the in-process fan-out of committed events to watchers, shared by
// every Storage backend.
//
// A backend publishes the events of each commit, in revision order, after the
// commit is durable. A watcher registers for a key prefix and an
// after_revision; the hub then guarantees that the watcher sees every event
// with revision > after_revision under its prefix exactly once, in revision
// order, with no gap between history and live events:
//   1. the watcher is registered under the hub lock and remembers the last
//      published revision R (the registration revision);
//   2. live events published from then on are buffered (only those > R);
//   3. history in (after_revision, R] is fetched from the backend's replay
//      callback and placed ahead of the buffered live events.
//
// Each watcher has a bounded buffer of live events. A watcher whose consumer
// falls more than `buffer_capacity` live events, or `buffer_bytes` bytes of
// keys and values, behind ends with Gone (the API server relists); replayed
// history does not count against the bound.
//
// Thread-safety: all methods may be called concurrently, except that Publish
// calls must be serialized by the backend (they define revision order).
// Close() ends every watcher with Unavailable; later Watch calls fail with
// Unavailable. Watchers may outlive the hub.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "apiserver/storage/storage.h"

namespace skiff::storage {

// Default bounds on a watcher's unconsumed live events, by count and by bytes.
inline constexpr size_t kDefaultWatchBuffer = 10000;
inline constexpr size_t kDefaultWatchBufferBytes = size_t{64} << 20;
// Most events one Watcher::Next call returns.
inline constexpr size_t kMaxEventsPerNext = 1000;

// Returns the events under prefix with after < revision <= upto, ascending; Gone
// when that history has been compacted away.
using ReplayFn = std::function<Result<std::vector<Event>>(const std::string& prefix, int64_t after,
                                                          int64_t upto)>;

class WatchHub {
 public:
  explicit WatchHub(size_t buffer_capacity = kDefaultWatchBuffer,
                    size_t buffer_bytes = kDefaultWatchBufferBytes);
  ~WatchHub();  // Close()
  WatchHub(const WatchHub&) = delete;
  WatchHub& operator=(const WatchHub&) = delete;

  // The store's revision when it opened; call before the first Watch/Publish.
  void SetRevision(int64_t revision);
  // The last revision published (or set).
  int64_t revision() const;

  // Delivers the events of one commit (ascending revisions, all above
  // revision()) to every matching watcher. Serialized by the caller.
  void Publish(const std::vector<Event>& events);

  // Registers a watcher for keys starting with prefix and events after
  // after_revision (0 = from now, no replay). replay is called (without any
  // hub lock held) when history is needed. Fails with replay's error, or
  // Unavailable once closed.
  Result<std::unique_ptr<Watcher>> Watch(const std::string& prefix, int64_t after_revision,
                                         const ReplayFn& replay);

  // Ends every watcher with Unavailable. Idempotent.
  void Close();

  // Live (not yet ended) watchers; for tests and metrics.
  size_t watcher_count() const;

  struct WatcherState;

 private:
  const size_t capacity_;
  const size_t capacity_bytes_;
  mutable std::mutex mu_;
  bool closed_ = false;
  int64_t revision_ = 0;
  std::vector<std::shared_ptr<WatcherState>> watchers_;
};

}  // namespace skiff::storage
