#include "apiserver/cache/watch_cache.h"

#include <cstdio>

#include "apiserver/object_store.h"

namespace skiff::apiserver {
namespace {

constexpr auto kPoll = std::chrono::milliseconds(200);

// "/core/pods/default/web" -> "/core/pods/"
std::string KindPrefixOf(const std::string& key) {
  size_t first = key.find('/', 1);
  if (first == std::string::npos) return "";
  size_t second = key.find('/', first + 1);
  if (second == std::string::npos) return "";
  return key.substr(0, second + 1);
}

}  // namespace

WatchCache::WatchCache(storage::Storage& store, WatchCacheOptions options) : store_(store), options_(options) {
  for (const api::KindInfo& kind : api::AllKinds()) {
    std::string prefix = ObjectStore::PrefixFor(kind, "");
    auto cache = std::make_unique<KindCache>(kind, prefix, cluster_revision_, options_.events_per_kind,
                                              options_.event_bytes_per_kind);
    by_kind_[&kind] = cache.get();
    by_prefix_[prefix] = std::move(cache);
  }
}

WatchCache::~WatchCache() { Stop(); }

KindCache& WatchCache::For(const api::KindInfo& kind) { return *by_kind_.at(&kind); }

KindCache* WatchCache::KindOfKey(const std::string& key) {
  auto it = by_prefix_.find(KindPrefixOf(key));
  return it == by_prefix_.end() ? nullptr : it->second.get();
}

Result<int64_t> WatchCache::Load() {
  std::map<KindCache*, std::vector<CachedObjectPtr>> loaded;
  storage::ListOptions opts;
  opts.limit = static_cast<int64_t>(options_.load_page);
  int64_t revision = 0;
  while (true) {
    Result<storage::ListResult> page = store_.List("/", opts);
    if (!page.ok()) return page.status();
    revision = page->revision;
    for (const storage::KeyValue& kv : page->items) {
      KindCache* cache = KindOfKey(kv.key);
      if (!cache) continue;  // not an API object (no such kind)
      Result<CachedObjectPtr> obj = MakeCachedObject(cache->kind(), kv);
      if (!obj.ok()) return obj.status();
      loaded[cache].push_back(std::move(*obj));
    }
    if (!page->more) break;
    opts.revision = revision;
    opts.start_after = page->items.back().key;
  }
  for (auto& [prefix, cache] : by_prefix_) cache->Reset(std::move(loaded[cache.get()]), revision);
  Advance(revision);
  return revision;
}

Status WatchCache::Start() {
  Result<int64_t> revision = Load();
  if (!revision.ok()) return revision.status();
  Result<std::unique_ptr<storage::Watcher>> stream = store_.Watch("/", *revision);
  if (!stream.ok()) return stream.status();
  dispatcher_ = std::thread([this, s = std::move(*stream)]() mutable { Run(std::move(s)); });
  return Status::Ok();
}

void WatchCache::Run(std::unique_ptr<storage::Watcher> stream) {
  while (!stopping_) {
    {
      std::lock_guard lock(mu_);
      stream_ = std::move(stream);
    }
    while (!stopping_) {
      std::vector<storage::Event> events = stream_->Next(kPoll);
      for (const storage::Event& ev : events) ApplyEvent(ev);
      if (!events.empty()) Advance(events.back().kv.mod_revision);
      if (events.empty() && !stream_->status().ok()) break;
    }
    if (stopping_ || stream_->status().code() != Code::kGone) break;
    // Fell a whole buffer behind: read everything again and follow from there.
    std::fprintf(stderr, "skiff: watch cache fell behind the store; reloading\n");
    Result<int64_t> revision = Load();
    Result<std::unique_ptr<storage::Watcher>> again =
        revision.ok() ? store_.Watch("/", *revision) : Result<std::unique_ptr<storage::Watcher>>(revision.status());
    if (!again.ok()) {
      std::fprintf(stderr, "skiff: watch cache reload failed: %s\n", again.status().ToString().c_str());
      break;
    }
    stream = std::move(*again);
  }
  std::lock_guard lock(mu_);
  stopped_ = true;
  advanced_.notify_all();
}

void WatchCache::ApplyEvent(const storage::Event& ev) {
  KindCache* cache = KindOfKey(ev.kv.key);
  if (!cache) return;
  Result<CachedObjectPtr> obj = MakeCachedObject(cache->kind(), ev.kv);
  if (!obj.ok()) {
    std::fprintf(stderr, "skiff: watch cache skips %s: %s\n", ev.kv.key.c_str(), obj.status().ToString().c_str());
    return;
  }
  cache->Apply(ev.type, std::move(*obj), ev.kv.mod_revision);
}

void WatchCache::Advance(int64_t revision) {
  {
    std::lock_guard lock(mu_);
    cluster_revision_.store(revision);
  }
  advanced_.notify_all();
}

Status WatchCache::WaitFor(int64_t revision, std::chrono::milliseconds timeout) {
  if (cluster_revision_.load() >= revision) return Status::Ok();
  std::unique_lock lock(mu_);
  advanced_.wait_for(lock, timeout, [&] { return cluster_revision_.load() >= revision || stopped_; });
  if (cluster_revision_.load() >= revision) return Status::Ok();
  if (stopped_) return Status::Unavailable("the watch cache is stopped");
  return Status(Code::kTimeout, "Too large resource version: " + std::to_string(revision) +
                                    ", current: " + std::to_string(cluster_revision_.load()));
}

Status WatchCache::WaitFresh(std::chrono::milliseconds timeout) { return WaitFor(store_.CurrentRevision(), timeout); }

void WatchCache::Stop() {
  stopping_ = true;
  {
    std::lock_guard lock(mu_);
    if (stream_) stream_->Stop();
  }
  if (dispatcher_.joinable()) dispatcher_.join();
  for (auto& [_, cache] : by_prefix_) cache->EndWatches(Status::Unavailable("the server is shutting down"));
}

}  // namespace skiff::apiserver
