// Hostile: one client updating one large object in a loop against a real
// `skiff server` with its default limits. History in SQLite and the watch
// cache's event window were bounded by count only (100,000 revisions, 10,000
// events), so 2,000 updates of a 1 MB ConfigMap took 2.3 GB of memory and 3 GB
// of disk; both are bounded by bytes now (docs/storage.md).
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/apiserver/server_process.h"

namespace skiff::testing {
namespace {

using nlohmann::json;

off_t FileSize(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? st.st_size : 0;
}

TEST_CASE("updating a 1 MB ConfigMap 400 times keeps memory and disk bounded",
          "[apiserver][integration][hostile]") {
  TempDir dir;
  ServerProcess server(dir.path());
  auto client = server.NewClient();
  const std::string path = "/api/v1/namespaces/default/configmaps";
  const std::string blob(1000 * 1000, 'x');
  json cm = {{"apiVersion", "v1"},
             {"kind", "ConfigMap"},
             {"metadata", {{"name", "big"}}},
             {"data", {{"b", blob}}}};
  auto created = client->Post(path, cm.dump(), "application/json");
  REQUIRE(created);
  REQUIRE(created->status == 201);
  auto update = [&](int i) {
    cm["data"]["b"] = blob.substr(0, blob.size() - 8) + std::to_string(10000000 + i);
    auto res = client->Put(path + "/big", cm.dump(), "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
  };
  for (int i = 0; i < 20; ++i) update(i);  // warm: pools, caches, allocator arenas
  long rss_before_kb = ProcStatusKib(server.pid(), "VmRSS");
  REQUIRE(rss_before_kb > 0);
  for (int i = 20; i < 420; ++i) update(i);
  long rss_after_kb = ProcStatusKib(server.pid(), "VmRSS");
  off_t disk = FileSize(dir.path() + "/skiff.db") + FileSize(dir.path() + "/skiff.db-wal");
  INFO("RSS " << rss_before_kb / 1024 << " MB -> " << rss_after_kb / 1024
              << " MB; database and WAL " << disk / (1 << 20) << " MB after 400 MB of updates");
  // Unbounded, both grow by about the 400 MB written.
  CHECK(rss_after_kb - rss_before_kb < 160 * 1024);
  CHECK(disk < off_t{220} << 20);
  // The object is whole and current.
  auto got = client->Get(path + "/big");
  REQUIRE(got);
  REQUIRE(got->status == 200);
  CHECK(json::parse(got->body)["data"]["b"] == cm["data"]["b"]);
}

}  // namespace
}  // namespace skiff::testing
