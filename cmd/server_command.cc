#include "cmd/server_command.h"

#include <jemalloc/jemalloc.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "apiserver/authn.h"
#include "apiserver/http_server.h"
#include "apiserver/pki.h"
#include "apiserver/service_allocations.h"
#include "apiserver/object_store.h"
#include "apiserver/storage/factory.h"
#include "base/base64.h"
#include "base/clock.h"

namespace skiff::cmd {
namespace {

struct Flags {
  std::string data_dir;
  std::string host = "127.0.0.1";
  int port = 6443;
};

std::string DefaultDataDir() {
  if (geteuid() == 0) return "/var/lib/skiff";
  const char* state = std::getenv("XDG_STATE_HOME");
  if (state && *state) return std::string(state) + "/skiff";
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.local/state/skiff";
}

bool ParseListen(const std::string& value, Flags& flags) {
  size_t colon = value.rfind(':');
  if (colon == std::string::npos) return false;
  flags.host = value.substr(0, colon);
  char* end = nullptr;
  long port = std::strtol(value.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || port < 0 || port > 65535 || colon + 1 == value.size()) return false;
  flags.port = static_cast<int>(port);
  return true;
}

// Returns false (after printing one line) on a bad flag.
bool ParseFlags(int argc, char** argv, const char* subcommand, Flags& flags) {
  flags.data_dir = DefaultDataDir();
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const std::string& name) -> const char* {
      if (arg.rfind(name + "=", 0) == 0) return argv[i] + name.size() + 1;
      if (arg == name && i + 1 < argc) return argv[++i];
      return nullptr;
    };
    if (const char* v = value("--data-dir")) {
      flags.data_dir = v;
    } else if (const char* l = value("--listen")) {
      if (!ParseListen(l, flags)) {
        std::fprintf(stderr, "skiff %s: --listen wants HOST:PORT, got \"%s\"\n", subcommand, l);
        return false;
      }
    } else {
      std::fprintf(stderr, "skiff %s: unknown flag \"%s\" (flags: --data-dir DIR --listen HOST:PORT)\n",
                   subcommand, arg.c_str());
      return false;
    }
  }
  return true;
}

bool EnsureDir(const std::string& dir) {
  std::string partial;
  for (size_t i = 0; i <= dir.size(); ++i) {
    if (i == dir.size() || (dir[i] == '/' && i > 0)) {
      partial = dir.substr(0, i);
      if (mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) return false;
    }
  }
  struct stat st{};
  return stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && access(dir.c_str(), W_OK) == 0;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A kubeconfig for the admin user: the cluster CA inline and the admin token.
Status WriteKubeconfig(const std::string& dir, const std::string& host, int port, const std::string& ca_file,
                       const std::string& token) {
  std::string url_host = host == "0.0.0.0" ? "127.0.0.1" : host;
  if (url_host.find(':') != std::string::npos) url_host = "[" + url_host + "]";
  std::string path = dir + "/kubeconfig";
  std::ofstream out(path, std::ios::trunc);
  chmod(path.c_str(), 0600);
  out << "apiVersion: v1\nkind: Config\nclusters:\n- name: skiff\n  cluster:\n"
      << "    server: https://" << url_host << ":" << port << "\n"
      << "    certificate-authority-data: " << Base64Encode(ReadFile(ca_file)) << "\n"
      << "contexts:\n- name: skiff\n  context:\n    cluster: skiff\n    user: admin\n"
      << "current-context: skiff\npreferences: {}\nusers:\n- name: admin\n  user:\n    token: " << token << "\n";
  out.close();
  if (!out) return Status::FromErrno(errno, "write " + path);
  return Status::Ok();
}

// Every connection and watch holds a socket: allow as many as the hard limit.
void RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

// jemalloc gives freed pages back to the system only while some thread keeps
// allocating, so a server that goes quiet after a burst (a connection flood, a
// big LIST) would hold that memory for good. Its background thread returns
// them within the decay time (10 s) on its own. Only the server turns it on:
// `skiff container` forks and clones, where an extra thread is unwelcome.
void ReturnFreedMemory() {
  bool on = true;
  if (mallctl("background_thread", nullptr, nullptr, &on, sizeof on) != 0) {
    std::fprintf(stderr, "skiff: could not start jemalloc's background thread; freed memory may stay resident\n");
  }
}

// The reactor thread allocates and frees the memory of every connection before
// authentication, in bursts when it is flooded. A jemalloc thread cache would
// spread those objects over many more pages and keep some of them while the
// thread sleeps; the reactor allocates little per event, so it goes without.
void BypassThreadCache() {
  bool off = false;
  mallctl("thread.tcache.enabled", nullptr, nullptr, &off, sizeof off);
}

// After a flood, give the freed pages back now rather than over the decay time.
void ReleaseConnectionMemory() {
  const std::string purge = "arena." + std::to_string(MALLCTL_ARENAS_ALL) + ".purge";
  mallctl(purge.c_str(), nullptr, nullptr, nullptr, 0);
}

}  // namespace

