// WatchCache: every kind's objects in memory, kept current from one storage watch.
//
// Start lists the whole store once (in pages, at one revision), then follows
// one storage watch of every key from that revision on a dispatcher thread,
// which turns each event into a CachedObject and applies it to its kind's
// KindCache (which fans it out to that kind's watchers). cluster_revision()
// is the last revision applied: the cache then holds the state of the store
// at that revision.
//
// Consistent reads: WaitFresh waits until every write acknowledged before the
// call is applied (the store's current revision), as kube-apiserver's
// consistent reads from its cache do; a read after a write sees the write.
//
// If the storage watch is lost (the dispatcher fell a whole buffer behind), the
// cache lists the store again and resets every kind; open watches end with Gone
// and their clients watch again. Errors: Start fails with the store's error;
// WaitFresh/WaitFor fail with Timeout ("Too large resource version") when the
// cache does not catch up in time, or Unavailable once stopped.
//
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "api/kinds.h"
#include "apiserver/cache/kind_cache.h"
#include "apiserver/storage/storage.h"
#include "base/status.h"

namespace skiff::apiserver {

struct WatchCacheOptions {
  size_t events_per_kind = 10000;  // the resume window of each kind's watches
  // ... bounded by bytes too (the JSON of the events' objects): 1 MB objects
  // updated in a loop must not pin gigabytes of old versions.
  size_t event_bytes_per_kind = size_t{32} << 20;
  size_t load_page = 10000;        // keys per List page while loading
};

class WatchCache {
 public:
  WatchCache(storage::Storage& store, WatchCacheOptions options = {});
  ~WatchCache();  // stops
  WatchCache(const WatchCache&) = delete;
  WatchCache& operator=(const WatchCache&) = delete;

  Status Start();
  // Ends every watch and the dispatcher. Idempotent.
  void Stop();

  KindCache& For(const api::KindInfo& kind);

  int64_t cluster_revision() const { return cluster_revision_.load(); }
  // Waits until the cache has applied revision.
  Status WaitFor(int64_t revision, std::chrono::milliseconds timeout = std::chrono::seconds(3));
  // Waits until the cache has applied every write the store acknowledged so far.
  Status WaitFresh(std::chrono::milliseconds timeout = std::chrono::seconds(3));

 private:
  // Lists the store and resets every kind; returns the revision read at.
  Result<int64_t> Load();
  void Run(std::unique_ptr<storage::Watcher> stream);
  void ApplyEvent(const storage::Event& ev);
  KindCache* KindOfKey(const std::string& key);
  void Advance(int64_t revision);

  storage::Storage& store_;
  const WatchCacheOptions options_;
  std::atomic<int64_t> cluster_revision_{0};
  std::map<std::string, std::unique_ptr<KindCache>> by_prefix_;       // "/core/pods/" -> cache
  std::map<const api::KindInfo*, KindCache*> by_kind_;
  std::mutex mu_;
  std::condition_variable advanced_;
  std::atomic<bool> stopping_{false};
  bool stopped_ = false;
  std::unique_ptr<storage::Watcher> stream_;
  std::thread dispatcher_;
};

}  // namespace skiff::apiserver
