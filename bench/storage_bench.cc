// storage_bench: durable write throughput and latency of the SQLite store, the
// raw SQLite floor under the same pragmas, and List of 100,000 objects.
// Prints a table; asserts nothing. See bench/README.md and docs/benchmarks.md.
//
// Usage: storage_bench [--seconds S] [--runs R] [--threads 1,16,64]
//                      [--list-objects N] [--value-bytes B] [--dir DIR] [--no-list]
//                      [--etcd HOST:PORT] [--etcd-clients N]
//
// With --etcd, puts of the same values to an etcd server through its gRPC-gateway
// JSON API (POST /v3/kv/put, one keep-alive connection per client) are measured
// in the same rotation, as the peer. Start etcd yourself (loopback, temp dir).
//
// Every measurement uses a fresh database in a temporary directory under --dir
// (default: $TMPDIR or /tmp), removed afterwards. The measurements are repeated
// --runs times, the order rotated each run so that drift (page cache, disk)
// shows up as spread rather than as a bias; the table prints every run and the
// median.
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "apiserver/storage/factory.h"
#include "bench/etcd_json_client.h"

#if __has_include("api/labels/label_selector.h")
#include <nlohmann/json.hpp>

#include "api/labels/label_selector.h"
#define SKIFF_BENCH_HAVE_LABEL_SELECTOR 1
#else
#define SKIFF_BENCH_HAVE_LABEL_SELECTOR 0
#endif

namespace skiff::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using storage::KeyValue;
using storage::Storage;

struct Flags {
  double seconds = 3;
  int runs = 3;
  std::vector<int> threads = {1, 16, 64};
  int list_objects = 100000;
  size_t value_bytes = 1536;
  std::string dir;
  bool list = true;
  std::string etcd;  // host:port; empty = no etcd peer
  int etcd_clients = 64;
};

[[noreturn]] void Die(const std::string& message) {
  std::cerr << "storage_bench: " << message << "\n";
  std::exit(1);
}

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    const std::string name = argv[i];
    if (name == "--no-list") {
      f.list = false;
      continue;
    }
    if (i + 1 >= argc) Die("missing value for " + name);
    const std::string v = argv[++i];
    if (name == "--seconds") {
      f.seconds = std::stod(v);
    } else if (name == "--runs") {
      f.runs = std::stoi(v);
    } else if (name == "--threads") {
      f.threads.clear();
      std::stringstream in(v);
      std::string part;
      while (std::getline(in, part, ',')) f.threads.push_back(std::stoi(part));
    } else if (name == "--list-objects") {
      f.list_objects = std::stoi(v);
    } else if (name == "--value-bytes") {
      f.value_bytes = std::stoul(v);
    } else if (name == "--dir") {
      f.dir = v;
    } else if (name == "--etcd") {
      f.etcd = v;
    } else if (name == "--etcd-clients") {
      f.etcd_clients = std::stoi(v);
    } else {
      Die("unknown flag " + name);
    }
  }
  if (f.runs < 1 || f.seconds <= 0 || f.threads.empty()) Die("bad flags");
  return f;
}

