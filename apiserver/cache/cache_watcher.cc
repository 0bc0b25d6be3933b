#include "apiserver/cache/cache_watcher.h"

namespace skiff::apiserver {

const char* WatchEventTypeName(WatchEventType type) {
  switch (type) {
    case WatchEventType::kAdded: return "ADDED";
    case WatchEventType::kModified: return "MODIFIED";
    case WatchEventType::kDeleted: return "DELETED";
  }
  return "MODIFIED";
}

bool CacheWatcher::Push(WatchEventType type, CachedObjectPtr object) {
  std::unique_lock lock(mu_);
  if (!live_) return false;
  size_t bytes = object->text.size();
  if (queue_.size() >= capacity_ || queued_bytes_ + bytes > capacity_bytes_) {
    std::string behind = queue_.size() >= capacity_ ? std::to_string(capacity_) + " events"
                                                    : std::to_string(capacity_bytes_) + " bytes";
    live_ = false;
    queue_.clear();
    queued_bytes_ = 0;
    ended_ = Status::Gone("the watch fell more than " + behind +
                          " behind and was closed; watch again from the last resourceVersion seen");
    lock.unlock();
    ready_.notify_all();
    return false;
  }
  bool was_empty = queue_.empty();
  queued_bytes_ += bytes;
  queue_.push_back({type, std::move(object)});
  lock.unlock();
  if (was_empty) ready_.notify_one();
  return true;
}

void CacheWatcher::End(Status why) {
  {
    std::lock_guard lock(mu_);
    if (!live_) return;
    live_ = false;
    ended_ = std::move(why);
  }
  ready_.notify_all();
}

std::vector<WatchDelivery> CacheWatcher::Next(std::chrono::milliseconds timeout, size_t max) {
  std::unique_lock lock(mu_);
  ready_.wait_for(lock, timeout, [&] { return !queue_.empty() || !live_; });
  std::vector<WatchDelivery> out;
  if (!live_ && ended_.code() != Code::kUnavailable) return out;  // Gone drops what was queued
  size_t n = std::min(max, queue_.size());
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    queued_bytes_ -= std::min(queued_bytes_, queue_.front().object->text.size());
    out.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return out;
}

Status CacheWatcher::status() const {
  std::lock_guard lock(mu_);
  return live_ ? Status::Ok() : ended_;
}

}  // namespace skiff::apiserver
