#include "api/labels/label_index.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace skiff::api {
namespace {

LabelSelector MustParse(std::string_view s) {
  auto r = ParseLabelSelector(s);
  INFO("selector: " << s << " error: " << r.status().ToString());
  REQUIRE(r.ok());
  return *r;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<std::string> BruteForce(const std::map<std::string, Labels>& objects,
                                    const LabelSelector& s) {
  std::vector<std::string> out;
  for (const auto& [id, labels] : objects) {
    if (s.Matches(labels)) out.push_back(id);
  }
  return out;  // std::map: already sorted
}

TEST_CASE("label index selects by equality, set and existence", "[labelindex]") {
  LabelIndex index;
  index.Upsert("default/web-1", Labels{{"app", "web"}, {"tier", "fe"}});
  index.Upsert("default/web-2", Labels{{"app", "web"}, {"tier", "fe"}, {"canary", "true"}});
  index.Upsert("default/db-1", Labels{{"app", "db"}, {"tier", "be"}});
  index.Upsert("default/bare", Labels{});
  CHECK(index.Size() == 4);

  using V = std::vector<std::string>;
  CHECK(Sorted(index.Select(MustParse("app=web"))) == V{"default/web-1", "default/web-2"});
  CHECK(Sorted(index.Select(MustParse("app=web,!canary"))) == V{"default/web-1"});
  CHECK(Sorted(index.Select(MustParse("tier in (fe,be),app!=web"))) == V{"default/db-1"});
  CHECK(Sorted(index.Select(MustParse("canary"))) == V{"default/web-2"});
  CHECK(Sorted(index.Select(MustParse("app notin (web)"))) == V{"default/bare", "default/db-1"});
  CHECK(index.Select(MustParse("app=nope")).empty());
  CHECK(index.Select(MustParse("nokey=x")).empty());
  CHECK(index.Select(MustParse("")).size() == 4);
  CHECK(index.Select(LabelSelector::Nothing()).empty());

  // The candidate set is the smallest posting, not the whole index.
  CHECK(index.CandidateCount(MustParse("app=web,tier=fe")) == 2);
  CHECK(index.CandidateCount(MustParse("tier=fe,canary")) == 1);
  CHECK(index.CandidateCount(MustParse("app in (web,db)")) == 3);
  CHECK(index.CandidateCount(MustParse("app=nope,tier=fe")) == 0);
  CHECK(index.CandidateCount(MustParse("app!=web")) == 4);  // a scan

  // ForEachMatch stops when asked.
  int seen = 0;
  index.ForEachMatch(MustParse("tier"), [&seen](const std::string&) {
    ++seen;
    return false;
  });
  CHECK(seen == 1);
}

TEST_CASE("label index Upsert replaces and Remove forgets", "[labelindex]") {
  LabelIndex index;
  index.Upsert("a", Labels{{"app", "web"}});
  index.Upsert("b", Labels{{"app", "web"}});
  index.Upsert("a", Labels{{"app", "db"}});
  using V = std::vector<std::string>;
  CHECK(index.Size() == 2);
  CHECK(index.Select(MustParse("app=web")) == V{"b"});
  CHECK(index.Select(MustParse("app=db")) == V{"a"});
  REQUIRE(index.Get("a"));
  CHECK(*index.Get("a") == Labels{{"app", "db"}});
  CHECK_FALSE(index.Get("zzz"));
  CHECK(index.Contains("a"));
  CHECK_FALSE(index.Contains("zzz"));

  CHECK(index.Remove("b"));
  CHECK_FALSE(index.Remove("b"));
  CHECK(index.Size() == 1);
  CHECK(index.Select(MustParse("app=web")).empty());
  CHECK(index.CandidateCount(MustParse("app=web")) == 0);
  CHECK(index.Select(MustParse("app")) == V{"a"});

  // A freed slot is reused without leaking the old labels.
  index.Upsert("c", Labels{{"tier", "fe"}});
  CHECK(index.Select(MustParse("app")) == V{"a"});
  CHECK(index.Select(MustParse("tier=fe")) == V{"c"});
  index.Clear();
  CHECK(index.Size() == 0);
  CHECK(index.Select(MustParse("")).empty());
}

TEST_CASE("label index drops interned keys and values no object uses", "[labelindex]") {
  LabelIndex index;
  index.Upsert("keep", Labels{{"app", "web"}});
  size_t baseline = index.ApproximateBytes();
  for (int i = 0; i < 1000; ++i) {
    index.Upsert("p" + std::to_string(i),
                 Labels{{"app", "web"}, {"pod-template-hash", "h" + std::to_string(i)}});
  }
  size_t full = index.ApproximateBytes();
  CHECK(index.CandidateCount(MustParse("pod-template-hash")) == 1000);
  // Relabel every object: the old hash values must not linger.
  for (int i = 0; i < 1000; ++i) {
    index.Upsert("p" + std::to_string(i), Labels{{"app", "web"}, {"pod-template-hash", "new"}});
  }
  CHECK(index.CandidateCount(MustParse("pod-template-hash=h7")) == 0);
  CHECK(index.CandidateCount(MustParse("pod-template-hash=new")) == 1000);
  for (int i = 0; i < 1000; ++i) CHECK(index.Remove("p" + std::to_string(i)));
  CHECK(index.Size() == 1);
  CHECK(index.CandidateCount(MustParse("pod-template-hash")) == 0);
  CHECK(index.Select(MustParse("app=web")) == std::vector<std::string>{"keep"});
  CHECK(index.ApproximateBytes() < full);
  CHECK(index.ApproximateBytes() >= baseline);
  // Freed slots, keys and values are reused.
  index.Upsert("again", Labels{{"pod-template-hash", "h1"}, {"zone", "a"}});
  CHECK(index.Select(MustParse("pod-template-hash=h1,zone=a")) ==
        std::vector<std::string>{"again"});
  CHECK(*index.Get("again") == Labels{{"pod-template-hash", "h1"}, {"zone", "a"}});
}

Labels RandomLabels(std::mt19937_64& rng) {
  static const std::vector<std::string> keys = {"app", "tier", "env", "hash", "canary", "rank"};
  static const std::vector<std::string> values = {"a", "b", "c", "", "1", "20"};
  Labels labels;
  for (const auto& k : keys) {
    if (rng() % 3 == 0) labels.Set(k, values[rng() % values.size()]);
  }
  return labels;
}

LabelSelector RandomSelector(std::mt19937_64& rng) {
  static const std::vector<std::string> keys = {"app",    "tier", "env",    "hash",
                                                "canary", "rank", "missing"};
  static const std::vector<std::string> values = {"a", "b", "c", "", "1", "20", "zz"};
  std::vector<LabelRequirement> reqs;
  size_t n = rng() % 4;
  for (size_t i = 0; i < n; ++i) {
    auto op = static_cast<LabelOperator>(rng() % 8);
    std::vector<std::string> vals;
    if (op == LabelOperator::kIn || op == LabelOperator::kNotIn) {
      for (size_t j = 0, c = 1 + rng() % 3; j < c; ++j)
        vals.push_back(values[rng() % values.size()]);
    } else if (op == LabelOperator::kGreaterThan || op == LabelOperator::kLessThan) {
      vals.push_back(std::to_string(rng() % 25));
    } else if (op == LabelOperator::kEquals || op == LabelOperator::kNotEquals) {
      vals.push_back(values[rng() % values.size()]);
    }
    auto r = LabelRequirement::Make(keys[rng() % keys.size()], op, vals);
    REQUIRE(r.ok());
    reqs.push_back(*r);
  }
  return LabelSelector::FromRequirements(std::move(reqs));
}

TEST_CASE("label index equals a brute-force scan under random churn", "[labelindex]") {
  const uint64_t seed = std::random_device()();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  LabelIndex index;
  std::map<std::string, Labels> model;
  for (int round = 0; round < 40; ++round) {
    for (int op = 0; op < 200; ++op) {
      std::string id = "ns/obj-" + std::to_string(rng() % 500);
      if (rng() % 4 == 0) {
        CHECK(index.Remove(id) == (model.erase(id) == 1));
      } else {
        Labels labels = RandomLabels(rng);
        model[id] = labels;
        index.Upsert(id, std::move(labels));
      }
    }
    REQUIRE(index.Size() == model.size());
    for (int q = 0; q < 50; ++q) {
      LabelSelector s = RandomSelector(rng);
      INFO("round " << round << " selector " << s.ToString());
      std::vector<std::string> want = BruteForce(model, s);
      CHECK(Sorted(index.Select(s)) == want);
      CHECK(index.CandidateCount(s) >= want.size());
      CHECK(index.CandidateCount(s) <= index.Size());
    }
    for (const auto& [id, labels] : model) {
      auto got = index.Get(id);
      REQUIRE(got);
      CHECK(*got == labels);
    }
  }
}

TEST_CASE("label index equality lookups examine only the matching posting", "[labelindex]") {
  LabelIndex index;
  for (int i = 0; i < 10000; ++i) {
    index.Upsert("p" + std::to_string(i),
                 Labels{{"app", "app-" + std::to_string(i % 100)}, {"tier", i % 2 ? "fe" : "be"}});
  }
  LabelSelector s = MustParse("app=app-7,tier=fe");
  CHECK(index.CandidateCount(s) == 100);  // app=app-7, not tier=fe (5000) nor a scan
  CHECK(index.Select(s).size() == 100);
  CHECK(index.CandidateCount(MustParse("app in (app-1,app-2),tier")) == 200);
  CHECK(index.ApproximateBytes() > 10000 * 2 * sizeof(uint32_t));
}

}  // namespace
}  // namespace skiff::api