class TempDir {
 public:
  explicit TempDir(const std::string& parent) {
    const fs::path base = parent.empty() ? fs::temp_directory_path() : fs::path(parent);
    std::string tmpl = (base / "skiff-bench-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) Die("mkdtemp under " + base.string() + " failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string db() const { return (path_ / "bench.db").string(); }

 private:
  fs::path path_;
};

// A Kubernetes-looking object of exactly `bytes` bytes (padding in data.payload).
// One object in 100 carries tier=gold.
std::string MakeObject(int64_t n, size_t bytes) {
  std::string head = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"obj-)" +
                     std::to_string(n) +
                     R"(","namespace":"bench","labels":{"app":"bench","tier":")" +
                     (n % 100 == 0 ? "gold" : "bronze") + R"(","shard":"s)" +
                     std::to_string(n % 16) + R"("}},"data":{"payload":")";
  const std::string tail = "\"}}";
  const size_t pad = bytes > head.size() + tail.size() ? bytes - head.size() - tail.size() : 0;
  head.append(pad, 'x');
  return head + tail;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<ptrdiff_t>(i), v.end());
  return v[i];
}

struct WriteResult {
  double per_second = 0;
  double p50_ms = 0;
  double p99_ms = 0;
};

std::unique_ptr<Storage> OpenStore(const std::string& path) {
  storage::SqliteOptions options;
  options.path = path;
  options.synchronous_full = true;
  Result<std::unique_ptr<Storage>> s = storage::NewSqliteStorage(options);
  if (!s.ok()) Die("open " + path + ": " + s.status().ToString());
  return std::move(s).value();
}

// Runs `threads` writers for f.seconds, each calling write(thread, n) for n = 0, 1, …
// (write returns the error text, empty on success); reports throughput and latency.
WriteResult TimedWriters(const Flags& f, int threads, const std::function<std::string(int, int64_t)>& write) {
  std::vector<std::vector<double>> latencies(static_cast<size_t>(threads));
  std::atomic<bool> go{false};
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::vector<double>& lat = latencies[static_cast<size_t>(t)];
      lat.reserve(1 << 16);
      while (!go.load()) std::this_thread::yield();
      for (int64_t n = 0; !stop.load(std::memory_order_relaxed); ++n) {
        const auto start = Clock::now();
        if (std::string error = write(t, n); !error.empty()) Die(error);
        lat.push_back(Seconds(Clock::now() - start) * 1e3);
      }
    });
  }
  const auto start = Clock::now();
  go = true;
  std::this_thread::sleep_for(std::chrono::duration<double>(f.seconds));
  stop = true;
  for (std::thread& w : workers) w.join();
  const double elapsed = Seconds(Clock::now() - start);
  std::vector<double> all;
  for (const std::vector<double>& l : latencies) all.insert(all.end(), l.begin(), l.end());
  WriteResult r;
  r.per_second = static_cast<double>(all.size()) / elapsed;
  r.p50_ms = Percentile(all, 0.50);
  r.p99_ms = Percentile(all, 0.99);
  return r;
}

// Creates of distinct keys from `threads` writers for `seconds`.
WriteResult StoreCreates(const Flags& f, int threads) {
  TempDir dir(f.dir);
  std::unique_ptr<Storage> store = OpenStore(dir.db());
  const std::string value = MakeObject(1, f.value_bytes);
  return TimedWriters(f, threads, [&](int t, int64_t n) -> std::string {
    Result<KeyValue> r = store->Create("/registry/configmaps/bench/t" + std::to_string(t) + "-" + std::to_string(n), value);
    return r.ok() ? "" : "create: " + r.status().ToString();
  });
}

void Check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    Die(std::string(what) + ": " + sqlite3_errmsg(db));
  }
}

// The floor: one connection, one thread, the store's writer pragmas (WAL,
// synchronous=FULL, no automatic checkpoint, 64 MiB page cache), an append-only
// table keyed by revision with an index on key (the shape of the store's log),
// `rows_per_txn` inserts of value_bytes each per transaction.
WriteResult RawSqlite(const Flags& f, int rows_per_txn) {
  TempDir dir(f.dir);
  sqlite3* db = nullptr;
  Check(sqlite3_open(dir.db().c_str(), &db), db, "open");
  Check(
      sqlite3_exec(db,
                   "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=0;"
                   "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
                   "CREATE TABLE log(rev INTEGER PRIMARY KEY, key BLOB NOT NULL,"
                   " value BLOB NOT NULL); CREATE INDEX log_key ON log(key);",
                   nullptr, nullptr, nullptr),
      db, "schema");
  sqlite3_stmt* insert = nullptr;
  Check(sqlite3_prepare_v2(db, "INSERT INTO log(key, value) VALUES(?, ?)", -1, &insert, nullptr),
        db, "prepare");
  const std::string value = MakeObject(1, f.value_bytes);
  std::vector<double> latencies;
  int64_t rows = 0;
  const auto start = Clock::now();
  const auto deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(f.seconds));
  while (Clock::now() < deadline) {
    const auto t0 = Clock::now();
    Check(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr), db, "begin");
    for (int i = 0; i < rows_per_txn; ++i, ++rows) {
      const std::string key = "/registry/configmaps/bench/" + std::to_string(rows);
      sqlite3_bind_blob(insert, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
      sqlite3_bind_blob(insert, 2, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
      Check(sqlite3_step(insert), db, "insert");
      sqlite3_reset(insert);
    }
    Check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
    latencies.push_back(Seconds(Clock::now() - t0) * 1e3);
  }
  const double elapsed = Seconds(Clock::now() - start);
  sqlite3_finalize(insert);
  sqlite3_close(db);
  WriteResult r;
  r.per_second = static_cast<double>(rows) / elapsed;
  r.p50_ms = Percentile(latencies, 0.50);  // per transaction
  r.p99_ms = Percentile(latencies, 0.99);
  return r;
}

