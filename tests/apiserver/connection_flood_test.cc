// Hostile clients against the real `skiff server`: connections that never send
// a request, clients that trickle their ClientHello or headers a byte a second,
// too many connections from one address, and request bodies past the size
// limit in chunked framing. The server must cut each off by its deadline or
// limit, keep answering real clients quickly meanwhile, and give its memory back.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "apiserver/connection_limits.h"
#include "tests/apiserver/hostile_connections.h"
#include "tests/apiserver/kubectl_runner.h"
#include "tests/apiserver/server_process.h"

namespace skiff {
namespace {

using std::chrono::duration;
using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;
using testing::ClosedByPeer;
using testing::ConnectFrom;
using testing::KubectlRunner;
using testing::ServerProcess;
using testing::TempDir;
using testing::TlsClientContext;

// The server's defaults (apiserver/connection_reactor.h).
constexpr auto kHandshakeDeadline = seconds(5);
constexpr auto kHeadDeadline = seconds(10);
constexpr size_t kPerAddressLimit = 512;
constexpr size_t kBodyLimit = 3 << 20;
// How late a close may be observed: the probe loop's period and a loaded machine.
constexpr auto kSlack = seconds(3);

double Seconds(steady_clock::duration d) { return duration<double>(d).count(); }

enum Kind { kSilentTcp, kIdleTls, kSlowHello, kSlowHeaders, kKinds };
const char* const kKindNames[] = {"silent TCP", "idle TLS", "slow ClientHello", "slow headers"};

struct Probe {
  Kind kind = kSilentTcp;
  UniqueFd fd;
  SSL* ssl = nullptr;
  steady_clock::time_point since;  // when its deadline started counting
  steady_clock::time_point closed{};
  size_t sent = 0;
};

// A TLS record header announcing a 512-byte handshake message, then filler:
// the server waits for the whole record.
char SlowHelloByte(size_t i) {
  static const unsigned char head[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01,
                                       0x00, 0x01, 0xfc, 0x03, 0x03};
  return i < sizeof head ? static_cast<char>(head[i]) : 'h';
}
char SlowHeaderByte(size_t i) {
  static const std::string head = "GET /api/v1/namespaces HTTP/1.1\r\nHost: x\r\nX-Slow: ";
  return i < head.size() ? head[i] : 'a';
}

std::unique_ptr<httplib::Client> Client(const ServerProcess& server) {
  auto c = server.NewClient();
  c->set_connection_timeout(5);
  c->set_read_timeout(5);
  return c;
}

TEST_CASE(
    "connections: 2000 idle and 500 slow clients are cut off by their deadlines while kubectl is "
    "served",
    "[hostile][integration][apiserver]") {
  signal(SIGPIPE, SIG_IGN);
  REQUIRE(KubectlRunner::Available());
  REQUIRE(testing::RaiseFdLimit() >= 4000);
  TempDir dir, cache;
  ServerProcess server(dir.path());
  KubectlRunner kubectl(dir.path(), cache.path());
  // Warm up: kubectl's discovery cache, the server's first requests and threads.
  for (int i = 0; i < 3; ++i) REQUIRE(kubectl.Run("get namespaces").exit_code == 0);
  std::this_thread::sleep_for(seconds(1));
  const long start_rss = testing::RssKib(server.pid());
  const long start_threads = testing::ThreadCount(server.pid());

  // 2,000 idle (1,000 that never send a ClientHello, 1,000 that finish the
  // handshake and never send a request) and 500 slow ones, spread over ten
  // source addresses so that the per-address limit stays out of the way.
  TlsClientContext tls;
  std::vector<Probe> probes;
  probes.reserve(2500);
  auto address = [](size_t i) { return "127.0.0." + std::to_string(2 + i % 10); };
  auto open = [&](Kind kind, size_t count) {
    for (size_t i = 0; i < count; ++i) {
      Probe p;
      p.kind = kind;
      p.fd = ConnectFrom(address(probes.size()), server.port());
      p.since = steady_clock::now();
      if (kind == kIdleTls || kind == kSlowHeaders) {
        p.ssl = tls.Handshake(p.fd.get());
        REQUIRE(p.ssl != nullptr);
        p.since = steady_clock::now();
      }
      probes.push_back(std::move(p));
    }
  };
  open(kIdleTls, 1000);
  open(kSlowHeaders, 250);
  open(kSilentTcp, 1000);
  open(kSlowHello, 250);
  const auto flood_started = steady_clock::now();

  // Meanwhile, a real kubectl and REST requests on fresh connections.
  std::atomic<bool> done{false};
  double kubectl_seconds = 0, rest_max = 0;
  int kubectl_exit = -1, rest_count = 0, rest_failed = 0;
  std::thread clients([&] {
    auto t0 = steady_clock::now();
    kubectl_exit = kubectl.Run("get namespaces").exit_code;
    kubectl_seconds = Seconds(steady_clock::now() - t0);
    while (!done) {
      auto t = steady_clock::now();
      auto res = Client(server)->Get("/api/v1/namespaces/default");
      rest_max = std::max(rest_max, Seconds(steady_clock::now() - t));
      ++rest_count;
      if (!res || res->status != 200) ++rest_failed;
      std::this_thread::sleep_for(milliseconds(200));
    }
  });

  long peak_rss = 0, peak_threads = 0;
  auto last_trickle = steady_clock::time_point{};
  size_t open_count = probes.size();
  while (open_count > 0 && steady_clock::now() - flood_started < seconds(30)) {
    auto now = steady_clock::now();
    bool trickle = now - last_trickle >= seconds(1);
    if (trickle) last_trickle = now;
    for (Probe& p : probes) {
      if (p.closed != steady_clock::time_point{}) continue;
      if (ClosedByPeer(p.fd.get())) {
        p.closed = steady_clock::now();
        --open_count;
        continue;
      }
      if (!trickle) continue;
      if (p.kind == kSlowHello) {
        char byte = SlowHelloByte(p.sent++);
        [[maybe_unused]] ssize_t n = ::send(p.fd.get(), &byte, 1, MSG_DONTWAIT | MSG_NOSIGNAL);
      } else if (p.kind == kSlowHeaders) {
        char byte = SlowHeaderByte(p.sent++);
        SSL_write(p.ssl, &byte, 1);
        ERR_clear_error();
      }
    }
    peak_rss = std::max(peak_rss, testing::RssKib(server.pid()));
    peak_threads = std::max(peak_threads, testing::ThreadCount(server.pid()));
    std::this_thread::sleep_for(milliseconds(100));
  }
  done = true;
  clients.join();

  // Each kind was held until its deadline and closed soon after.
  double held_min[kKinds], held_max[kKinds];
  std::fill(held_min, held_min + kKinds, 1e9);
  std::fill(held_max, held_max + kKinds, 0.0);
  size_t still_open = 0;
  for (const Probe& p : probes) {
    if (p.closed == steady_clock::time_point{}) {
      ++still_open;
      continue;
    }
    double held = Seconds(p.closed - p.since);
    held_min[p.kind] = std::min(held_min[p.kind], held);
    held_max[p.kind] = std::max(held_max[p.kind], held);
  }
  for (int k = 0; k < kKinds; ++k) {
    INFO(kKindNames[k] << ": held " << held_min[k] << " to " << held_max[k] << " s");
    auto deadline = (k == kSilentTcp || k == kSlowHello) ? kHandshakeDeadline : kHeadDeadline;
    CHECK(held_max[k] <= Seconds(deadline + kSlack));
    CHECK(held_min[k] >= Seconds(deadline) - 1.0);
  }
  CHECK(still_open == 0);

  INFO("kubectl " << kubectl_seconds << " s; " << rest_count << " REST requests, slowest "
                  << rest_max << " s");
  CHECK(kubectl_exit == 0);
  CHECK(kubectl_seconds < 1.0);
  CHECK(rest_count >= 10);
  CHECK(rest_failed == 0);
  CHECK(rest_max < 1.0);
  // Waiting clients cost no thread.
  INFO("threads: " << start_threads << " at start, " << peak_threads << " at most");
  CHECK(peak_threads < start_threads + 32);

  for (Probe& p : probes) SSL_free(p.ssl);
  probes.clear();
  // Memory comes back: within 20% of what the server held before the flood.
  long end_rss = testing::RssKib(server.pid());
  for (int i = 0; i < 100 && end_rss > start_rss * 6 / 5; ++i) {
    std::this_thread::sleep_for(milliseconds(100));
    end_rss = testing::RssKib(server.pid());
  }
  INFO("RSS KiB: " << start_rss << " at start, " << peak_rss << " at peak, " << end_rss
                   << " after");
  CHECK(end_rss <= start_rss * 6 / 5);
  WARN("flood figures: RSS KiB start "
       << start_rss << " peak " << peak_rss << " after " << end_rss << "; threads " << start_threads
       << "/" << peak_threads << "; kubectl " << kubectl_seconds << " s; REST max " << rest_max
       << " s over " << rest_count);
}

TEST_CASE("connections: one address may hold only so many unauthenticated connections",
          "[hostile][integration][apiserver]") {
  signal(SIGPIPE, SIG_IGN);
  REQUIRE(testing::RaiseFdLimit() >= 2000);
  TempDir dir;
  ServerProcess server(dir.path());
  std::vector<UniqueFd> conns;
  for (size_t i = 0; i < kPerAddressLimit + 88; ++i)
    conns.push_back(ConnectFrom("127.0.0.60", server.port()));
  std::this_thread::sleep_for(milliseconds(1000));  // well before the handshake deadline
  size_t refused = 0;
  for (UniqueFd& fd : conns) refused += ClosedByPeer(fd.get());
  CHECK(refused == 88);
  // Another address is not affected.
  auto res = Client(server)->Get("/api/v1/namespaces/default");
  REQUIRE(res);
  CHECK(res->status == 200);
  // A slot freed is a slot taken again.
  conns.clear();
  std::this_thread::sleep_for(milliseconds(300));
  UniqueFd again = ConnectFrom("127.0.0.60", server.port());
  std::this_thread::sleep_for(milliseconds(300));
  CHECK_FALSE(ClosedByPeer(again.get()));
}

// A Pod carrying data_bytes in one container argument (nothing else bounds it).
std::string Pod(const std::string& name, size_t data_bytes) {
  nlohmann::json container = {
      {"name", "c"}, {"image", "busybox"}, {"args", {std::string(data_bytes, 'x')}}};
  return nlohmann::json{{"apiVersion", "v1"},
                        {"kind", "Pod"},
                        {"metadata", {{"name", name}}},
                        {"spec", {{"containers", {container}}}}}
      .dump();
}

// POSTs body in chunked framing of chunk bytes per chunk; the response or nullptr.
httplib::Result PostChunked(httplib::Client& c, const std::string& path, const std::string& body,
                            size_t chunk) {
  return c.Post(
      path,
      [&body, chunk](size_t offset, httplib::DataSink& sink) {
        if (offset >= body.size()) {
          sink.done();
          return true;
        }
        return sink.write(body.data() + offset, std::min(chunk, body.size() - offset));
      },
      "application/json");
}

void CheckTooLarge(const httplib::Response& res) {
  CHECK(res.status == 413);
  auto status = nlohmann::json::parse(res.body, nullptr, false);
  CHECK(status.value("kind", "") == "Status");
  CHECK(status.value("reason", "") == "RequestEntityTooLarge");
  CHECK(status.value("code", 0) == 413);
}

TEST_CASE("connections: request bodies are bounded however they are framed",
          "[hostile][integration][apiserver]") {
  signal(SIGPIPE, SIG_IGN);
  TempDir dir;
  ServerProcess server(dir.path());
  const std::string path = "/api/v1/namespaces/default/pods";
  auto c = Client(server);

  SECTION("a small chunked body is served as before") {
    auto res = PostChunked(*c, path, Pod("small", 1000), 100);
    REQUIRE(res);
    CHECK(res->status == 201);
    auto got = c->Get(path + "/small");
    REQUIRE(got);
    CHECK(got->status == 200);
  }
  SECTION("a chunked body over the limit is refused and nothing is stored") {
    auto res = PostChunked(*c, path, Pod("big", kBodyLimit + 1024 * 1024), 64 * 1024);
    REQUIRE(res);
    CheckTooLarge(*res);
    auto got = Client(server)->Get(path + "/big");
    REQUIRE(got);
    CHECK(got->status == 404);
  }
  SECTION("a chunked body of 100 MiB is cut off, answered 413, and nothing is stored") {
    TlsClientContext tls;
    UniqueFd fd = ConnectFrom("127.0.0.1", server.port());
    SSL* ssl = tls.Handshake(fd.get());
    REQUIRE(ssl);
    std::string head = "POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                       server.AdminToken() +
                       "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    std::string cm = Pod("huge", 100 << 20);
    REQUIRE(SSL_write(ssl, head.data(), static_cast<int>(head.size())) > 0);
    // Write chunks and read at once, so the answer is seen as soon as it comes.
    fcntl(fd.get(), F_SETFL, fcntl(fd.get(), F_GETFL) | O_NONBLOCK);
    size_t sent = 0;
    const size_t chunk = 64 * 1024;
    std::string piece, response;
    char buf[4096];
    auto deadline = steady_clock::now() + seconds(20);
    while (response.find("\r\n\r\n") == std::string::npos && steady_clock::now() < deadline) {
      if (piece.empty() && sent < cm.size()) {
        size_t n = std::min(chunk, cm.size() - sent);
        char size_line[32];
        int len = std::snprintf(size_line, sizeof size_line, "%zx\r\n", n);
        piece = std::string(size_line, len) + cm.substr(sent, n) + "\r\n";
        sent += n;
      }
      pollfd pfd{fd.get(), static_cast<short>(POLLIN | (piece.empty() ? 0 : POLLOUT)), 0};
      if (::poll(&pfd, 1, 1000) <= 0) continue;
      int n = SSL_read(ssl, buf, sizeof buf);
      if (n > 0) {
        response.append(buf, static_cast<size_t>(n));
        continue;
      }
      int err = SSL_get_error(ssl, n);
      ERR_clear_error();
      if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) break;  // closed
      if (!piece.empty() && (pfd.revents & POLLOUT)) {
        // OpenSSL wants a retried write to repeat the same arguments.
        if (SSL_write(ssl, piece.data(), static_cast<int>(piece.size())) > 0) piece.clear();
        ERR_clear_error();
      }
    }
    SSL_free(ssl);
    INFO("sent " << sent << " body bytes; response: " << response.substr(0, 200));
    CHECK(sent < size_t{16} << 20);
    CHECK(response.rfind("HTTP/1.1 413", 0) == 0);
    auto got = Client(server)->Get(path + "/huge");
    REQUIRE(got);
    CHECK(got->status == 404);
  }
  SECTION("a compressed body is refused before it is inflated") {
    httplib::Headers headers = {{"Content-Encoding", "gzip"}};
    auto res = c->Post(path, headers, std::string(64, '\0'), "application/json");
    REQUIRE(res);
    CHECK(res->status == 415);
  }
}

// Sends raw bytes on a fresh TLS connection and returns everything the server
// answers until it closes the connection or 5 s pass.
std::string RawExchange(int port, const std::string& bytes) {
  TlsClientContext tls;
  UniqueFd fd = ConnectFrom("127.0.0.1", port);
  SSL* ssl = tls.Handshake(fd.get());
  REQUIRE(ssl);
  REQUIRE(SSL_write(ssl, bytes.data(), static_cast<int>(bytes.size())) > 0);
  std::string response;
  char buf[4096];
  auto deadline = steady_clock::now() + seconds(5);
  while (steady_clock::now() < deadline) {
    pollfd pfd{fd.get(), POLLIN, 0};
    if (::poll(&pfd, 1, 200) <= 0) continue;
    int n = SSL_read(ssl, buf, sizeof buf);
    if (n <= 0) break;
    response.append(buf, static_cast<size_t>(n));
  }
  ERR_clear_error();
  SSL_free(ssl);
  return response;
}

size_t CountResponses(const std::string& response) {
  size_t count = 0;
  for (size_t at = response.find("HTTP/1.1 "); at != std::string::npos;
       at = response.find("HTTP/1.1 ", at + 1)) {
    ++count;
  }
  return count;
}

// Found by an adversarial session: a request whose body framing broke, or was
// ambiguous, left its connection in use, and the bytes after it ran as a
// request of their own (a DELETE hidden in a POST's body deleted an object).
TEST_CASE("connections: a request cannot be smuggled inside another one's body",
          "[hostile][integration][apiserver]") {
  TempDir dir;
  ServerProcess server(dir.path());
  const std::string cms = "/api/v1/namespaces/default/configmaps";
  REQUIRE(Client(server)
              ->Post(cms, R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"m1"}})",
                     "application/json")
              ->status == 201);
  const std::string auth = "Authorization: Bearer " + server.AdminToken() + "\r\n";
  const std::string smuggled = "DELETE " + cms + "/m1 HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n";
  struct Probe {
    const char* name;
    std::string head;
    std::string body;
  };
  const std::vector<Probe> probes = {
      {"a chunk size that is not hex", "Transfer-Encoding: chunked\r\n", "zz\r\n"},
      {"Content-Length beside Transfer-Encoding",
       "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"},
      {"two different Content-Length headers", "Content-Length: 0\r\nContent-Length: 40\r\n", ""},
      {"a transfer coding other than chunked",
       "Transfer-Encoding: xchunked\r\nContent-Length: 0\r\n", ""},
  };
  for (const Probe& probe : probes) {
    INFO(probe.name);
    std::string request = "POST " + cms + " HTTP/1.1\r\nHost: x\r\n" + auth +
                          "Content-Type: application/json\r\n" + probe.head + "\r\n" + probe.body +
                          smuggled;
    std::string response = RawExchange(server.port(), request);
    INFO(response.substr(0, 300));
    CHECK(response.rfind("HTTP/1.1 400", 0) == 0);
    CHECK(CountResponses(response) == 1);  // the connection closed after the refusal
    auto got = Client(server)->Get(cms + "/m1");
    REQUIRE(got);
    CHECK(got->status == 200);  // the hidden DELETE never ran
  }
}

