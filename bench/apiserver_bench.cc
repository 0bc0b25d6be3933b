// apiserver_bench: the API server over HTTPS on loopback, in-process, with the
// SQLite store in a temp dir (synchronous=FULL), driven by keep-alive clients:
//   - durable creates/s of ConfigMaps from 1 and 64 connections, p50/p99 latency
//   - GETs/s of one object from 64 connections
// Prints a table; asserts nothing. Usage: apiserver_bench [--seconds S]
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "apiserver/authn.h"
#include "apiserver/http_server.h"
#include "apiserver/object_store.h"
#include "apiserver/pki.h"
#include "apiserver/storage/factory.h"
#include "base/clock.h"

namespace {

using namespace skiff;
using Clock = std::chrono::steady_clock;

struct Figures {
  double per_second = 0, p50_ms = 0, p99_ms = 0;
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "apiserver_bench: %s\n", what.c_str());
  std::exit(1);
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(i), v.end());
  return v[i];
}

// `clients` keep-alive connections calling request(client, conn, n) for `seconds`.
Figures Drive(int clients, double seconds, const std::function<std::unique_ptr<httplib::Client>()>& connect,
              const std::function<bool(httplib::Client&, int, int64_t)>& request) {
  std::vector<std::vector<double>> latencies(static_cast<size_t>(clients));
  std::atomic<bool> go{false}, stop{false};
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      auto conn = connect();
      std::vector<double>& lat = latencies[static_cast<size_t>(c)];
      while (!go.load()) std::this_thread::yield();
      for (int64_t n = 0; !stop.load(std::memory_order_relaxed); ++n) {
        auto start = Clock::now();
        if (!request(*conn, c, n)) Die("request failed");
        lat.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
      }
    });
  }
  auto start = Clock::now();
  go = true;
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  return {static_cast<double>(all.size()) / elapsed, Percentile(all, 0.5), Percentile(all, 0.99)};
}

void Row(const char* what, const Figures& f) {
  std::printf("| %-36s | %10.0f | %8.2f | %8.2f |\n", what, f.per_second, f.p50_ms, f.p99_ms);
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 5;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--seconds") seconds = std::atof(argv[++i]);
  }
  std::string dir = (std::filesystem::temp_directory_path() / ("skiff-apiserver-bench-" + std::to_string(getpid()))).string();
  std::filesystem::create_directories(dir);
  storage::SqliteOptions store_opts;
  store_opts.path = dir + "/skiff.db";
  auto store = storage::NewSqliteStorage(store_opts);
  if (!store.ok()) Die(store.status().ToString());
  apiserver::ObjectStore objects(**store, RealClockInstance());
  if (!objects.EnsureSystemNamespaces().ok()) Die("namespaces");
  auto pki = apiserver::EnsurePki(dir + "/pki", {"127.0.0.1"});
  if (!pki.ok()) Die(pki.status().ToString());
  auto token = apiserver::EnsureAdminToken(dir + "/tokens.csv");
  auto authn = apiserver::Authenticator::FromTokenFile(dir + "/tokens.csv");
  if (!token.ok() || !authn.ok()) Die("token file");
  apiserver::ServerOptions opts;
  opts.port = 0;
  opts.cert_file = pki->serving_cert;
  opts.key_file = pki->serving_key;
  opts.client_ca_file = pki->ca_cert;
  opts.authenticator = &*authn;
  apiserver::ApiServer server(objects, opts);
  if (!server.Start().ok()) Die("listen");
  std::thread serving([&] { server.Serve(); });

  std::string url = "https://127.0.0.1:" + std::to_string(server.port());
  auto connect = [&] {
    auto c = std::make_unique<httplib::Client>(url);
    c->set_ca_cert_path(pki->ca_cert.c_str());
    c->set_bearer_token_auth(token->c_str());
    c->set_keep_alive(true);
    c->set_tcp_nodelay(true);  // as Go clients (kubectl, client-go) do
    return c;
  };
  const std::string path = "/api/v1/namespaces/default/configmaps";
  const std::string data(1200, 'x');  // ~1.5 KB objects
  std::atomic<int> round{0};
  auto create = [&](httplib::Client& c, int client, int64_t n) {
    nlohmann::json cm = {{"apiVersion", "v1"},
                         {"kind", "ConfigMap"},
                         {"metadata", {{"name", "r" + std::to_string(round.load()) + "-c" + std::to_string(client) + "-" + std::to_string(n)}, {"labels", {{"app", "bench"}}}}},
                         {"data", {{"payload", data}}}};
    auto r = c.Post(path, cm.dump(), "application/json");
    return r && r->status == 201;
  };
  auto get = [&](httplib::Client& c, int, int64_t) {
    auto r = c.Get(path + "/r0-c0-0");
    return r && r->status == 200;
  };

  std::printf("apiserver_bench: HTTPS on loopback, SQLite synchronous=FULL, %.0f s per row, %u cores\n\n", seconds,
              std::thread::hardware_concurrency());
  std::printf("| %-36s | %10s | %8s | %8s |\n", "measurement", "per s", "p50 ms", "p99 ms");
  std::printf("|%s|%s|%s|%s|\n", std::string(38, '-').c_str(), std::string(12, '-').c_str(),
              std::string(10, '-').c_str(), std::string(10, '-').c_str());
  Row("create ConfigMap, 1 connection", Drive(1, seconds, connect, create));
  ++round;
  Row("create ConfigMap, 64 connections", Drive(64, seconds, connect, create));
  Row("get ConfigMap, 64 connections", Drive(64, seconds, connect, get));
  server.Stop();
  serving.join();
  store->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