// Calibration: the disk's own durable-write rate, 4 KiB pwrite at offset 0 plus
// fdatasync, one thread (the file does not grow, so no metadata is flushed).
WriteResult DiskSync(const Flags& f) {
  TempDir dir(f.dir);
  const std::string path = dir.db() + ".sync";
  const int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) Die("open " + path + ": " + std::strerror(errno));
  const std::string block(4096, 'x');
  std::vector<double> latencies;
  const auto start = Clock::now();
  const auto deadline =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(f.seconds));
  while (Clock::now() < deadline) {
    const auto t0 = Clock::now();
    if (::pwrite(fd, block.data(), block.size(), 0) != static_cast<ssize_t>(block.size()) ||
        ::fdatasync(fd) != 0) {
      Die("write " + path + ": " + std::strerror(errno));
    }
    latencies.push_back(Seconds(Clock::now() - t0) * 1e3);
  }
  const double elapsed = Seconds(Clock::now() - start);
  ::close(fd);
  WriteResult r;
  r.per_second = static_cast<double>(latencies.size()) / elapsed;
  r.p50_ms = Percentile(latencies, 0.50);
  r.p99_ms = Percentile(latencies, 0.99);
  return r;
}

// Puts of distinct keys from f.etcd_clients connections for f.seconds.
WriteResult EtcdPuts(const Flags& f) {
  static std::atomic<int> round{0};
  const std::string prefix = "/registry/configmaps/bench/r" + std::to_string(round++) + "-c";
  const std::string value = MakeObject(1, f.value_bytes);
  std::vector<std::unique_ptr<EtcdJsonClient>> conns;
  for (int c = 0; c < f.etcd_clients; ++c) {
    conns.push_back(std::make_unique<EtcdJsonClient>());
    if (Status s = conns.back()->Connect(f.etcd); !s.ok()) Die(s.ToString());
  }
  return TimedWriters(f, f.etcd_clients, [&](int c, int64_t n) -> std::string {
    Status s = conns[static_cast<size_t>(c)]->Put(prefix + std::to_string(c) + "-" + std::to_string(n), value);
    return s.ok() ? "" : s.ToString();
  });
}

const std::string kListPrefix = "/registry/configmaps/bench/";

// Loads n objects with 64 writers; returns the load rate (objects/s).
double LoadObjects(Storage& store, const Flags& f) {
  constexpr int kLoaders = 64;
  std::atomic<int64_t> next{0};
  std::vector<std::thread> loaders;
  const auto start = Clock::now();
  for (int t = 0; t < kLoaders; ++t) {
    loaders.emplace_back([&] {
      for (int64_t n = next++; n < f.list_objects; n = next++) {
        char name[32];
        std::snprintf(name, sizeof(name), "obj-%07lld", static_cast<long long>(n));
        Result<KeyValue> r = store.Create(kListPrefix + name, MakeObject(n, f.value_bytes));
        if (!r.ok()) Die("load: " + r.status().ToString());
      }
    });
  }
  for (std::thread& l : loaders) l.join();
  return f.list_objects / Seconds(Clock::now() - start);
}

struct ListTimes {
  double all_ms = 0;
  double selected_ms = 0;
  size_t all = 0;
  size_t selected = 0;
};

