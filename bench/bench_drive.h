// Load drivers for the out-of-process HTTP benchmark: N threads, one keep-alive
// RestClient each, running an operation for a time or for a count, with the
// latency of every call, the throughput and the CPU time spent by this process
// and by the server while it ran.
//
// An operation returns a Status; the first failure stops the run and is kept in
// Figures::error (a benchmark reports, it does not abort half-way silently).
#pragma once

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "client/rest_client.h"

namespace skiff::bench {

using SteadyClock = std::chrono::steady_clock;

inline double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(i), v.end());
  return v[i];
}

inline double Median(std::vector<double> v) { return Percentile(std::move(v), 0.5); }

inline double MillisSince(SteadyClock::time_point t) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - t).count();
}

// User + system CPU seconds of this process so far.
inline double SelfCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Figures {
  int64_t count = 0;
  double seconds = 0;
  double per_second = 0;
  double p50_ms = 0, p99_ms = 0;
  double bench_cpu_s = 0, server_cpu_s = 0;
  std::string error;  // the first failure, empty when none
};

// CPU used by this process and by another (through a callback reading /proc)
// between construction and Finish.
class CpuMeter {
 public:
  explicit CpuMeter(std::function<double()> server_cpu) : server_cpu_(std::move(server_cpu)) {
    self0_ = SelfCpuSeconds();
    server0_ = server_cpu_ ? server_cpu_() : 0;
  }
  void Finish(Figures& f) const {
    f.bench_cpu_s = SelfCpuSeconds() - self0_;
    f.server_cpu_s = server_cpu_ ? server_cpu_() - server0_ : 0;
  }

 private:
  std::function<double()> server_cpu_;
  double self0_ = 0, server0_ = 0;
};

using Connect = std::function<Result<std::unique_ptr<client::RestClient>>()>;
// op(client, connection index, n-th call of that connection)
using Operation = std::function<Status(client::RestClient&, int, int64_t)>;

// One request on a new connection, so the handshake is not timed.
inline Status Warm(client::RestClient& c) {
  Result<client::Response> r = c.Get("/readyz");
  return r.ok() ? Status::Ok() : r.status();
}

// Runs `connections` threads calling op until `seconds` pass (seconds > 0) or
// until `total` calls were made across all threads (total > 0). Each client is
// connected and warmed (GET /readyz) before the clock starts. Client is
// client::RestClient or any type with a Warm overload.
template <typename Client>
Figures DriveWith(int connections, double seconds, int64_t total,
                  const std::function<Result<std::unique_ptr<Client>>()>& connect,
                  const std::function<Status(Client&, int, int64_t)>& op, const std::function<double()>& server_cpu) {
  std::vector<std::vector<double>> latencies(static_cast<size_t>(connections));
  std::vector<std::unique_ptr<Client>> clients;
  Figures f;
  for (int c = 0; c < connections; ++c) {
    Result<std::unique_ptr<Client>> rc = connect();
    if (!rc.ok()) {
      f.error = rc.status().ToString();
      return f;
    }
    if (Status warm = Warm(**rc); !warm.ok()) {
      f.error = warm.ToString();
      return f;
    }
    clients.push_back(std::move(*rc));
  }
  std::atomic<bool> go{false}, stop{false};
  std::atomic<int64_t> issued{0};
  std::mutex error_mu;
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      std::vector<double>& lat = latencies[static_cast<size_t>(c)];
      lat.reserve(1 << 14);
      while (!go.load()) std::this_thread::yield();
      for (int64_t n = 0; !stop.load(std::memory_order_relaxed); ++n) {
        if (total > 0 && issued.fetch_add(1) >= total) break;
        auto start = SteadyClock::now();
        Status s = op(*clients[static_cast<size_t>(c)], c, n);
        lat.push_back(MillisSince(start));
        if (!s.ok()) {
          std::lock_guard lock(error_mu);
          if (f.error.empty()) f.error = s.ToString();
          stop = true;
        }
      }
    });
  }
  CpuMeter cpu(server_cpu);
  auto start = SteadyClock::now();
  go = true;
  if (seconds > 0) {
    while (!stop.load() && MillisSince(start) < seconds * 1e3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    stop = true;
  }
  for (std::thread& t : threads) t.join();
  f.seconds = MillisSince(start) / 1e3;
  cpu.Finish(f);
  std::vector<double> all;
  for (const std::vector<double>& l : latencies) all.insert(all.end(), l.begin(), l.end());
  f.count = static_cast<int64_t>(all.size());
  f.per_second = static_cast<double>(all.size()) / f.seconds;
  f.p50_ms = Percentile(all, 0.50);
  f.p99_ms = Percentile(all, 0.99);
  return f;
}

inline Figures Drive(int connections, double seconds, int64_t total, const Connect& connect, const Operation& op,
                     const std::function<double()>& server_cpu) {
  return DriveWith<client::RestClient>(connections, seconds, total, connect, op, server_cpu);
}

}  // namespace skiff::bench
