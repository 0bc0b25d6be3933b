// http_load_bench: an out-of-process load generator for `skiff server`.
//
// Starts the real server binary (found next to this program, or in
// $SKIFF_BIN_DIR) as a child process with a temp data dir on a free loopback
// port, and drives it over HTTPS with keep-alive RestClients (client/), one
// thread per connection, authenticated by the kubeconfig the server wrote:
//   create    durable ConfigMap creates/s at --connections for --seconds, p50/p99
//   latency   single-connection create latency p50/p99
//   get       GETs/s of one object at --connections
//   list      LIST of 1% of --pods pods by label (loaded at --connections), client
//             p50 and the server's own time from /metrics
//   watch     --watchers watch streams on one namespace's pods; a writer patches
//             at --watch-rate/s; latency from the write's acknowledgement to each
//             watcher's receipt, p50/p99
//   coldstart time from spawning the server on an existing small data dir to the
//             first 200 from /readyz, median of --cold-runs
//   rss       VmRSS of an idle server holding --rss-objects pods
//   etcd      the peer: etcd (Debian etcd-server) on loopback, puts through its JSON
//             gateway at --connections, in the same run
// Every row also shows the CPU seconds this load generator and the server used,
// since they share the machine's cores. Prints a table; asserts nothing.
//
// Usage: http_load_bench [--only=create,latency,get,list,watch,coldstart,rss,etcd]
//          [--seconds=5] [--connections=64] [--pods=100000] [--list-runs=10]
//          [--watchers=1000] [--watch-pods=10] [--watch-rate=20] [--cold-runs=7]
//          [--rss-objects=1000] [--dir=DIR] [--etcd-bin=etcd]
#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bench/bench_drive.h"
#include "bench/bench_process.h"
#include "bench/etcd_json_client.h"
#include "bench/http_watch_load.h"
#include "bench/raw_https_client.h"
#include "bench/skiff_server_child.h"
#include "client/kubeconfig.h"
#include "client/rest_client.h"

namespace skiff::bench {
namespace {

using nlohmann::json;

struct Flags {
  std::set<std::string> only = {"create", "latency", "get", "list", "watch", "coldstart", "rss", "etcd"};
  double seconds = 5;
  int connections = 64;
  int64_t pods = 100000;
  int list_runs = 10;
  int watchers = 1000;
  int watch_pods = 10;
  double watch_rate = 20;
  int cold_runs = 7;
  int64_t rss_objects = 1000;
  std::string dir;
  std::string etcd_bin = "etcd";
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "http_load_bench: %s\n", what.c_str());
  std::exit(1);
}

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    size_t eq = arg.find('=');
    std::string name = arg.substr(0, eq);
    std::string value = eq == std::string::npos ? (i + 1 < argc ? argv[++i] : "") : arg.substr(eq + 1);
    try {
      if (name == "--only") {
        std::set<std::string> known = f.only;
        f.only.clear();
        std::stringstream parts(value);
        for (std::string p; std::getline(parts, p, ',');) {
          if (!known.count(p)) Die("--only: unknown part \"" + p + "\"");
          f.only.insert(p);
        }
      } else if (name == "--seconds") {
        f.seconds = std::stod(value);
      } else if (name == "--connections") {
        f.connections = std::stoi(value);
      } else if (name == "--pods") {
        f.pods = std::stoll(value);
      } else if (name == "--list-runs") {
        f.list_runs = std::stoi(value);
      } else if (name == "--watchers") {
        f.watchers = std::stoi(value);
      } else if (name == "--watch-pods") {
        f.watch_pods = std::stoi(value);
      } else if (name == "--watch-rate") {
        f.watch_rate = std::stod(value);
      } else if (name == "--cold-runs") {
        f.cold_runs = std::stoi(value);
      } else if (name == "--rss-objects") {
        f.rss_objects = std::stoll(value);
      } else if (name == "--dir") {
        f.dir = value;
      } else if (name == "--etcd-bin") {
        f.etcd_bin = value;
      } else {
        Die("unknown flag " + name + " (see the comment at the top of bench/http_load_bench.cc)");
      }
    } catch (const std::exception&) {
      Die("bad value \"" + value + "\" for " + name);
    }
  }
  if (f.seconds <= 0 || f.connections < 1 || f.pods < 100 || f.watchers < 1 || f.watch_pods < 1 ||
      f.watch_rate <= 0 || f.cold_runs < 1 || f.list_runs < 1) {
    Die("flag values out of range");
  }
  return f;
}

