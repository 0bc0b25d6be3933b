// Label selection: a full scan of JSON objects versus the LabelIndex.
//
// Builds 100,000 pod-like objects (app=web-N for 100 apps, so app=web-7 selects
// 1%; tier; pod-template-hash; a node name), then times per query:
//   scan:  ParseLabelSelector + MatchesObject over every JSON object
//   index: ParseLabelSelector + LabelIndex::Select
// for an equality selector and a set-based selector that each select 1%, and
// prints the median and p99 over the runs, plus the index's memory.
// Figures only; no assertions. Usage: label_select_bench [objects] [runs]
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "api/labels/label_index.h"
#include "api/labels/label_selector.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr uint64_t kSeed = 20261128;
constexpr int kApps = 100;

size_t HeapInUse() {
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

std::string Hex(std::mt19937_64& rng, int n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < n; ++i) s += kDigits[rng() % 16];
  return s;
}

std::vector<nlohmann::json> MakePods(size_t n, std::mt19937_64& rng) {
  // Each app has a few ReplicaSet revisions, each with its own template hash.
  std::vector<std::vector<std::string>> hashes(kApps);
  for (auto& h : hashes) {
    for (int r = 0; r < 3; ++r) h.push_back(Hex(rng, 10));
  }
  std::vector<nlohmann::json> pods;
  pods.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    int app = static_cast<int>(i % kApps);
    const std::string& hash = hashes[app][rng() % 3];
    // Unique names: the index is keyed by namespace/name.
    std::string name = "web-" + std::to_string(app) + "-" + hash + "-" + std::to_string(i);
    nlohmann::json labels = {{"app", "web-" + std::to_string(app)},
                             {"tier", (i / kApps) % 2 ? "fe" : "be"},
                             {"pod-template-hash", hash}};
    pods.push_back({{"apiVersion", "v1"},
                    {"kind", "Pod"},
                    {"metadata",
                     {{"name", name},
                      {"namespace", "ns-" + std::to_string(i % 20)},
                      {"uid", Hex(rng, 32)},
                      {"labels", std::move(labels)}}},
                    {"spec",
                     {{"nodeName", "node-" + std::to_string(rng() % 500)},
                      {"containers", {{{"name", "web"}, {"image", "nginx:1.27"}}}}}},
                    {"status", {{"phase", "Running"}}}});
  }
  return pods;
}

struct Stats {
  double median_us;
  double p99_us;
  size_t matches;
};

template <typename F>
Stats Time(int runs, F&& query) {
  std::vector<double> us;
  us.reserve(runs);
  size_t matches = 0;
  for (int r = 0; r < runs; ++r) {
    auto start = Clock::now();
    matches = query();
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  std::sort(us.begin(), us.end());
  size_t p99 = std::min(us.size() - 1, static_cast<size_t>(us.size() * 0.99));
  return {us[us.size() / 2], us[p99], matches};
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100000;
  int runs = argc > 2 ? std::atoi(argv[2]) : 100;
  std::mt19937_64 rng(kSeed);
  std::printf("label_select_bench: %zu pod objects, %d runs per row, seed %" PRIu64 "\n", n, runs,
              kSeed);

  size_t heap0 = HeapInUse();
  std::vector<nlohmann::json> pods = MakePods(n, rng);
  size_t heap1 = HeapInUse();

  auto build_start = Clock::now();
  skiff::api::LabelIndex index;
  for (const auto& pod : pods) {
    const auto& meta = pod["metadata"];
    index.Upsert(meta["namespace"].get<std::string>() + "/" + meta["name"].get<std::string>(),
                 skiff::api::Labels::OfObject(pod));
  }
  double build_ms = std::chrono::duration<double, std::milli>(Clock::now() - build_start).count();
  size_t heap2 = HeapInUse();

  std::printf(
      "json objects: %.1f MiB heap; index build: %.1f ms, %.1f MiB heap (%.1f MiB by "
      "ApproximateBytes), %.0f bytes/object\n",
      (heap1 - heap0) / 1048576.0, build_ms, (heap2 - heap1) / 1048576.0,
      index.ApproximateBytes() / 1048576.0,
      static_cast<double>(heap2 - heap1) / static_cast<double>(n));

  const char* selectors[] = {
      "app=web-7",                             // equality, 1%
      "app in (web-7,web-8),tier notin (be)",  // set-based, 1%
      "tier notin (be),!canary",               // no equality/in: index falls back to a scan, 50%
  };
  std::printf("\n%-8s %-40s %8s %12s %12s\n", "method", "selector", "matches", "median_us",
              "p99_us");
  for (const char* text : selectors) {
    int scan_runs = std::max(50, runs / 2);
    Stats scan = Time(scan_runs, [&] {
      auto s = skiff::api::ParseLabelSelector(text);
      size_t count = 0;
      for (const auto& pod : pods) count += s->MatchesObject(pod) ? 1 : 0;
      return count;
    });
    Stats idx = Time(std::max(50, runs), [&] {
      auto s = skiff::api::ParseLabelSelector(text);
      return index.Select(*s).size();
    });
    std::printf("%-8s %-40s %8zu %12.1f %12.1f\n", "scan", text, scan.matches, scan.median_us,
                scan.p99_us);
    std::printf("%-8s %-40s %8zu %12.1f %12.1f\n", "index", text, idx.matches, idx.median_us,
                idx.p99_us);
  }
  Stats parse_only = Time(std::max(50, runs), [] {
    auto s = skiff::api::ParseLabelSelector("app in (web-7,web-8),tier notin (be)");
    return s->requirements().size();
  });
  std::printf("%-8s %-40s %8s %12.2f %12.2f\n", "parse", "app in (web-7,web-8),tier notin (be)",
              "-", parse_only.median_us, parse_only.p99_us);
  return 0;
}
