#include "apiserver/storage/watch_hub.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <utility>

namespace skiff::storage {

// One watcher's stream, shared by the hub (producer) and the Watcher (consumer).
struct WatchHub::WatcherState {
  WatcherState(std::string p, int64_t min_rev, size_t cap, size_t cap_bytes)
      : prefix(std::move(p)), min_live_revision(min_rev), capacity(cap), capacity_bytes(cap_bytes) {}

  const std::string prefix;
  const int64_t min_live_revision;  // live events at or below this are dropped
  const size_t capacity;
  const size_t capacity_bytes;

  std::mutex mu;
  std::condition_variable cv;
  std::deque<Event> queue;  // replayed history first, then live events
  size_t live_queued = 0;   // live events in queue (the bounded part)
  size_t live_bytes = 0;    // their keys' and values' bytes
  bool ended = false;
  Status end_status;

  bool Ended() {
    std::lock_guard<std::mutex> lock(mu);
    return ended;
  }

  // Ends the stream. Gone and consumer stops drop what is queued; a close keeps
  // it so the consumer can drain events that were committed before the close.
  void End(Status status, bool drop_queue) {
    std::lock_guard<std::mutex> lock(mu);
    if (ended) return;
    ended = true;
    end_status = std::move(status);
    if (drop_queue) {
      queue.clear();
      live_queued = 0;
      live_bytes = 0;
    }
    cv.notify_all();
  }

  void PushLive(const std::vector<Event>& events) {
    std::lock_guard<std::mutex> lock(mu);
    if (ended) return;
    for (const Event& e : events) {
      if (e.kv.mod_revision <= min_live_revision) continue;
      if (e.kv.key.compare(0, prefix.size(), prefix) != 0) continue;
      size_t bytes = EventBytes(e);
      if (live_queued >= capacity || live_bytes + bytes > capacity_bytes) {
        ended = true;
        end_status = Status::Gone("watch on \"" + prefix + "\" fell more than " +
                                  (live_queued >= capacity ? std::to_string(capacity) + " events"
                                                           : std::to_string(capacity_bytes) + " bytes") +
                                  " behind");
        queue.clear();
        live_queued = 0;
        live_bytes = 0;
        break;
      }
      queue.push_back(e);
      ++live_queued;
      live_bytes += bytes;
    }
    cv.notify_all();
  }

  void PrependHistory(std::vector<Event> history) {
    std::lock_guard<std::mutex> lock(mu);
    if (ended || history.empty()) return;
    queue.insert(queue.begin(), std::make_move_iterator(history.begin()),
                 std::make_move_iterator(history.end()));
    cv.notify_all();
  }

  std::vector<Event> Next(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait_for(lock, timeout, [&] { return !queue.empty() || ended; });
    std::vector<Event> out;
    size_t n = std::min(queue.size(), kMaxEventsPerNext);
    out.reserve(n);
    size_t history = queue.size() - live_queued;
    for (size_t i = 0; i < n; ++i) {
      if (i >= history) live_bytes -= std::min(live_bytes, EventBytes(queue.front()));
      out.push_back(std::move(queue.front()));
      queue.pop_front();
    }
    live_queued -= n > history ? n - history : 0;
    return out;
  }

  static size_t EventBytes(const Event& e) { return e.kv.key.size() + e.kv.value.size(); }

  Status GetStatus() {
    std::lock_guard<std::mutex> lock(mu);
    return ended ? end_status : Status::Ok();
  }
};

namespace {

class HubWatcher : public Watcher {
 public:
  explicit HubWatcher(std::shared_ptr<WatchHub::WatcherState> state) : state_(std::move(state)) {}
  ~HubWatcher() override { Stop(); }

  std::vector<Event> Next(std::chrono::milliseconds timeout) override {
    return state_->Next(timeout);
  }
  Status status() const override { return state_->GetStatus(); }
  void Stop() override { state_->End(Status::Unavailable("watch stopped"), /*drop_queue=*/true); }

 private:
  std::shared_ptr<WatchHub::WatcherState> state_;
};

}  // namespace

WatchHub::WatchHub(size_t buffer_capacity, size_t buffer_bytes)
    : capacity_(std::max<size_t>(buffer_capacity, 1)), capacity_bytes_(std::max<size_t>(buffer_bytes, 1)) {}

WatchHub::~WatchHub() { Close(); }

void WatchHub::SetRevision(int64_t revision) {
  std::lock_guard<std::mutex> lock(mu_);
  revision_ = revision;
}

int64_t WatchHub::revision() const {
  std::lock_guard<std::mutex> lock(mu_);
  return revision_;
}

void WatchHub::Publish(const std::vector<Event>& events) {
  if (events.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  revision_ = std::max(revision_, events.back().kv.mod_revision);
  bool any_ended = false;
  for (const auto& w : watchers_) {
    w->PushLive(events);
    any_ended = any_ended || w->Ended();
  }
  if (any_ended) {
    std::erase_if(watchers_, [](const auto& w) { return w->Ended(); });
  }
}

Result<std::unique_ptr<Watcher>> WatchHub::Watch(const std::string& prefix, int64_t after_revision,
                                                 const ReplayFn& replay) {
  std::shared_ptr<WatcherState> state;
  int64_t registered_at = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return Status::Unavailable("store is closed");
    registered_at = revision_;
    int64_t min_live =
        after_revision == 0 ? registered_at : std::max(registered_at, after_revision);
    state = std::make_shared<WatcherState>(prefix, min_live, capacity_, capacity_bytes_);
    std::erase_if(watchers_, [](const auto& w) { return w->Ended(); });
    watchers_.push_back(state);
  }
  if (after_revision > 0 && after_revision < registered_at) {
    Result<std::vector<Event>> history = replay(prefix, after_revision, registered_at);
    if (!history.ok()) {
      state->End(history.status(), /*drop_queue=*/true);
      return history.status();
    }
    state->PrependHistory(std::move(history).value());
  }
  return std::unique_ptr<Watcher>(std::make_unique<HubWatcher>(std::move(state)));
}

void WatchHub::Close() {
  std::vector<std::shared_ptr<WatcherState>> watchers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    watchers.swap(watchers_);
  }
  for (const auto& w : watchers) w->End(Status::Unavailable("store is closed"), false);
}

size_t WatchHub::watcher_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& w : watchers_) n += w->Ended() ? 0 : 1;
  return n;
}

}  // namespace skiff::storage