TEST_CASE("connection limits count per IPv4 address and per IPv6 /64", "[hostile][apiserver]") {
  auto v4 = [](const char* ip) {
    sockaddr_storage s{};
    auto& a = reinterpret_cast<sockaddr_in&>(s);
    a.sin_family = AF_INET;
    inet_pton(AF_INET, ip, &a.sin_addr);
    return s;
  };
  auto v6 = [](const char* ip) {
    sockaddr_storage s{};
    auto& a = reinterpret_cast<sockaddr_in6&>(s);
    a.sin6_family = AF_INET6;
    inet_pton(AF_INET6, ip, &a.sin6_addr);
    return s;
  };
  using apiserver::ConnectionLimits;
  CHECK(ConnectionLimits::AddressKey(v4("192.0.2.7")) == "192.0.2.7");
  CHECK(ConnectionLimits::AddressKey(v6("2001:db8:0:1::5")) == "2001:db8:0:1::/64");
  CHECK(ConnectionLimits::AddressKey(v6("::ffff:192.0.2.7")) == "192.0.2.7");

  ConnectionLimits limits(3, 2);
  auto a1 = limits.TryAdmit(v6("2001:db8:0:1::5"));
  auto a2 = limits.TryAdmit(v6("2001:db8:0:1::6"));
  CHECK(a1);
  CHECK(a2);
  CHECK_FALSE(limits.TryAdmit(v6("2001:db8:0:1::7")));  // same /64
  auto b1 = limits.TryAdmit(v4("192.0.2.7"));
  CHECK(b1);
  CHECK_FALSE(limits.TryAdmit(v4("192.0.2.8")));  // total
  a1->Release();                                  // authenticated: the slot is free
  CHECK(limits.total() == 2);
  auto a3 = limits.TryAdmit(v6("2001:db8:0:1::7"));
  CHECK(a3);
  a2.reset();  // closed
  a3.reset();
  b1.reset();
  CHECK(limits.total() == 0);
}

}  // namespace
}  // namespace skiff
