#include "apiserver/elastic_task_queue.h"

namespace skiff::apiserver {

ElasticTaskQueue::ElasticTaskQueue(size_t min_threads, size_t max_threads, std::chrono::milliseconds idle_timeout)
    : min_threads_(min_threads), max_threads_(std::max(max_threads, min_threads)), idle_timeout_(idle_timeout) {}

ElasticTaskQueue::~ElasticTaskQueue() { shutdown(); }

void ElasticTaskQueue::enqueue(std::function<void()> fn) {
  std::unique_lock lock(mu_);
  jobs_.push_back(std::move(fn));
  // Threads are detached and counted: each one ends itself when idle too long
  // or at shutdown, and shutdown waits for the count to reach zero.
  if (idle_ < jobs_.size() && threads_ < max_threads_ && !shutdown_) {
    ++threads_;
    std::thread([this] { Work(); }).detach();
  }
  lock.unlock();
  work_ready_.notify_one();
}

void ElasticTaskQueue::Work() {
  std::unique_lock lock(mu_);
  while (true) {
    ++idle_;
    bool woke = work_ready_.wait_for(lock, idle_timeout_, [&] { return !jobs_.empty() || shutdown_; });
    --idle_;
    if (jobs_.empty() && (shutdown_ || (!woke && threads_ > min_threads_))) break;
    if (jobs_.empty()) continue;
    std::function<void()> fn = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    fn();
    lock.lock();
  }
  if (--threads_ == 0) all_done_.notify_all();
}

void ElasticTaskQueue::shutdown() {
  std::unique_lock lock(mu_);
  shutdown_ = true;
  work_ready_.notify_all();
  all_done_.wait(lock, [&] { return threads_ == 0; });
}

size_t ElasticTaskQueue::thread_count() const {
  std::lock_guard lock(mu_);
  return threads_;
}

}  // namespace skiff::apiserver
