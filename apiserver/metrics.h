// ApiMetrics: the API server's Prometheus metrics, rendered in the text format
// (version 0.0.4) on /metrics.
//
//   skiff_apiserver_requests_total{verb,resource,code}            counter
//   skiff_apiserver_request_duration_seconds{verb,resource}       histogram
//   skiff_apiserver_watches                                       gauge (open watch streams)
// plus whatever the store reports (ServerOptions::store_metrics).
// Thread-safe; observing costs one mutex acquisition.
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "apiserver/storage/storage.h"

namespace skiff::apiserver {

class ApiMetrics {
 public:
  static constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,    0.25,  0.5,    1,     2.5,  5,    10};

  void ObserveRequest(const std::string& verb, const std::string& resource, int code, double seconds);
  void WatchOpened() { ++watches_; }
  void WatchClosed() { --watches_; }
  std::string Render() const;

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  std::map<std::pair<std::string, std::string>, Histogram> durations_;
  std::atomic<int64_t> watches_{0};
};

// The store's figures as Prometheus text: revision, and for SQLite the commit
// batches, writes and time (mean batch size and commit latency follow), WAL and
// checkpoint counts, and busy retries.
std::string RenderStoreMetrics(storage::Storage& store);

}  // namespace skiff::apiserver