ListTimes TimeLists(Storage& store) {
  ListTimes t;
  auto start = Clock::now();
  Result<storage::ListResult> listed = store.List(kListPrefix);
  if (!listed.ok()) Die("list: " + listed.status().ToString());
  t.all = listed->items.size();
  t.all_ms = Seconds(Clock::now() - start) * 1e3;

  start = Clock::now();
  Result<storage::ListResult> again = store.List(kListPrefix);
  if (!again.ok()) Die("list: " + again.status().ToString());
#if SKIFF_BENCH_HAVE_LABEL_SELECTOR
  Result<api::LabelSelector> selector = api::ParseLabelSelector("tier=gold");
  if (!selector.ok()) Die("selector: " + selector.status().ToString());
  for (const KeyValue& kv : again->items) {
    nlohmann::json object = nlohmann::json::parse(kv.value, nullptr, /*allow_exceptions=*/false);
    if (!object.is_discarded() && selector->MatchesObject(object)) ++t.selected;
  }
#else
  for (const KeyValue& kv : again->items) {
    if (kv.value.find("\"tier\":\"gold\"") != std::string::npos) ++t.selected;
  }
#endif
  t.selected_ms = Seconds(Clock::now() - start) * 1e3;
  return t;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

std::string Runs(const std::vector<double>& v, int digits) {
  std::string s;
  for (double x : v) s += (s.empty() ? "" : " / ") + Fixed(x, digits);
  return s;
}

void PrintRow(const std::string& name, const std::string& median, const std::string& p50,
              const std::string& p99, const std::string& runs) {
  std::printf("| %-38s | %12s | %9s | %9s | %-28s |\n", name.c_str(), median.c_str(), p50.c_str(),
              p99.c_str(), runs.c_str());
}

int Main(int argc, char** argv) {
  const Flags f = ParseFlags(argc, argv);
  std::printf(
      "storage_bench: %u cores, %zu-byte values, %.1f s per write measurement, %d runs,"
      " sqlite %s, dir %s\n",
      std::thread::hardware_concurrency(), f.value_bytes, f.seconds, f.runs, sqlite3_libversion(),
      f.dir.empty() ? fs::temp_directory_path().c_str() : f.dir.c_str());

  if (!f.etcd.empty()) {  // fail now rather than after minutes of measurements
    EtcdJsonClient probe;
    Status s = probe.Connect(f.etcd);
    if (s.ok()) s = probe.Put("/registry/configmaps/bench/probe", "probe");
    if (!s.ok()) Die(s.ToString());
  }
  // Each measurement is a named function; each run rotates their order.
  struct Measurement {
    std::string name;
    std::function<WriteResult()> run;
    std::vector<WriteResult> results;
  };
  std::vector<Measurement> ms;
  for (int t : f.threads) {
    ms.push_back({"skiff Create, " + std::to_string(t) + (t == 1 ? " writer" : " writers"),
                  [&f, t] { return StoreCreates(f, t); },
                  {}});
  }
  ms.push_back({"raw SQLite, 1 row/txn", [&f] { return RawSqlite(f, 1); }, {}});
  ms.push_back({"raw SQLite, 1000 rows/txn", [&f] { return RawSqlite(f, 1000); }, {}});
  ms.push_back({"disk: 4 KiB pwrite + fdatasync", [&f] { return DiskSync(f); }, {}});
  const std::string etcd_name =
      "etcd put (JSON gateway), " + std::to_string(f.etcd_clients) + " clients";
  if (!f.etcd.empty()) ms.push_back({etcd_name, [&f] { return EtcdPuts(f); }, {}});
  for (int r = 0; r < f.runs; ++r) {
    for (size_t i = 0; i < ms.size(); ++i) {
      Measurement& m = ms[(i + static_cast<size_t>(r)) % ms.size()];
      m.results.push_back(m.run());
      std::fprintf(stderr, "run %d: %-38s %10.0f /s\n", r + 1, m.name.c_str(),
                   m.results.back().per_second);
    }
  }

  std::printf(
      "\nDurable writes (synchronous=FULL), creates of distinct keys; latency per write\n"
      "(per transaction for raw SQLite; per pwrite+fdatasync for the disk row)\n\n");
  PrintRow("measurement", "writes/s", "p50 ms", "p99 ms", "writes/s of each run");
  std::printf("|%s|%s|%s|%s|%s|\n", std::string(40, '-').c_str(), std::string(14, '-').c_str(),
              std::string(11, '-').c_str(), std::string(11, '-').c_str(),
              std::string(30, '-').c_str());
  std::map<std::string, double> median_rate;
  for (const Measurement& m : ms) {
    std::vector<double> rate, p50, p99;
    for (const WriteResult& w : m.results) {
      rate.push_back(w.per_second);
      p50.push_back(w.p50_ms);
      p99.push_back(w.p99_ms);
    }
    median_rate[m.name] = Median(rate);
    PrintRow(m.name, Fixed(Median(rate), 0), Fixed(Median(p50), 2), Fixed(Median(p99), 2),
             Runs(rate, 0));
  }
  const double floor1 = median_rate["raw SQLite, 1 row/txn"];
  const double floor1000 = median_rate["raw SQLite, 1000 rows/txn"];
  const double disk = median_rate["disk: 4 KiB pwrite + fdatasync"];
  std::printf(
      "\nRatios of median writes/s: skiff / raw 1 row/txn, skiff / raw 1000 rows/txn,"
      " skiff / disk fdatasync\n");
  for (int t : f.threads) {
    const std::string name =
        "skiff Create, " + std::to_string(t) + (t == 1 ? " writer" : " writers");
    std::printf("  %-38s %7.2fx %7.3fx %7.2fx\n", name.c_str(), median_rate[name] / floor1,
                median_rate[name] / floor1000, median_rate[name] / disk);
  }
  if (!f.etcd.empty()) {
    std::printf("\nRatios to etcd (median writes/s): skiff / %s\n", etcd_name.c_str());
    for (int t : f.threads) {
      const std::string name =
          "skiff Create, " + std::to_string(t) + (t == 1 ? " writer" : " writers");
      std::printf("  %-38s %6.2fx\n", name.c_str(), median_rate[name] / median_rate[etcd_name]);
    }
  }

  if (!f.list) return 0;
  TempDir dir(f.dir);
  std::unique_ptr<Storage> store = OpenStore(dir.db());
  const double load_rate = LoadObjects(*store, f);
  std::vector<double> all_ms, selected_ms;
  size_t all = 0, selected = 0;
  for (int r = 0; r < f.runs; ++r) {
    const ListTimes t = TimeLists(*store);
    all_ms.push_back(t.all_ms);
    selected_ms.push_back(t.selected_ms);
    all = t.all;
    selected = t.selected;
  }
  std::printf("\nList of %d stored objects (loaded at %.0f objects/s by 64 writers)\n\n",
              f.list_objects, load_rate);
  std::printf("| %-58s | %9s | %-28s |\n", "measurement", "median ms", "ms of each run");
  std::printf("|%s|%s|%s|\n", std::string(60, '-').c_str(), std::string(11, '-').c_str(),
              std::string(30, '-').c_str());
  std::printf("| %-58s | %9s | %-28s |\n",
              ("List(prefix), all " + std::to_string(all) + " objects").c_str(),
              Fixed(Median(all_ms), 1).c_str(), Runs(all_ms, 1).c_str());
  const std::string how = SKIFF_BENCH_HAVE_LABEL_SELECTOR
                              ? "List + JSON parse + LabelSelector tier=gold"
                              : "List + substring match tier=gold (no label_selector.h)";
  std::printf("| %-58s | %9s | %-28s |\n",
              (how + ", " + std::to_string(selected) + " hits").c_str(),
              Fixed(Median(selected_ms), 1).c_str(), Runs(selected_ms, 1).c_str());
  return 0;
}

}  // namespace
}  // namespace skiff::bench

int main(int argc, char** argv) { return skiff::bench::Main(argc, argv); }
