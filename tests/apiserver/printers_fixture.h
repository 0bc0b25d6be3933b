// Helpers shared by the printers tests: a fixed clock, timestamps relative to
// it, and the cells of a one-row Table.
#pragma once

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/kinds.h"
#include "apiserver/printers/table.h"
#include "base/clock.h"

namespace skiff::apiserver::printers_test {

using nlohmann::json;

inline const api::KindInfo& Kind(const char* api_version, const char* kind) {
  const api::KindInfo* k = api::FindKind(api_version, kind);
  REQUIRE(k != nullptr);
  return *k;
}

// A fixed "now" and timestamps relative to it.
struct Fixture {
  FakeClock clock;
  std::string Ago(std::chrono::seconds d) const { return FormatRfc3339(clock.Now() - d); }
  json Meta(const std::string& name, std::chrono::seconds age) const {
    return {{"name", name},
            {"namespace", "default"},
            {"uid", "uid-" + name},
            {"resourceVersion", "42"},
            {"creationTimestamp", Ago(age)}};
  }
  // The cells of the one row of a table of `object` (all columns when wide).
  json Cells(const char* api_version, const char* kind, const json& object,
             bool wide = true) const {
    TableOptions opts;
    opts.wide = wide;
    json table = ToTable(Kind(api_version, kind), {object}, opts, clock, "7");
    REQUIRE(table["rows"].size() == 1);
    REQUIRE(table["rows"][0]["cells"].size() == table["columnDefinitions"].size());
    return table["rows"][0]["cells"];
  }
};

inline json Names(const json& table) {
  json out = json::array();
  for (const json& c : table["columnDefinitions"]) out.push_back(c["name"]);
  return out;
}

inline json RunningContainer(const std::string& name, int restarts) {
  return {{"name", name},     {"ready", true},
          {"started", true},  {"restartCount", restarts},
          {"image", "nginx"}, {"state", {{"running", {{"startedAt", "2025-12-31T00:00:00Z"}}}}}};
}

}  // namespace skiff::apiserver::printers_test
