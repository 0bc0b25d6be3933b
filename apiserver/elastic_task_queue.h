// ElasticTaskQueue: a pool whose threads come and go with the work.
//
// The API server runs each request on one of these threads (a watch holds its
// thread for its whole life; connections waiting between requests hold none,
// see connection_server.h). A fixed pool of N threads would cap concurrent
// watches at N, so this queue starts a thread whenever work arrives and none is
// idle (up to max_threads; beyond that work waits for a free thread), and lets
// a thread end after idle_timeout without work, keeping min_threads. So
// thousands of watches cost thousands of mostly-sleeping threads, and an idle
// server holds only min_threads.
//
// Thread-safe. shutdown() runs the queued tasks, then joins every thread.
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace skiff::apiserver {

class ElasticTaskQueue : public httplib::TaskQueue {
 public:
  ElasticTaskQueue(size_t min_threads, size_t max_threads,
                   std::chrono::milliseconds idle_timeout = std::chrono::seconds(30));
  ~ElasticTaskQueue() override;

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

  size_t thread_count() const;

 private:
  void Work();

  const size_t min_threads_;
  const size_t max_threads_;
  const std::chrono::milliseconds idle_timeout_;
  mutable std::mutex mu_;
  std::condition_variable work_ready_;
  std::condition_variable all_done_;
  std::deque<std::function<void()>> jobs_;
  size_t threads_ = 0;  // running Work loops
  size_t idle_ = 0;     // of which waiting for work
  bool shutdown_ = false;
};

}  // namespace skiff::apiserver
