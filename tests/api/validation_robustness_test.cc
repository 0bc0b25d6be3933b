// Robustness: defaulting and validation of randomly damaged objects never
// throw, and defaulting stays idempotent. Seeded; the seed is printed on failure.
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "api/defaults/defaults.h"
#include "api/validation/validation.h"
#include "tests/api/validation_fixtures.h"

namespace skiff::api {
namespace {

using nlohmann::json;
using testing::Kind;

void CollectPointers(const json& j, const json::json_pointer& at,
                     std::vector<json::json_pointer>& out) {
  out.push_back(at);
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) CollectPointers(v, at / k, out);
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) CollectPointers(j[i], at / i, out);
  }
}

json RandomValue(std::mt19937& rng) {
  static const json kValues[] = {nullptr,
                                 0,
                                 -1,
                                 70000,
                                 1.5,
                                 "",
                                 "x",
                                 "None",
                                 true,
                                 json::array(),
                                 json::object(),
                                 json::array({1, "a", nullptr}),
                                 json{{"a", 1}, {"b", "c"}}};
  std::uniform_int_distribution<size_t> pick(0, std::size(kValues) - 1);
  return kValues[pick(rng)];
}

TEST_CASE("damaged objects never make defaulting or validation throw", "[validation][defaults]") {
  const uint32_t seed = 20261128;
  std::mt19937 rng(seed);
  const std::pair<const char*, json> originals[] = {
      {"Pod", testing::ValidPod()},
      {"Service", testing::ValidService()},
      {"Deployment", testing::ValidDeployment()},
      {"ReplicaSet", testing::ValidReplicaSet()},
      {"Secret",
       json::parse(
           R"({"metadata":{"name":"s","namespace":"d"},"data":{"a":"eA=="},"stringData":{"b":"y"}})")},
      {"ConfigMap",
       json::parse(
           R"({"metadata":{"name":"c","namespace":"d"},"data":{"a":"x"},"binaryData":{"b":"eA=="},"immutable":true})")},
      {"Namespace",
       json::parse(
           R"({"metadata":{"name":"n"},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}})")},
      {"Node",
       json::parse(
           R"({"metadata":{"name":"n"},"spec":{"taints":[{"key":"k","effect":"NoSchedule"}],"podCIDRs":["10.0.0.0/24"]},"status":{"capacity":{"cpu":"1"}}})")},
      {"Endpoints",
       json::parse(
           R"({"metadata":{"name":"e","namespace":"d"},"subsets":[{"addresses":[{"ip":"10.0.0.1"}],"ports":[{"port":80}]}]})")},
      {"Event",
       json::parse(
           R"({"metadata":{"name":"e","namespace":"d"},"involvedObject":{"kind":"Pod","namespace":"d"},"count":1})")},
      {"Lease",
       json::parse(
           R"({"metadata":{"name":"l","namespace":"d"},"spec":{"holderIdentity":"x","leaseDurationSeconds":15}})")},
  };
  for (int iteration = 0; iteration < 400; ++iteration) {
    const auto& [kind, original] = originals[iteration % std::size(originals)];
    json damaged = original;
    std::uniform_int_distribution<int> edits(1, 3);
    for (int e = edits(rng); e > 0; --e) {
      std::vector<json::json_pointer> pointers;
      CollectPointers(damaged, json::json_pointer(), pointers);
      std::uniform_int_distribution<size_t> pick(1, pointers.size() - 1);
      if (pointers.size() < 2) break;
      damaged[pointers[pick(rng)]] = RandomValue(rng);
    }
    INFO("seed " << seed << " iteration " << iteration << " " << kind << ": " << damaged.dump());
    json once = damaged;
    REQUIRE_NOTHROW(ApplyDefaults(Kind(kind), once));
    json twice = once;
    REQUIRE_NOTHROW(ApplyDefaults(Kind(kind), twice));
    CHECK(once == twice);
    REQUIRE_NOTHROW(Validate(Kind(kind), once));
    REQUIRE_NOTHROW(ValidateUpdate(Kind(kind), once, original));
    REQUIRE_NOTHROW(ValidateUpdate(Kind(kind), original, once));
    FieldErrors errs = Validate(Kind(kind), damaged);
    if (!errs.empty()) {
      REQUIRE_NOTHROW(ToInvalidStatus(kind, "x", errs));
    }
  }
}

}  // namespace
}  // namespace skiff::api