int RunServer(int argc, char** argv, const char* subcommand) {
  Flags flags;
  if (!ParseFlags(argc, argv, subcommand, flags)) return 2;
  if (!EnsureDir(flags.data_dir)) {
    std::fprintf(stderr, "skiff %s: data dir %s is not a writable directory: %s\n", subcommand,
                 flags.data_dir.c_str(), std::strerror(errno));
    return 1;
  }
  // Signals are taken by one thread with sigwait, so block them everywhere first.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto started = std::chrono::steady_clock::now();
  RaiseOpenFileLimit();
  ReturnFreedMemory();
  storage::SqliteOptions store_opts;
  store_opts.path = flags.data_dir + "/skiff.db";
  Result<std::unique_ptr<storage::Storage>> store = storage::NewSqliteStorage(store_opts);
  if (!store.ok()) {
    std::fprintf(stderr, "skiff %s: %s\n", subcommand, store.status().ToString().c_str());
    return 1;
  }
  apiserver::ObjectStore objects(**store, RealClockInstance());
  apiserver::ServiceAllocations service_allocations;
  objects.SetHooks(*api::FindKind("v1", "Service"), service_allocations);
  if (Status s = objects.RebuildHooks(); !s.ok()) {
    std::fprintf(stderr, "skiff %s: reading services: %s\n", subcommand, s.ToString().c_str());
    return 1;
  }
  if (Status s = objects.EnsureSystemNamespaces(); !s.ok()) {
    std::fprintf(stderr, "skiff %s: creating system namespaces: %s\n", subcommand, s.ToString().c_str());
    return 1;
  }
  // Reads, lists and watches are served from memory from here on.
  apiserver::WatchCache cache(**store);
  if (Status s = cache.Start(); !s.ok()) {
    std::fprintf(stderr, "skiff %s: loading the watch cache: %s\n", subcommand, s.ToString().c_str());
    return 1;
  }
  objects.AttachCache(cache);
  Result<apiserver::PkiPaths> pki = apiserver::EnsurePki(flags.data_dir + "/pki", {flags.host});
  if (!pki.ok()) {
    std::fprintf(stderr, "skiff %s: %s\n", subcommand, pki.status().message().c_str());
    return 1;
  }
  std::string token_file = flags.data_dir + "/tokens.csv";
  Result<std::string> admin_token = apiserver::EnsureAdminToken(token_file);
  Result<apiserver::Authenticator> authn = admin_token.ok() ? apiserver::Authenticator::FromTokenFile(token_file)
                                                             : Result<apiserver::Authenticator>(admin_token.status());
  if (!authn.ok()) {
    std::fprintf(stderr, "skiff %s: %s\n", subcommand, authn.status().message().c_str());
    return 1;
  }
  apiserver::ServerOptions server_opts;
  server_opts.host = flags.host;
  server_opts.port = flags.port;
  server_opts.cert_file = pki->serving_cert;
  server_opts.key_file = pki->serving_key;
  server_opts.client_ca_file = pki->ca_cert;
  server_opts.authenticator = &*authn;
  server_opts.connections.on_quiet = ReleaseConnectionMemory;
  server_opts.connections.on_start = BypassThreadCache;
  storage::Storage& store_ref = **store;
  server_opts.store_metrics = [&store_ref] { return apiserver::RenderStoreMetrics(store_ref); };
  apiserver::ApiServer server(objects, server_opts);
  if (Status s = server.Start(); !s.ok()) {
    std::fprintf(stderr, "skiff %s: %s\n", subcommand, s.message().c_str());
    return 1;
  }
  if (Status s = WriteKubeconfig(flags.data_dir, flags.host, server.port(), pki->ca_cert, *admin_token); !s.ok()) {
    std::fprintf(stderr, "skiff %s: %s\n", subcommand, s.message().c_str());
    return 1;
  }
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    server.Stop();
  });
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  std::fprintf(stderr, "skiff %s: ready on https://%s:%d (data %s, kubeconfig %s/kubeconfig, %lld ms)\n",
               subcommand, flags.host.c_str(), server.port(), flags.data_dir.c_str(), flags.data_dir.c_str(),
               static_cast<long long>(ms.count()));
  server.Serve();
  pthread_kill(waiter.native_handle(), SIGTERM);  // wake the waiter if Serve ended on its own
  waiter.join();
  cache.Stop();
  store->reset();  // finishes queued writes and closes the database
  std::fprintf(stderr, "skiff %s: stopped\n", subcommand);
  return 0;
}

}  // namespace skiff::cmd
