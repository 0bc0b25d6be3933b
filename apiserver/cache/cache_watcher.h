// CacheWatcher: the queue of one watch stream fed by the watch cache.
//
// The cache pushes the events a stream should see (already typed for its
// selection: ADDED, MODIFIED or DELETED), the stream's thread takes them with
// Next. The queue is bounded, by events and by bytes of their objects' JSON:
// a consumer that falls more than either capacity behind is ended with Gone (the client re-watches from its last revision, as
// with kube-apiserver's slow-watcher termination). Stop ends it from any thread.
//
// Thread-safe: one producer (the cache, under its lock) and one consumer.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

#include "apiserver/cache/cached_object.h"
#include "apiserver/cache/watch_filter.h"
#include "base/status.h"

namespace skiff::apiserver {

enum class WatchEventType { kAdded, kModified, kDeleted };

const char* WatchEventTypeName(WatchEventType type);

struct WatchDelivery {
  WatchEventType type;
  CachedObjectPtr object;
};

class CacheWatcher {
 public:
  CacheWatcher(WatchFilter filter, size_t capacity, size_t capacity_bytes = SIZE_MAX)
      : filter_(std::move(filter)), capacity_(capacity), capacity_bytes_(capacity_bytes) {}

  const WatchFilter& filter() const { return filter_; }

  // Queues one event; false once the stream has ended (it then never takes more).
  bool Push(WatchEventType type, CachedObjectPtr object);
  // Ends the stream with why (Gone, Unavailable); a blocked Next returns at once.
  void End(Status why);
  void Stop() { End(Status::Unavailable("watch stopped")); }

  // The queued events (at most max), waiting up to timeout for one; empty on
  // timeout or when the stream has ended.
  std::vector<WatchDelivery> Next(std::chrono::milliseconds timeout, size_t max = 1000);
  // OK while live.
  Status status() const;

 private:
  const WatchFilter filter_;
  const size_t capacity_;
  const size_t capacity_bytes_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::deque<WatchDelivery> queue_;
  size_t queued_bytes_ = 0;
  Status ended_;
  bool live_ = true;
};

}  // namespace skiff::apiserver
