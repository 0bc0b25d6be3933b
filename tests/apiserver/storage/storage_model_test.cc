// Model-based test: random operations (seeded) against a backend and a trivial
// model (a snapshot of the key map per revision plus the event log), comparing
// every result, lists at random past revisions, and the complete event
// sequences of two watchers. Set SKIFF_TEST_SEED to replay one seed.
#include "tests/apiserver/storage/storage_model.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "apiserver/storage/storage.h"
#include "tests/apiserver/storage/storage_test_util.h"

namespace skiff::storage {
namespace {

using testing::Drain;
using testing::MemoryBackend;
using testing::Model;
using testing::SqliteBackend;

// Compares outcomes: both OK with equal values, or both failed with one code.
void Same(const Result<KeyValue>& got, const Result<KeyValue>& want) {
  REQUIRE(got.status().code() == want.status().code());
  if (want.ok()) REQUIRE(*got == *want);
}

std::vector<uint64_t> Seeds() {
  if (const char* env = std::getenv("SKIFF_TEST_SEED")) return {std::strtoull(env, nullptr, 10)};
  return {1, 2, 3};
}

template <typename Backend>
void RunModel(uint64_t seed, int ops) {
  INFO("seed " << seed << " (rerun with SKIFF_TEST_SEED=" << seed << ")");
  Backend backend;
  auto store = backend.Open(/*watch_buffer=*/100000);
  Model model;
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  const std::vector<std::string> dirs = {"/a/", "/a/b/", "/ab/", "/c/"};
  auto random_key = [&] { return dirs[pick(4)] + std::to_string(pick(6)); };
  auto random_prefix = [&] {
    const std::vector<std::string> prefixes = {"", "/a", "/a/", "/a/b/", "/ab/", "/c/", "/z/"};
    return prefixes[pick(static_cast<int>(prefixes.size()))];
  };

  auto all = store->Watch("/", 0);
  REQUIRE(all.ok());
  std::unique_ptr<Watcher> late;
  int64_t late_from = 0;
  std::string late_prefix;

  for (int i = 0; i < ops; ++i) {
    INFO("op " << i);
    int op = pick(100);
    std::string key = random_key();
    auto current_rev = [&](const std::string& k) -> int64_t {
      auto it = model.current().find(k);
      return it == model.current().end() ? 7 : it->second.mod_revision;
    };
    if (op < 25) {
      Same(store->Create(key, "c" + std::to_string(i)), model.Create(key, "c" + std::to_string(i)));
    } else if (op < 50) {
      int64_t expected = pick(3) == 0 ? 0 : pick(4) == 0 ? current_rev(key) - 1 : current_rev(key);
      std::string value = "u" + std::to_string(i);
      Same(store->Update(key, value, expected), model.Update(key, value, expected));
    } else if (op < 62) {
      int64_t expected = pick(2) == 0 ? 0 : pick(4) == 0 ? current_rev(key) + 1 : current_rev(key);
      Same(store->Delete(key, expected), model.Delete(key, expected));
    } else if (op < 70) {
      auto it = model.current().find(key);
      Result<KeyValue> got = store->Get(key);
      if (it == model.current().end()) {
        REQUIRE(got.status().code() == Code::kNotFound);
      } else {
        REQUIRE(got.ok());
        REQUIRE(*got == it->second);
      }
    } else if (op < 92) {
      ListOptions opts;
      int64_t floor = std::max<int64_t>(model.compacted, 1);
      if (pick(2) == 0 && model.revision() >= floor) {
        opts.revision = floor + pick(static_cast<int>(model.revision() - floor + 1));
      }
      opts.limit = pick(3) == 0 ? 1 + pick(4) : 0;
      if (pick(3) == 0) opts.start_after = random_key();
      std::string prefix = random_prefix();
      Result<ListResult> got = store->List(prefix, opts);
      REQUIRE(got.ok());
      int64_t at = opts.revision == 0 ? model.revision() : opts.revision;
      bool more = false;
      std::vector<KeyValue> want = model.List(prefix, at, opts.start_after, opts.limit, &more);
      INFO("list " << prefix << " at " << at << " after " << opts.start_after << " limit "
                   << opts.limit);
      REQUIRE(got->revision == at);
      REQUIRE(got->items == want);
      REQUIRE(got->more == more);
      Result<int64_t> count = store->Count(prefix);
      REQUIRE(count.ok());
      bool unused = false;
      REQUIRE(*count ==
              static_cast<int64_t>(model.List(prefix, model.revision(), "", 0, &unused).size()));
    } else if (op < 95) {
      if (model.revision() > model.compacted + 10) {
        int64_t target =
            model.compacted + pick(static_cast<int>(model.revision() - model.compacted));
        REQUIRE(store->Compact(target).ok());
        model.compacted = std::max(model.compacted, target);
        REQUIRE(store->CompactedRevision() == model.compacted);
        if (model.compacted > 1) {
          ListOptions old;
          old.revision = model.compacted - 1;
          REQUIRE(store->List("/", old).status().code() == Code::kGone);
        }
      }
    } else if (!late && model.revision() > model.compacted) {
      late_from = model.compacted + 1 + pick(static_cast<int>(model.revision() - model.compacted));
      late_prefix = random_prefix();
      auto w = store->Watch(late_prefix, late_from);
      REQUIRE(w.ok());
      late = std::move(w).value();
    }
    REQUIRE(store->CurrentRevision() == model.revision());
  }

  std::vector<Event> seen = Drain(**all, model.log().size());
  REQUIRE(seen == model.log());
  if (late) {
    std::vector<Event> want;
    for (const Event& e : model.log()) {
      if (e.kv.mod_revision > late_from &&
          e.kv.key.compare(0, late_prefix.size(), late_prefix) == 0) {
        want.push_back(e);
      }
    }
    INFO("late watcher on " << late_prefix << " from " << late_from);
    REQUIRE(Drain(*late, want.size()) == want);
  }
}

TEST_CASE("model: memory backend matches the model", "[storage][model]") {
  for (uint64_t seed : Seeds()) RunModel<MemoryBackend>(seed, 3000);
}

TEST_CASE("model: sqlite backend matches the model", "[storage][model]") {
  for (uint64_t seed : Seeds()) RunModel<SqliteBackend>(seed, 800);
}

}  // namespace
}  // namespace skiff::storage
