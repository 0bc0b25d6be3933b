// SkiffServerChild: a real `skiff server` process for the out-of-process
// benchmarks, on a loopback port with a data dir of its own (a fresh temp dir,
// or a given one that outlives it), with RestClients built from the kubeconfig
// it writes and its /metrics read back as figures.
//
// The binary is $SKIFF_BIN_DIR/skiff, else `skiff` next to this program.
// Not thread-safe, except Connector()'s function, which any thread may call.
// The server is killed (SIGKILL) on scope exit unless stopped before.
#pragma once

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "bench/bench_drive.h"
#include "bench/bench_process.h"
#include "client/kubeconfig.h"
#include "client/rest_client.h"

namespace skiff::bench {

inline std::string SkiffServerBinary() {
  if (const char* dir = std::getenv("SKIFF_BIN_DIR")) return std::string(dir) + "/skiff";
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "skiff").string();
}

// The cumulative request-duration histogram of one verb and resource, as /metrics shows it.
struct ServerHistogram {
  std::vector<std::pair<double, double>> buckets;  // (le seconds, cumulative count); +Inf last
  double sum = 0, count = 0;

  ServerHistogram Since(const ServerHistogram& before) const {
    ServerHistogram d = *this;
    d.sum -= before.sum;
    d.count -= before.count;
    for (size_t i = 0; i < d.buckets.size() && i < before.buckets.size(); ++i) d.buckets[i].second -= before.buckets[i].second;
    return d;
  }
  // "mean 4.10 ms over 10 requests, p50 <= 5 ms, p99 <= 10 ms (bucket bounds)"
  std::string Describe() const {
    if (count <= 0) return "no requests recorded";
    auto bound = [this](double q) {
      for (const auto& [le, n] : buckets) {
        if (n >= q * count) return std::isinf(le) ? std::string("+Inf") : FormatMs(le * 1e3);
      }
      return std::string("?");
    };
    return "mean " + FormatMs(sum / count * 1e3) + " ms over " + std::to_string(static_cast<long>(count)) +
           " requests, p50 <= " + bound(0.5) + " ms, p99 <= " + bound(0.99) + " ms (bucket bounds)";
  }

 private:
  static std::string FormatMs(double ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, ms < 10 ? "%.2f" : "%.1f", ms);
    return buf;
  }
};

class SkiffServerChild {
 public:
  // A fresh temp data dir under parent_dir when data_dir is empty.
  explicit SkiffServerChild(const std::string& parent_dir, std::string data_dir = "")
      : temp_(parent_dir), data_dir_(data_dir.empty() ? temp_.path() + "/data" : std::move(data_dir)) {}

  // Starts on a free port and waits for the "ready" line (30 s at most).
  Status Start() {
    SKIFF_RETURN_IF_ERROR(Spawn(0));
    Result<std::string> log = process_.WaitForLog("ready on https://127.0.0.1:", std::chrono::seconds(30));
    if (!log.ok()) return log.status();
    ready_line_ = ReadyLine(*log);
    port_ = std::atoi(ready_line_.c_str() + ready_line_.find("127.0.0.1:") + 10);
    return LoadConfig();
  }

