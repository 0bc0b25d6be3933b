#include "apiserver/metrics.h"

#include <cstdio>

#include "apiserver/storage/sqlite_storage.h"

namespace skiff::apiserver {
namespace {

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string Labels(const std::string& verb, const std::string& resource) {
  return "verb=\"" + verb + "\",resource=\"" + resource + "\"";
}

}  // namespace

void ApiMetrics::ObserveRequest(const std::string& verb, const std::string& resource, int code, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{verb, resource, code}];
  Histogram& h = durations_[{verb, resource}];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

std::string ApiMetrics::Render() const {
  std::string out;
  out += "# HELP skiff_apiserver_requests_total Requests served, by verb, resource and HTTP code.\n";
  out += "# TYPE skiff_apiserver_requests_total counter\n";
  std::lock_guard lock(mu_);
  for (const auto& [key, n] : requests_) {
    const auto& [verb, resource, code] = key;
    out += "skiff_apiserver_requests_total{" + Labels(verb, resource) + ",code=\"" + std::to_string(code) + "\"} " +
           std::to_string(n) + "\n";
  }
  out += "# HELP skiff_apiserver_request_duration_seconds Time to answer a request (whole stream for watches).\n";
  out += "# TYPE skiff_apiserver_request_duration_seconds histogram\n";
  for (const auto& [key, h] : durations_) {
    std::string labels = Labels(key.first, key.second);
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      out += "skiff_apiserver_request_duration_seconds_bucket{" + labels + ",le=\"" + Number(kBuckets[i]) + "\"} " +
             std::to_string(h.buckets[i]) + "\n";
    }
    out += "skiff_apiserver_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " + std::to_string(h.count) + "\n";
    out += "skiff_apiserver_request_duration_seconds_sum{" + labels + "} " + Number(h.sum) + "\n";
    out += "skiff_apiserver_request_duration_seconds_count{" + labels + "} " + std::to_string(h.count) + "\n";
  }
  out += "# HELP skiff_apiserver_watches Open watch streams.\n";
  out += "# TYPE skiff_apiserver_watches gauge\n";
  out += "skiff_apiserver_watches " + std::to_string(watches_.load()) + "\n";
  return out;
}

std::string RenderStoreMetrics(storage::Storage& store) {
  std::string out;
  auto metric = [&out](const char* name, const char* type, const char* help, const std::string& value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " + value + "\n";
  };
  metric("skiff_store_revision", "gauge", "Current revision of the store.", std::to_string(store.CurrentRevision()));
  auto* sqlite = dynamic_cast<storage::SqliteStorage*>(&store);
  if (!sqlite) return out;
  storage::SqliteStorage::Stats st = sqlite->stats();
  metric("skiff_store_commit_batches_total", "counter", "Group-commit transactions committed.", std::to_string(st.batches));
  metric("skiff_store_commit_writes_total", "counter", "Writes in committed batches (divide by batches for the mean batch size).",
         std::to_string(st.writes_committed));
  out += "# HELP skiff_store_commit_duration_seconds Time from BEGIN to the end of COMMIT, fsync included.\n"
         "# TYPE skiff_store_commit_duration_seconds summary\n";
  out += "skiff_store_commit_duration_seconds_sum " + Number(st.commit_seconds) + "\n";
  out += "skiff_store_commit_duration_seconds_count " + std::to_string(st.batches) + "\n";
  metric("skiff_store_wal_pages", "gauge", "WAL size in pages after the last commit.", std::to_string(st.wal_pages));
  metric("skiff_store_checkpoints_total", "counter", "Passive WAL checkpoints run in the background.",
         std::to_string(st.checkpoints));
  metric("skiff_store_read_busy_retries_total", "counter", "Read transactions retried internally on SQLITE_BUSY.",
         std::to_string(st.read_busy_retries));
  return out;
}

}  // namespace skiff::apiserver