// One row of the result table.
struct Row {
  std::string what;
  std::string value;  // with its unit
  double p50_ms = -1, p99_ms = -1;
  double bench_cpu_s = -1, server_cpu_s = -1;
  std::string target;
  std::string note;
};

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string OrDash(double v, int digits) { return v < 0 ? "-" : Fixed(v, digits); }

void PrintTable(const std::vector<Row>& rows) {
  std::printf("\n| %-50s | %-22s | %8s | %8s | %9s | %10s | %-12s |\n", "measurement", "result", "p50 ms", "p99 ms",
              "bench CPU", "server CPU", "target");
  std::printf("|%s|%s|%s|%s|%s|%s|%s|\n", std::string(52, '-').c_str(), std::string(24, '-').c_str(),
              std::string(10, '-').c_str(), std::string(10, '-').c_str(), std::string(11, '-').c_str(),
              std::string(12, '-').c_str(), std::string(14, '-').c_str());
  for (const Row& r : rows) {
    std::printf("| %-50s | %-22s | %8s | %8s | %9s | %10s | %-12s |\n", r.what.c_str(), r.value.c_str(),
                OrDash(r.p50_ms, 2).c_str(), OrDash(r.p99_ms, 2).c_str(),
                r.bench_cpu_s < 0 ? "-" : (Fixed(r.bench_cpu_s, 1) + " s").c_str(),
                r.server_cpu_s < 0 ? "-" : (Fixed(r.server_cpu_s, 1) + " s").c_str(), r.target.c_str());
  }
  bool notes = false;
  for (const Row& r : rows) {
    if (r.note.empty()) continue;
    if (!notes) std::printf("\nNotes:\n");
    notes = true;
    std::printf("- %s: %s\n", r.what.c_str(), r.note.c_str());
  }
}

Row RateRow(const std::string& what, const Figures& f, const std::string& unit, const std::string& target) {
  Row r{what, Fixed(f.per_second, 0) + " " + unit, f.p50_ms, f.p99_ms, f.bench_cpu_s, f.server_cpu_s, target, ""};
  if (!f.error.empty()) r.note = "stopped by an error after " + std::to_string(f.count) + " calls: " + f.error;
  return r;
}

std::string SmallConfigMap(const std::string& name) {
  return R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" + name +
         R"(","labels":{"app":"bench"}},"data":{"key":"a small value","other":"another small value"}})";
}

std::string SmallPod(const std::string& name, bool selected) {
  return R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":")" + name + R"(","labels":{"app":"bench","bench":")" +
         (selected ? "sel" : "other") +
         R"("}},"spec":{"containers":[{"name":"main","image":"busybox:1.36","command":["sleep","3600"]}]}})";
}

Status Expect201(const Result<client::Response>& r) { return r.ok() ? Status::Ok() : r.status(); }

// create, latency and get against one server.
void MeasureWrites(const Flags& f, SkiffServerChild& server, std::vector<Row>& rows) {
  auto cpu = [&server] { return server.process().CpuSeconds(); };
  const std::string path = "/api/v1/namespaces/default/configmaps";
  if (f.only.count("create")) {
    Figures fig = Drive(f.connections, f.seconds, 0, server.Connector(), [&](client::RestClient& c, int conn, int64_t n) {
      return Expect201(c.Post(path, SmallConfigMap("c" + std::to_string(conn) + "-" + std::to_string(n))));
    }, cpu);
    rows.push_back(RateRow("create ConfigMap, " + std::to_string(f.connections) + " connections", fig, "creates/s",
                           ">= 10,000/s"));
    // The same with the lean client (one TLS record per request, no header
    // maps): less of the 2 cores goes to the load generator.
    client::Kubeconfig config = server.config();
    std::function<Result<std::unique_ptr<RawHttpsClient>>()> raw_connect = [config] {
      return RawHttpsClient::Connect(config);
    };
    std::function<Status(RawHttpsClient&, int, int64_t)> raw_create = [&](RawHttpsClient& c, int conn, int64_t n) {
      Result<int> code = c.Request("POST", path, SmallConfigMap("r" + std::to_string(conn) + "-" + std::to_string(n)));
      if (!code.ok()) return code.status();
      return *code == 201 ? Status::Ok() : Status::Internal("create answered " + std::to_string(*code));
    };
    Figures raw = DriveWith<RawHttpsClient>(f.connections, f.seconds, 0, raw_connect, raw_create, cpu);
    rows.push_back(RateRow("create ConfigMap, " + std::to_string(f.connections) + " connections, lean client", raw,
                           "creates/s", ">= 10,000/s"));
  }
  if (f.only.count("latency")) {
    Figures fig = Drive(1, f.seconds, 0, server.Connector(), [&](client::RestClient& c, int, int64_t n) {
      return Expect201(c.Post(path, SmallConfigMap("single-" + std::to_string(n))));
    }, cpu);
    rows.push_back(RateRow("create ConfigMap, 1 connection", fig, "creates/s", "p50 <= 1 ms"));
  }
  if (f.only.count("get")) {
    Result<std::unique_ptr<client::RestClient>> c = server.Connector()();
    if (!c.ok()) Die(c.status().ToString());
    Result<client::Response> seeded = (*c)->Post(path, SmallConfigMap("get-target"));
    if (!seeded.ok() && seeded.status().code() != Code::kAlreadyExists) Die(seeded.status().ToString());
    Figures fig = Drive(f.connections, f.seconds, 0, server.Connector(), [&](client::RestClient& rc, int, int64_t) {
      Result<client::Response> r = rc.Get(path + "/get-target");
      return r.ok() ? Status::Ok() : r.status();
    }, cpu);
    rows.push_back(RateRow("get ConfigMap, " + std::to_string(f.connections) + " connections", fig, "gets/s", "-"));
  }
}