  // For a data dir a server has used before: spawns on a free port and returns
  // the milliseconds from fork to the first 200 of GET /readyz (polled every ms).
  Result<double> StartAndTimeReadyz() {
    Result<client::Kubeconfig> old = client::LoadKubeconfig(data_dir_ + "/kubeconfig");
    if (!old.ok()) return old.status();
    int port = FreeLoopbackPort();
    client::Kubeconfig probe_config = *old;
    probe_config.server = "https://127.0.0.1:" + std::to_string(port);
    client::RestOptions quick;
    quick.timeout = std::chrono::seconds(2);
    Result<std::unique_ptr<client::RestClient>> probe = client::RestClient::New(probe_config, quick);
    if (!probe.ok()) return probe.status();
    SKIFF_RETURN_IF_ERROR(Spawn(port));
    ready_line_seen_ms_ = -1;
    while (MillisSince(process_.started()) < 30000) {
      if (ready_line_seen_ms_ < 0 && ReadWholeFile(log_).find("ready on") != std::string::npos) {
        ready_line_seen_ms_ = MillisSince(process_.started());
      }
      if ((*probe)->Get("/readyz").ok()) {
        double ms = MillisSince(process_.started());
        if (ready_line_seen_ms_ < 0) ready_line_seen_ms_ = ms;  // printed since the last look
        Result<std::string> log = process_.WaitForLog("ready on", std::chrono::seconds(5));
        if (log.ok()) ready_line_ = ReadyLine(*log);
        port_ = port;
        SKIFF_RETURN_IF_ERROR(LoadConfig());
        return ms;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return Status::Unavailable("skiff server did not answer /readyz within 30 s; log:\n" + ReadWholeFile(log_));
  }

  // When StartAndTimeReadyz first saw the ready line in the log (ms after fork), or -1.
  double ReadyLineSeenMillis() const { return ready_line_seen_ms_; }

  // The "(..., N ms)" the server printed in its ready line, or -1.
  double LoggedReadyMillis() const {
    size_t ms = ready_line_.rfind(" ms)");
    size_t comma = ready_line_.rfind(", ", ms);
    if (ms == std::string::npos || comma == std::string::npos) return -1;
    return std::atof(ready_line_.c_str() + comma + 2);
  }

  // Makes keep-alive clients authenticated as the admin of this server.
  Connect Connector(client::RestOptions options = {}) const {
    client::Kubeconfig config = config_;
    return [config, options] { return client::RestClient::New(config, options); };
  }

  ServerHistogram RequestHistogram(const std::string& verb, const std::string& resource) const {
    ServerHistogram h;
    std::string text = Metrics();
    std::istringstream lines(text);
    const std::string want_verb = "verb=\"" + verb + "\"", want_resource = "resource=\"" + resource + "\"";
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("skiff_apiserver_request_duration_seconds", 0) != 0 ||
          line.find(want_verb) == std::string::npos || line.find(want_resource) == std::string::npos) {
        continue;
      }
      double value = std::atof(line.c_str() + line.rfind(' ') + 1);
      if (line.find("_bucket{") != std::string::npos) {
        size_t le = line.find("le=\"") + 4;
        std::string bound = line.substr(le, line.find('"', le) - le);
        h.buckets.emplace_back(bound == "+Inf" ? HUGE_VAL : std::atof(bound.c_str()), value);
      } else if (line.find("_sum{") != std::string::npos) {
        h.sum = value;
      } else if (line.find("_count{") != std::string::npos) {
        h.count = value;
      }
    }
    return h;
  }

  ChildProcess& process() { return process_; }
  const client::Kubeconfig& config() const { return config_; }

 private:
  Status Spawn(int port) {
    log_ = temp_.path() + "/server-" + std::to_string(spawns_++) + ".log";
    return process_.Start({SkiffServerBinary(), "server", "--data-dir", data_dir_, "--listen",
                           "127.0.0.1:" + std::to_string(port)},
                          log_);
  }

  static std::string ReadyLine(const std::string& log) {
    size_t at = log.find("ready on");
    size_t start = log.rfind('\n', at);
    start = start == std::string::npos ? 0 : start + 1;
    return log.substr(start, log.find('\n', at) - start);
  }

  Status LoadConfig() {
    Result<client::Kubeconfig> k = client::LoadKubeconfig(data_dir_ + "/kubeconfig");
    if (!k.ok()) return k.status();
    config_ = *k;
    config_.server = "https://127.0.0.1:" + std::to_string(port_);
    return Status::Ok();
  }

  std::string Metrics(std::chrono::seconds timeout = std::chrono::seconds(30)) const {
    client::RestOptions options;
    options.timeout = timeout;
    Result<std::unique_ptr<client::RestClient>> c = client::RestClient::New(config_, options);
    if (!c.ok()) return "";
    Result<client::Response> r = (*c)->Get("/metrics");
    return r.ok() ? r->body : "";
  }

  ScopedTempDir temp_;
  std::string data_dir_;
  std::string log_;
  int spawns_ = 0;
  ChildProcess process_;
  int port_ = 0;
  std::string ready_line_;
  double ready_line_seen_ms_ = -1;
  client::Kubeconfig config_;
};

}  // namespace skiff::bench
