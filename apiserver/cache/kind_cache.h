// KindCache: the current objects of one kind, indexed, with a window of recent
// events and the watchers that want them.
//
// Holds every object of the kind as a CachedObject, ordered by storage key (so a
// namespace is a key range and pages follow key order), with an inverted label
// index and, for pods, an index by spec.nodeName; a LIST picks the narrowest of
// them, so a selective LIST costs time in proportion to its result. The last
// `ring_capacity` events (and no more than `ring_bytes` of their objects' JSON)
// are kept so a watch can resume from any revision since the oldest of them;
// older revisions get Gone ("too old resource version"), as from
// kube-apiserver's watch cache. A watcher's queue is bounded the same way, with
// some slack beyond a full replay of the window.
//
// Each event is fanned out, under the cache lock, to the watchers whose filter
// it concerns: watchers are bucketed by namespace and (pods) by node name, so an
// event costs time in proportion to the watchers it may interest. A watcher with
// a selector sees an object that starts matching as ADDED and one that stops
// matching as DELETED.
//
// Revisions: the state held is the state of the kind at revision(), the largest
// of the last event applied to it and the cluster revision the owner has applied
// (events of other kinds do not change this kind).
//
// Thread-safe: one writer (the WatchCache's dispatcher) and any number of readers.
#pragma once

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/kinds.h"
#include "api/labels/label_index.h"
#include "apiserver/cache/cache_watcher.h"
#include "apiserver/cache/cached_object.h"
#include "apiserver/cache/watch_filter.h"
#include "apiserver/storage/storage.h"
#include "base/status.h"

namespace skiff::apiserver {

struct CacheListResult {
  std::vector<CachedObjectPtr> items;  // in key order
  int64_t revision = 0;                // the state the items were read at
  bool more = false;                   // limit cut the result short
};

// A registered watch: the queue to read and, for a watch from "now", the
// objects that matched when it started (to be sent first as ADDED).
struct CacheWatch {
  std::shared_ptr<CacheWatcher> watcher;
  std::vector<CachedObjectPtr> initial;
  int64_t revision = 0;  // the revision the stream starts after
};

class KindCache {
 public:
  // key_prefix: the storage prefix of the kind ("/core/pods/"); namespaced keys
  // continue with "<namespace>/<name>".
  KindCache(const api::KindInfo& kind, std::string key_prefix, const std::atomic<int64_t>& cluster_revision,
            size_t ring_capacity, size_t ring_bytes);
  KindCache(const KindCache&) = delete;
  KindCache& operator=(const KindCache&) = delete;

  const api::KindInfo& kind() const { return kind_; }

  // Replaces the whole state (initial load, or a reload after the store's watch
  // was lost) as of revision. Open watches end with Gone (clients watch again).
  void Reset(std::vector<CachedObjectPtr> objects, int64_t revision);
  // Applies one event at revision (the deleted object's last state for a delete).
  void Apply(storage::EventType type, CachedObjectPtr object, int64_t revision);

  CachedObjectPtr Get(const std::string& key) const;
  // Objects matching filter with keys after start_after (empty: from the start),
  // at most limit of them (0: no limit).
  CacheListResult List(const WatchFilter& filter, const std::string& start_after, int64_t limit) const;
  // A watch of the events after after_revision; with initial_state, the
  // objects matching now come back in CacheWatch::initial and the stream starts
  // after the current revision. Gone when after_revision is older than the
  // event window.
  Result<CacheWatch> Watch(WatchFilter filter, int64_t after_revision, bool initial_state);
  // Forgets a watcher (its stream is over).
  void Unwatch(const std::shared_ptr<CacheWatcher>& watcher);
  // Ends every watch (the server is stopping).
  void EndWatches(const Status& why);

  int64_t revision() const;
  size_t size() const;
  size_t watcher_count() const;

 private:
  struct Event {
    int64_t revision;
    storage::EventType type;
    CachedObjectPtr object;  // the new state (for a delete, the last one)
    CachedObjectPtr prev;    // the state before (null for a create)
  };
  struct Registered {
    std::shared_ptr<CacheWatcher> watcher;
    int64_t after_revision;  // live events at or below this are not its business
  };
  using Watchers = std::vector<Registered>;

  int64_t RevisionLocked() const;
  void IndexAdd(const CachedObjectPtr& obj);
  void IndexRemove(const CachedObject& obj);
  void Record(Event ev);
  void Dispatch(const Event& ev);
  void DispatchTo(Watchers& bucket, const Event& ev);
  // The bucket a watcher with filter lives in.
  Watchers& BucketFor(const WatchFilter& filter);
  CacheListResult ListLocked(const WatchFilter& filter, const std::string& start_after, int64_t limit) const;
  // Candidates for filter from the narrowest index, or nullopt to scan keys.
  std::optional<std::vector<CachedObjectPtr>> IndexedCandidates(const WatchFilter& filter) const;

  const api::KindInfo& kind_;
  const std::string key_prefix_;
  const std::atomic<int64_t>& cluster_revision_;
  const size_t ring_capacity_;
  const size_t ring_bytes_limit_;
  const bool index_node_name_;

  mutable std::shared_mutex mu_;
  std::map<std::string, CachedObjectPtr> objects_;
  api::LabelIndex labels_;
  std::unordered_map<std::string, std::map<std::string, CachedObjectPtr>> by_node_;
  std::deque<Event> ring_;
  size_t ring_bytes_ = 0;   // the JSON of ring_'s objects
  int64_t ring_floor_ = 0;  // every event after this revision is in ring_
  int64_t last_applied_ = 0;
  std::unordered_map<std::string, Watchers> watchers_by_namespace_;  // "" = all namespaces
  std::unordered_map<std::string, Watchers> watchers_by_node_;
  size_t watcher_count_ = 0;
};

}  // namespace skiff::apiserver