Status CreateNamespace(client::RestClient& c, const std::string& name) {
  Result<client::Response> r =
      c.Post("/api/v1/namespaces", R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":")" + name + R"("}})");
  return r.ok() || r.status().code() == Code::kAlreadyExists ? Status::Ok() : r.status();
}

// Loads `count` pods into namespace ns at f.connections; one in 100 carries bench=sel.
Figures LoadPods(const Flags& f, SkiffServerChild& server, const std::string& ns, int64_t count) {
  std::atomic<int64_t> next{0};
  return Drive(f.connections, 0, count, server.Connector(), [&](client::RestClient& c, int, int64_t) {
    int64_t i = next++;
    return Expect201(c.Post("/api/v1/namespaces/" + ns + "/pods", SmallPod("pod-" + std::to_string(i), i % 100 == 0)));
  }, [&server] { return server.process().CpuSeconds(); });
}

void MeasureList(const Flags& f, const std::string& parent, std::vector<Row>& rows) {
  SkiffServerChild server(parent);
  if (Status s = server.Start(); !s.ok()) Die(s.ToString());
  auto admin = server.Connector()();
  if (!admin.ok()) Die(admin.status().ToString());
  if (Status s = CreateNamespace(**admin, "bench"); !s.ok()) Die(s.ToString());
  Figures load = LoadPods(f, server, "bench", f.pods);
  rows.push_back(RateRow("load " + std::to_string(f.pods) + " pods, " + std::to_string(f.connections) + " connections",
                         load, "creates/s", "-"));
  if (!load.error.empty()) return;
  rows.back().note = "server VmRSS after the load: " + Fixed(server.process().RssMiB(), 0) + " MiB";

  const std::string list = "/api/v1/namespaces/bench/pods?labelSelector=bench%3Dsel";
  for (bool gzip : {true, false}) {
    client::RestOptions options;
    options.gzip = gzip;
    auto c = server.Connector(options)();
    if (!c.ok()) Die(c.status().ToString());
    if (!(*c)->Get("/readyz").ok()) Die("readyz");
    ServerHistogram before = server.RequestHistogram("list", "pods");
    std::vector<double> ms;
    size_t items = 0;
    CpuMeter cpu([&server] { return server.process().CpuSeconds(); });
    for (int run = 0; run < f.list_runs; ++run) {
      auto start = SteadyClock::now();
      Result<client::Response> r = (*c)->Get(list);
      ms.push_back(MillisSince(start));
      if (!r.ok()) Die("list: " + r.status().ToString());
      items = json::parse(r->body)["items"].size();
    }
    Figures fig;
    cpu.Finish(fig);
    ServerHistogram after = server.RequestHistogram("list", "pods");
    Row row{"LIST 1% of " + std::to_string(f.pods) + " pods by label" + (gzip ? " (gzip)" : " (identity)"),
            std::to_string(items) + " items",
            Median(ms),
            Percentile(ms, 0.99),
            fig.bench_cpu_s,
            fig.server_cpu_s,
            "<= 10 ms",
            ""};
    row.note = "client time of " + std::to_string(f.list_runs) + " runs; server time from /metrics: " +
               after.Since(before).Describe() + (gzip ? "; Accept-Encoding: gzip as kubectl sends" : "");
    rows.push_back(row);
  }
}

