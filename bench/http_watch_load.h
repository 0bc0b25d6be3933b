// Watch fan-out under load: many watch streams on the pods of one namespace,
// one writer patching those pods at a steady rate, and the time from each
// write's acknowledgement (the writer got its 200) to each watcher's receipt of
// the event carrying that resourceVersion.
//
// One thread and one keep-alive RestClient per watcher, blocked in Watch: a
// watcher costs a thread stack and a TLS context here, which is cheap next to
// the server's side. The file-descriptor limit must already be raised.
// A stream is open when the server has answered its request (status line and
// headers). Streams the server does not answer within 3 s of the last one that
// opened (it may serve fewer watches than asked) are counted and cancelled, not
// waited for: the figures cover the streams that opened.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_drive.h"
#include "bench/skiff_server_child.h"

namespace skiff::bench {

struct WatchLoadOptions {
  int watchers = 1000;
  int pods = 10;        // objects in the watched namespace; the writer cycles through them
  double rate = 20;     // writes per second
  double seconds = 5;   // how long the writer writes
};

struct WatchFigures {
  int requested = 0, opened = 0;  // watch streams asked for / answered by the server
  double open_seconds = 0;        // time until `opened` streams were open
  int64_t writes = 0;
  int64_t expected = 0, delivered = 0;  // events: opened × writes, and received
  int64_t before_ack = 0;               // events that arrived before the writer's acknowledgement
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  double achieved_rate = 0;  // writes/s the writer managed
  double bench_cpu_s = 0, server_cpu_s = 0;
  std::string error;
};

namespace watch_detail {

inline constexpr size_t kOpenBatch = 4;  // watch streams opened at a time (below a listen backlog of 5)
inline constexpr int kWriters = 8;        // writer connections

// The first "resourceVersion":"N" of an event line (the object's own), or -1.
inline int64_t ResourceVersionOf(std::string_view line) {
  static constexpr std::string_view kKey = "\"resourceVersion\":\"";
  size_t at = line.find(kKey);
  if (at == std::string_view::npos) return -1;
  int64_t rv = 0;
  for (size_t i = at + kKey.size(); i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i) rv = rv * 10 + (line[i] - '0');
  return rv;
}

struct Watcher {
  std::unique_ptr<client::RestClient> client;
  std::vector<std::pair<int64_t, SteadyClock::time_point>> received;  // (resourceVersion, when)
  std::atomic<bool> open{false};  // the server answered the watch request
  std::atomic<bool> done{false};
  Status status;
};

}  // namespace watch_detail

inline WatchFigures MeasureWatch(const WatchLoadOptions& o, SkiffServerChild& server) {
  using watch_detail::kOpenBatch;
  using watch_detail::kWriters;
  using watch_detail::Watcher;
  WatchFigures fig;
  fig.requested = o.watchers;
  const std::string ns = "watch-bench";
  const std::string pods = "/api/v1/namespaces/" + ns + "/pods";
  client::RestOptions writer_options;
  writer_options.timeout = std::chrono::seconds(10);
  Result<std::unique_ptr<client::RestClient>> admin = server.Connector()();
  if (!admin.ok()) return fig.error = admin.status().ToString(), fig;
  client::RestClient& w = **admin;
  Result<client::Response> created =
      w.Post("/api/v1/namespaces", R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":")" + ns + R"("}})");
  if (!created.ok()) return fig.error = created.status().ToString(), fig;
  for (int i = 0; i < o.pods; ++i) {
    Result<client::Response> pod = w.Post(pods, R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"w)" +
                                                    std::to_string(i) +
                                                    R"("},"spec":{"containers":[{"name":"c","image":"busybox"}]}})");
    if (!pod.ok()) return fig.error = pod.status().ToString(), fig;
  }
  Result<client::Response> listed = w.Get(pods);
  if (!listed.ok()) return fig.error = listed.status().ToString(), fig;
  std::string rv = nlohmann::json::parse(listed->body)["metadata"]["resourceVersion"];

  // A stream counts as open when the server has answered it (status line and
  // headers); counting needs nothing from the server.
  std::vector<std::unique_ptr<Watcher>> watchers;
  std::atomic<int64_t> delivered{0};
  std::atomic<int> opened{0};
  std::atomic<bool> stopping{false};
  std::vector<std::thread> threads;
  Connect connect = server.Connector();
  for (int i = 0; i < o.watchers; ++i) {
    auto watcher = std::make_unique<Watcher>();
    Result<std::unique_ptr<client::RestClient>> c = connect();
    if (!c.ok()) return fig.error = c.status().ToString(), fig;
    watcher->client = std::move(*c);
    watcher->received.reserve(static_cast<size_t>(o.rate * o.seconds) + 16);
    watchers.push_back(std::move(watcher));
  }
  // Streams open in batches, each waited for: a real fleet of watchers connects
  // over time, and a storm of simultaneous connects would measure the listen
  // backlog rather than watch delivery. A batch that stalls for 10 s ends the
  // opening; its unanswered requests are cancelled.
  auto open_start = SteadyClock::now();
  for (size_t first = 0; first < watchers.size() && fig.error.empty(); first += kOpenBatch) {
    size_t end = std::min(watchers.size(), first + kOpenBatch);
    for (size_t i = first; i < end; ++i) {
      Watcher* watcher = watchers[i].get();
      threads.emplace_back([watcher, &pods, &rv, &delivered, &opened, &stopping] {
        if (!stopping) {
          watcher->status = watcher->client->Watch(
              pods + "?watch=true&resourceVersion=" + rv,
              [&](std::string_view line) {
                watcher->received.emplace_back(watch_detail::ResourceVersionOf(line), SteadyClock::now());
                delivered.fetch_add(1, std::memory_order_relaxed);
                return true;
              },
              std::chrono::seconds(300),
              [&] {
                watcher->open = true;
                ++opened;
              });
        }
        watcher->done = true;
      });
    }
    auto last_growth = SteadyClock::now();
    for (int seen = opened.load(); seen < static_cast<int>(end);) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      if (opened.load() > seen) {
        seen = opened.load();
        last_growth = SteadyClock::now();
      } else if (MillisSince(last_growth) > 10000) {
        fig.error = "the server answered " + std::to_string(seen) + " of " + std::to_string(end) +
                    " watch requests and no more for 10 s; the rest were cancelled";
        break;
      }
    }
  }
  fig.open_seconds = MillisSince(open_start) / 1e3;
  fig.opened = opened.load();
  for (auto& wp : watchers) {
    if (!wp->open) wp->client->Cancel();  // frees the server of their queued connections
  }

  // The writers: merge patches on a steady schedule (write i at start + i/rate),
  // spread over kWriters connections so that one slow write does not delay the
  // next; acknowledgement time by resourceVersion.
  std::vector<std::unique_ptr<client::RestClient>> writers;
  for (int i = 0; i < kWriters; ++i) {
    Result<std::unique_ptr<client::RestClient>> c = server.Connector(writer_options)();
    if (!c.ok()) return fig.error = c.status().ToString(), fig;
    writers.push_back(std::move(*c));
  }
  std::map<int64_t, SteadyClock::time_point> acked;
  std::mutex acked_mu;
  std::string writer_error;
  CpuMeter cpu([&server] { return server.process().CpuSeconds(); });
  int64_t total = fig.opened > 0 ? static_cast<int64_t>(o.rate * o.seconds) : 0;
  auto start = SteadyClock::now();
  std::vector<std::thread> writer_threads;
  for (int t = 0; t < kWriters; ++t) {
    writer_threads.emplace_back([&, t] {
      for (int64_t i = t; i < total; i += kWriters) {
        std::this_thread::sleep_until(start + std::chrono::duration_cast<SteadyClock::duration>(
                                                  std::chrono::duration<double>(static_cast<double>(i) / o.rate)));
        Result<client::Response> r = writers[static_cast<size_t>(t)]->Patch(
            pods + "/w" + std::to_string(i % o.pods),
            R"({"metadata":{"annotations":{"bench-seq":")" + std::to_string(i) + R"("}}})",
            "application/merge-patch+json");
        auto ack = SteadyClock::now();
        std::lock_guard lock(acked_mu);
        if (!r.ok()) {
          if (writer_error.empty()) writer_error = "writer: " + r.status().ToString();
          return;
        }
        acked[watch_detail::ResourceVersionOf(r->body)] = ack;
      }
    });
  }
  for (std::thread& t : writer_threads) t.join();
  if (!writer_error.empty()) fig.error += (fig.error.empty() ? "" : "; ") + writer_error;
  fig.writes = static_cast<int64_t>(acked.size());
  fig.achieved_rate = static_cast<double>(fig.writes) / (MillisSince(start) / 1e3);
  fig.expected = fig.writes * fig.opened;
  for (auto wait = SteadyClock::now(); delivered.load() < fig.expected && MillisSince(wait) < 5000;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Figures cpu_figures;
  cpu.Finish(cpu_figures);
  fig.bench_cpu_s = cpu_figures.bench_cpu_s;
  fig.server_cpu_s = cpu_figures.server_cpu_s;

  stopping = true;
  for (bool all_done = false; !all_done;) {
    all_done = true;
    for (auto& wp : watchers) {
      if (wp->done) continue;
      all_done = false;
      wp->client->Cancel();
    }
    if (!all_done) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  for (std::thread& t : threads) t.join();

  std::vector<double> latencies;
  for (auto& wp : watchers) {
    for (const auto& [event_rv, when] : wp->received) {
      auto it = acked.find(event_rv);
      if (it == acked.end()) continue;
      double ms = std::chrono::duration<double, std::milli>(when - it->second).count();
      if (ms < 0) ++fig.before_ack;
      latencies.push_back(std::max(0.0, ms));
    }
  }
  fig.delivered = static_cast<int64_t>(latencies.size());
  fig.p50_ms = Percentile(latencies, 0.5);
  fig.p99_ms = Percentile(latencies, 0.99);
  fig.max_ms = Percentile(latencies, 1.0);
  return fig;
}

}  // namespace skiff::bench
