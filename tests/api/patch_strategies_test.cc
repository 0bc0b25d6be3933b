// The patch strategy table agrees with the schema, and a strategic merge patch
// on fields without strategies is exactly a JSON merge patch (seeded random).
#include "api/patch/patch_strategies.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "api/patch/patch.h"
#include "api/schema/schema.h"

namespace skiff::api {
namespace {

using nlohmann::json;

TEST_CASE("patch strategies: every entry names a real field of the right shape", "[patch]") {
  auto all = AllPatchStrategies();
  REQUIRE(all.size() >= 30);
  for (const auto& [name, strategy] : all) {
    INFO(name);
    size_t dot = name.find('.');
    REQUIRE(dot != std::string::npos);
    const ObjectType* type = FindType(name.substr(0, dot));
    REQUIRE(type != nullptr);
    const FieldSpec* field = type->FindField(name.substr(dot + 1));
    REQUIRE(field != nullptr);
    if (!strategy.merge) {
      CHECK(field->type.kind == ValueKind::kObject);
      continue;
    }
    REQUIRE(field->type.kind == ValueKind::kArray);
    const TypeRef& element = *field->type.element;
    if (strategy.merge_key.empty()) {
      CHECK(element.is_scalar());
    } else {
      REQUIRE(element.kind == ValueKind::kObject);
      REQUIRE(element.object != nullptr);
      CHECK(element.object->FindField(strategy.merge_key) != nullptr);
    }
  }
}

TEST_CASE("patch strategies: the merge keys kubectl relies on", "[patch]") {
  CHECK(LookupPatchStrategy("PodSpec", "containers").merge_key == "name");
  CHECK(LookupPatchStrategy("PodSpec", "initContainers").merge_key == "name");
  CHECK(LookupPatchStrategy("PodSpec", "volumes").merge_key == "name");
  CHECK(LookupPatchStrategy("PodSpec", "volumes").retain_keys);
  CHECK(LookupPatchStrategy("Container", "ports").merge_key == "containerPort");
  CHECK(LookupPatchStrategy("ServiceSpec", "ports").merge_key == "port");
  CHECK(LookupPatchStrategy("Container", "env").merge_key == "name");
  CHECK(LookupPatchStrategy("Container", "volumeMounts").merge_key == "mountPath");
  CHECK(LookupPatchStrategy("ObjectMeta", "ownerReferences").merge_key == "uid");
  CHECK(LookupPatchStrategy("ObjectMeta", "finalizers").merge);
  CHECK(LookupPatchStrategy("ObjectMeta", "finalizers").merge_key.empty());
  CHECK(LookupPatchStrategy("DeploymentSpec", "strategy").retain_keys);
  // atomic upstream
  CHECK_FALSE(LookupPatchStrategy("PodSpec", "tolerations").merge);
  CHECK_FALSE(LookupPatchStrategy("Container", "args").merge);
  CHECK_FALSE(LookupPatchStrategy("NodeSpec", "taints").merge);
  CHECK_FALSE(LookupPatchStrategy("NoSuchType", "x").merge);
}

// Random JSON without nulls (inside arrays a null would be kept by a merge
// patch but dropped by an SMP, which cleans list elements) and without "$" keys.
class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}
  int Int(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  std::string Key() { return std::string(1, static_cast<char>('a' + Int(5))); }
  json Scalar() {
    switch (Int(3)) {
      case 0:
        return Int(100);
      case 1:
        return Key();
      default:
        return Int(2) == 0;
    }
  }
  json Value(int depth) {
    int pick = depth <= 0 ? 0 : Int(4);
    if (pick <= 1) return Scalar();
    if (pick == 2) {
      json a = json::array();
      for (int i = Int(3); i > 0; --i) a.push_back(Value(depth - 1));
      return a;
    }
    return Object(depth - 1, false);
  }
  json Object(int depth, bool with_nulls) {
    json o = json::object();
    for (int i = Int(4); i > 0; --i) {
      o[Key()] = with_nulls && Int(4) == 0   ? json()
                 : with_nulls && Int(2) == 0 ? Object(depth - 1, true)
                                             : Value(depth);
    }
    return o;
  }

 private:
  std::mt19937 rng_;
};

TEST_CASE("smp: without strategies it is a JSON merge patch (random)", "[patch]") {
  ObjectType free_form;
  free_form.name = "FreeForm";
  // Fixed for determinism; SKIFF_TEST_SEED overrides it to explore.
  uint32_t seed = 20261128;
  if (const char* env = std::getenv("SKIFF_TEST_SEED"))
    seed = static_cast<uint32_t>(std::strtoul(env, nullptr, 10));
  Gen gen(seed);
  for (int i = 0; i < 2000; ++i) {
    json original = gen.Object(3, false);
    json patch = gen.Object(3, true);
    Result<json> smp = ApplyStrategicMergePatch(original, patch, free_form);
    INFO("seed " << seed << " iteration " << i << "\noriginal " << original.dump() << "\npatch "
                 << patch.dump());
    REQUIRE(smp.ok());
    REQUIRE(*smp == MergePatchValue(original, patch));
  }
}

}  // namespace
}  // namespace skiff::api