void MeasureColdStart(const Flags& f, const std::string& parent, std::vector<Row>& rows) {
  ScopedTempDir data(parent);
  const std::string data_dir = data.path() + "/data";
  {
    SkiffServerChild seed(parent, data_dir);
    if (Status s = seed.Start(); !s.ok()) Die(s.ToString());
    auto c = seed.Connector()();
    if (!c.ok()) Die(c.status().ToString());
    for (int i = 0; i < 100; ++i) {
      if (Status s = Expect201((*c)->Post("/api/v1/namespaces/default/configmaps", SmallConfigMap("cold-" + std::to_string(i))));
          !s.ok()) {
        Die(s.ToString());
      }
    }
    seed.process().Stop(SIGTERM);
  }
  std::vector<double> to_ready, self_reported, line_seen;
  for (int run = 0; run < f.cold_runs; ++run) {
    SkiffServerChild server(parent, data_dir);
    Result<double> ms = server.StartAndTimeReadyz();
    if (!ms.ok()) Die(ms.status().ToString());
    to_ready.push_back(*ms);
    if (double logged = server.LoggedReadyMillis(); logged >= 0) self_reported.push_back(logged);
    if (double seen = server.ReadyLineSeenMillis(); seen >= 0) line_seen.push_back(seen);
    server.process().Stop(SIGTERM);
  }
  std::string runs;
  for (double v : to_ready) runs += (runs.empty() ? "" : " / ") + Fixed(v, 1);
  Row row{"cold start to /readyz 200 (100 objects)", Fixed(Median(to_ready), 1) + " ms", -1, -1, -1, -1,
          "<= 100 ms", ""};
  row.note = "median of " + std::to_string(f.cold_runs) + " runs (" + runs + " ms), from fork to the first 200;" +
             " the server's \"ready\" line says " + Fixed(Median(self_reported), 0) +
             " ms from its start (median) and was in the log " + Fixed(Median(line_seen), 0) + " ms after fork";
  rows.push_back(row);
}

void MeasureRss(const Flags& f, const std::string& parent, std::vector<Row>& rows) {
  SkiffServerChild server(parent);
  if (Status s = server.Start(); !s.ok()) Die(s.ToString());
  auto admin = server.Connector()();
  if (!admin.ok()) Die(admin.status().ToString());
  if (Status s = CreateNamespace(**admin, "rss"); !s.ok()) Die(s.ToString());
  double empty_mib = server.process().RssMiB();
  Figures load = LoadPods(f, server, "rss", f.rss_objects);
  if (!load.error.empty()) Die(load.error);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  Row row{"idle server RSS, " + std::to_string(f.rss_objects) + " pods", Fixed(server.process().RssMiB(), 1) + " MiB",
          -1, -1, -1, -1, "<= 50 MB", ""};
  row.note = "VmRSS 2 s after the last create; " + Fixed(empty_mib, 1) + " MiB before the pods were created";
  rows.push_back(row);
}

