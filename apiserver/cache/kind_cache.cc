#include "apiserver/cache/kind_cache.h"

#include <algorithm>

namespace skiff::apiserver {
namespace {

using nlohmann::json;

constexpr size_t kWatcherSlack = 1000;                   // queue room beyond a full replay of the window
constexpr size_t kWatcherSlackBytes = size_t{16} << 20;  // ... in bytes

// The node a pod is bound to ("" when none), from its selectable fields.
std::string NodeNameOf(const CachedObject& obj) {
  auto spec = obj.selectable.find("spec");
  if (spec == obj.selectable.end() || !spec->is_object()) return "";
  auto node = spec->find("nodeName");
  return node != spec->end() && node->is_string() ? node->get<std::string>() : "";
}

// What a watch with filter shows for an event, if anything: an object that
// starts matching is ADDED, one that stops matching is DELETED.
std::optional<WatchEventType> SelectedType(const WatchFilter& filter, storage::EventType type,
                                           const CachedObject& object, const CachedObject* prev) {
  switch (type) {
    case storage::EventType::kCreated:
      if (filter.Matches(object)) return WatchEventType::kAdded;
      return std::nullopt;
    case storage::EventType::kDeleted:
      if (filter.Matches(object)) return WatchEventType::kDeleted;
      return std::nullopt;
    case storage::EventType::kUpdated: {
      bool now = filter.Matches(object);
      bool before = prev && filter.Matches(*prev);
      if (now) return before ? WatchEventType::kModified : WatchEventType::kAdded;
      if (before) return WatchEventType::kDeleted;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

KindCache::KindCache(const api::KindInfo& kind, std::string key_prefix, const std::atomic<int64_t>& cluster_revision,
                     size_t ring_capacity, size_t ring_bytes)
    : kind_(kind),
      key_prefix_(std::move(key_prefix)),
      cluster_revision_(cluster_revision),
      ring_capacity_(ring_capacity),
      ring_bytes_limit_(ring_bytes),
      index_node_name_(kind.kind == "Pod") {}

int64_t KindCache::RevisionLocked() const { return std::max(last_applied_, cluster_revision_.load()); }

int64_t KindCache::revision() const {
  std::shared_lock lock(mu_);
  return RevisionLocked();
}

size_t KindCache::size() const {
  std::shared_lock lock(mu_);
  return objects_.size();
}

size_t KindCache::watcher_count() const {
  std::shared_lock lock(mu_);
  return watcher_count_;
}

void KindCache::IndexAdd(const CachedObjectPtr& obj) {
  labels_.Upsert(obj->key, obj->labels);
  if (!index_node_name_) return;
  std::string node = NodeNameOf(*obj);
  if (!node.empty()) by_node_[node][obj->key] = obj;
}

void KindCache::IndexRemove(const CachedObject& obj) {
  labels_.Remove(obj.key);
  if (!index_node_name_) return;
  std::string node = NodeNameOf(obj);
  auto it = by_node_.find(node);
  if (it == by_node_.end()) return;
  it->second.erase(obj.key);
  if (it->second.empty()) by_node_.erase(it);
}

void KindCache::Reset(std::vector<CachedObjectPtr> objects, int64_t revision) {
  std::unique_lock lock(mu_);
  objects_.clear();
  labels_.Clear();
  by_node_.clear();
  for (CachedObjectPtr& obj : objects) {
    IndexAdd(obj);
    objects_[obj->key] = std::move(obj);
  }
  ring_.clear();
  ring_floor_ = revision;
  last_applied_ = revision;
  Status reloaded = Status::Gone("the watch cache was reloaded; watch again");
  for (auto* buckets : {&watchers_by_namespace_, &watchers_by_node_}) {
    for (auto& [_, bucket] : *buckets) {
      for (Registered& r : bucket) r.watcher->End(reloaded);
    }
    buckets->clear();
  }
  watcher_count_ = 0;
}

void KindCache::Apply(storage::EventType type, CachedObjectPtr object, int64_t revision) {
  std::unique_lock lock(mu_);
  CachedObjectPtr prev;
  if (auto it = objects_.find(object->key); it != objects_.end()) {
    prev = it->second;
    IndexRemove(*prev);
  }
  if (type == storage::EventType::kDeleted) {
    objects_.erase(object->key);
  } else {
    if (!prev) type = storage::EventType::kCreated;
    objects_[object->key] = object;
    IndexAdd(object);
  }
  last_applied_ = revision;
  Event ev{revision, type, std::move(object), std::move(prev)};
  Dispatch(ev);
  Record(std::move(ev));
}

void KindCache::Record(Event ev) {
  ring_bytes_ += ev.object->text.size();
  ring_.push_back(std::move(ev));
  while (!ring_.empty() && (ring_.size() > ring_capacity_ || ring_bytes_ > ring_bytes_limit_)) {
    ring_floor_ = ring_.front().revision;
    ring_bytes_ -= ring_.front().object->text.size();
    ring_.pop_front();
  }
}

void KindCache::DispatchTo(Watchers& bucket, const Event& ev) {
  bool ended = false;
  for (Registered& r : bucket) {
    if (ev.revision <= r.after_revision) continue;
    std::optional<WatchEventType> type = SelectedType(r.watcher->filter(), ev.type, *ev.object, ev.prev.get());
    if (type && !r.watcher->Push(*type, ev.object)) ended = true;
  }
  if (!ended) return;
  size_t before = bucket.size();
  std::erase_if(bucket, [](const Registered& r) { return !r.watcher->status().ok(); });
  watcher_count_ -= before - bucket.size();
}

void KindCache::Dispatch(const Event& ev) {
  auto send = [&](std::unordered_map<std::string, Watchers>& buckets, const std::string& key) {
    auto it = buckets.find(key);
    if (it != buckets.end()) DispatchTo(it->second, ev);
  };
  send(watchers_by_namespace_, "");
  if (!ev.object->namespace_.empty()) send(watchers_by_namespace_, ev.object->namespace_);
  if (!index_node_name_ || watchers_by_node_.empty()) return;
  std::string node = NodeNameOf(*ev.object);
  send(watchers_by_node_, node);
  if (ev.prev) {
    std::string prev_node = NodeNameOf(*ev.prev);
    if (prev_node != node) send(watchers_by_node_, prev_node);
  }
}

KindCache::Watchers& KindCache::BucketFor(const WatchFilter& filter) {
  if (index_node_name_) {
    if (std::optional<std::string> node = filter.fields.ExactValue("spec.nodeName")) return watchers_by_node_[*node];
  }
  return watchers_by_namespace_[filter.namespace_];
}

CachedObjectPtr KindCache::Get(const std::string& key) const {
  std::shared_lock lock(mu_);
  auto it = objects_.find(key);
  return it == objects_.end() ? nullptr : it->second;
}

std::optional<std::vector<CachedObjectPtr>> KindCache::IndexedCandidates(const WatchFilter& filter) const {
  size_t best = objects_.size() / 2;  // an index must beat scanning by a margin
  std::optional<std::vector<CachedObjectPtr>> out;
  if (index_node_name_) {
    // Unbound pods (spec.nodeName=) are not indexed: there are few of them.
    std::optional<std::string> node = filter.fields.ExactValue("spec.nodeName");
    if (node && !node->empty()) {
      auto it = by_node_.find(*node);
      out.emplace();
      if (it != by_node_.end()) {
        for (const auto& [_, obj] : it->second) out->push_back(obj);
      }
      best = out->size();
    }
  }
  if (!filter.labels.Empty() && labels_.CandidateCount(filter.labels) < best) {
    out.emplace();
    for (const std::string& key : labels_.Select(filter.labels)) {
      auto it = objects_.find(key);
      if (it != objects_.end()) out->push_back(it->second);
    }
    std::sort(out->begin(), out->end(), [](const CachedObjectPtr& a, const CachedObjectPtr& b) { return a->key < b->key; });
  }
  return out;
}

CacheListResult KindCache::List(const WatchFilter& filter, const std::string& start_after, int64_t limit) const {
  std::shared_lock lock(mu_);
  return ListLocked(filter, start_after, limit);
}

CacheListResult KindCache::ListLocked(const WatchFilter& filter, const std::string& start_after, int64_t limit) const {
  CacheListResult out;
  out.revision = RevisionLocked();
  // Returns false once the page is full and one more match shows there is more.
  auto take = [&](const CachedObjectPtr& obj) {
    if (!start_after.empty() && obj->key <= start_after) return true;
    if (!filter.Matches(*obj)) return true;
    if (limit > 0 && static_cast<int64_t>(out.items.size()) >= limit) {
      out.more = true;
      return false;
    }
    out.items.push_back(obj);
    return true;
  };
  if (std::optional<std::vector<CachedObjectPtr>> candidates = IndexedCandidates(filter)) {
    for (const CachedObjectPtr& obj : *candidates) {
      if (!take(obj)) break;
    }
    return out;
  }
  std::string prefix = key_prefix_;
  if (kind_.namespaced && !filter.namespace_.empty()) prefix += filter.namespace_ + "/";
  auto it = objects_.lower_bound(std::max(prefix, start_after));
  for (; it != objects_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    if (!take(it->second)) break;
  }
  return out;
}

Result<CacheWatch> KindCache::Watch(WatchFilter filter, int64_t after_revision, bool initial_state) {
  std::unique_lock lock(mu_);
  CacheWatch out;
  if (initial_state) {
    CacheListResult now = ListLocked(filter, "", 0);
    out.initial = std::move(now.items);
    after_revision = now.revision;
  } else if (after_revision < ring_floor_) {
    return Status::Gone("too old resource version: " + std::to_string(after_revision) + " (" +
                        std::to_string(ring_floor_) + ")");
  }
  out.revision = after_revision;
  out.watcher = std::make_shared<CacheWatcher>(std::move(filter), ring_capacity_ + kWatcherSlack,
                                               ring_bytes_limit_ + kWatcherSlackBytes);
  for (const Event& ev : ring_) {
    if (ev.revision <= after_revision) continue;
    if (std::optional<WatchEventType> type = SelectedType(out.watcher->filter(), ev.type, *ev.object, ev.prev.get())) {
      out.watcher->Push(*type, ev.object);
    }
  }
  BucketFor(out.watcher->filter()).push_back({out.watcher, std::max(after_revision, last_applied_)});
  ++watcher_count_;
  return out;
}

void KindCache::Unwatch(const std::shared_ptr<CacheWatcher>& watcher) {
  std::unique_lock lock(mu_);
  Watchers& bucket = BucketFor(watcher->filter());
  size_t before = bucket.size();
  std::erase_if(bucket, [&](const Registered& r) { return r.watcher == watcher; });
  watcher_count_ -= before - bucket.size();
}

void KindCache::EndWatches(const Status& why) {
  std::unique_lock lock(mu_);
  for (auto* buckets : {&watchers_by_namespace_, &watchers_by_node_}) {
    for (auto& [_, bucket] : *buckets) {
      for (Registered& r : bucket) r.watcher->End(why);
    }
    buckets->clear();
  }
  watcher_count_ = 0;
}

}  // namespace skiff::apiserver