void MeasureEtcd(const Flags& f, const std::string& parent, std::vector<Row>& rows) {
  ScopedTempDir dir(parent);
  int client_port = FreeLoopbackPort(), peer_port = FreeLoopbackPort();
  std::string client_url = "http://127.0.0.1:" + std::to_string(client_port);
  std::string peer_url = "http://127.0.0.1:" + std::to_string(peer_port);
  std::string bin = f.etcd_bin;
  if (bin.find('/') == std::string::npos) bin = "/usr/bin/" + bin;
  ChildProcess etcd;
  Status started = etcd.Start({bin, "--name", "bench", "--data-dir", dir.path() + "/etcd", "--listen-client-urls",
                               client_url, "--advertise-client-urls", client_url, "--listen-peer-urls", peer_url,
                               "--initial-advertise-peer-urls", peer_url, "--initial-cluster", "bench=" + peer_url},
                              dir.path() + "/etcd.log");
  if (!started.ok()) Die(started.ToString());
  const std::string endpoint = "127.0.0.1:" + std::to_string(client_port);
  Status probe = Status::Unavailable("etcd did not answer in 20 s");
  for (auto start = SteadyClock::now(); MillisSince(start) < 20000;) {
    EtcdJsonClient c;
    probe = c.Connect(endpoint);
    if (probe.ok()) probe = c.Put("/registry/probe", "probe");
    if (probe.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!probe.ok()) Die(probe.ToString() + "; log:\n" + ReadWholeFile(dir.path() + "/etcd.log"));

  const std::string value = SmallConfigMap("etcd-value");
  std::vector<std::unique_ptr<EtcdJsonClient>> conns;
  for (int c = 0; c < f.connections; ++c) {
    conns.push_back(std::make_unique<EtcdJsonClient>());
    if (Status s = conns.back()->Connect(endpoint); !s.ok()) Die(s.ToString());
  }
  // Drive wants RestClients for its warm-up; etcd gets the same loop by hand.
  std::vector<std::vector<double>> latencies(conns.size());
  std::atomic<bool> go{false}, stop{false};
  std::string error;
  std::mutex error_mu;
  std::vector<std::thread> threads;
  for (size_t c = 0; c < conns.size(); ++c) {
    threads.emplace_back([&, c] {
      while (!go.load()) std::this_thread::yield();
      for (int64_t n = 0; !stop.load(std::memory_order_relaxed); ++n) {
        auto start = SteadyClock::now();
        Status s = conns[c]->Put("/registry/configmaps/bench/c" + std::to_string(c) + "-" + std::to_string(n), value);
        latencies[c].push_back(MillisSince(start));
        if (!s.ok()) {
          std::lock_guard lock(error_mu);
          if (error.empty()) error = s.ToString();
          stop = true;
        }
      }
    });
  }
  CpuMeter cpu([&etcd] { return etcd.CpuSeconds(); });
  auto start = SteadyClock::now();
  go = true;
  while (!stop.load() && MillisSince(start) < f.seconds * 1e3) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  stop = true;
  for (std::thread& t : threads) t.join();
  Figures fig;
  fig.seconds = MillisSince(start) / 1e3;
  cpu.Finish(fig);
  std::vector<double> all;
  for (const std::vector<double>& l : latencies) all.insert(all.end(), l.begin(), l.end());
  fig.count = static_cast<int64_t>(all.size());
  fig.per_second = static_cast<double>(all.size()) / fig.seconds;
  fig.p50_ms = Percentile(all, 0.5);
  fig.p99_ms = Percentile(all, 0.99);
  fig.error = error;
  Row row = RateRow("etcd put (JSON gateway), " + std::to_string(f.connections) + " connections (peer)", fig, "puts/s",
                    "-");
  if (row.note.empty()) row.note = "server CPU is etcd's; plain HTTP, no TLS; same value as the ConfigMap creates";
  rows.push_back(row);
}

Row WatchRow(const WatchFigures& w) {
  bool measured = w.delivered > 0;
  Row row{"watch delivery, " + std::to_string(w.requested) + " watchers",
          measured ? std::to_string(w.delivered) + "/" + std::to_string(w.expected) + " events" : "not measured",
          measured ? w.p50_ms : -1, measured ? w.p99_ms : -1, w.bench_cpu_s, w.server_cpu_s, "p99 <= 50 ms", ""};
  row.note = std::to_string(w.opened) + " streams open after " + Fixed(w.open_seconds, 1) + " s; " +
             std::to_string(w.writes) + " writes at " + Fixed(w.achieved_rate, 0) + "/s; max " + Fixed(w.max_ms, 1) +
             " ms; " + std::to_string(w.before_ack) + " events arrived before their write's acknowledgement (counted as 0)";
  if (!w.error.empty()) row.note += "; " + w.error;
  return row;
}

void RaiseFileLimit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);  // the server child inherits it
  }
}

int Main(int argc, char** argv) {
  Flags f = ParseFlags(argc, argv);
  RaiseFileLimit();
  signal(SIGPIPE, SIG_IGN);  // a write on a connection the server closed is an error, not death
  std::string parts;
  for (const std::string& p : f.only) parts += (parts.empty() ? "" : ",") + p;
  std::printf("http_load_bench: skiff server %s as a child process, HTTPS on loopback, %u cores, parts %s\n",
              SkiffServerBinary().c_str(), std::thread::hardware_concurrency(), parts.c_str());
  std::fflush(stdout);
  std::vector<Row> rows;
  if (f.only.count("create") || f.only.count("latency") || f.only.count("get") || f.only.count("watch")) {
    SkiffServerChild server(f.dir);
    if (Status s = server.Start(); !s.ok()) Die(s.ToString());
    MeasureWrites(f, server, rows);
    if (f.only.count("watch")) {
      rows.push_back(WatchRow(MeasureWatch({f.watchers, f.watch_pods, f.watch_rate, f.seconds}, server)));
    }
  }
  if (f.only.count("list")) MeasureList(f, f.dir, rows);
  if (f.only.count("coldstart")) MeasureColdStart(f, f.dir, rows);
  if (f.only.count("rss")) MeasureRss(f, f.dir, rows);
  if (f.only.count("etcd")) MeasureEtcd(f, f.dir, rows);
  PrintTable(rows);
  std::printf("\nbench CPU / server CPU: CPU seconds used by this load generator and by the server (or etcd)\n"
              "during the measurement; both share the machine's %u cores.\n",
              std::thread::hardware_concurrency());
  return 0;
}

}  // namespace
}  // namespace skiff::bench

int main(int argc, char** argv) { return skiff::bench::Main(argc, argv); }
