#include "api/yaml.h"

#include <catch2/catch.hpp>
#include <functional>
#include <random>

#include "api/decode.h"
#include "tests/api/manifest_fixture.h"

namespace skiff::api {
namespace {

using nlohmann::json;

json ParseOne(const std::string& text) {
  Result<std::vector<YamlDocument>> docs = ParseYamlDocuments(text, "t.yaml");
  INFO(docs.status().ToString());
  REQUIRE(docs.ok());
  REQUIRE(docs->size() == 1);
  return (*docs)[0].object;
}

TEST_CASE("YAML scalars convert as sigs.k8s.io/yaml does", "[yaml]") {
  json o = ParseOne(R"(
s: hello
quoted: "true"
single: '42'
t: true
T: True
f: FALSE
n1: null
n2: ~
n3:
i: 42
neg: -7
hex: 0x1F
oct: 0o17
legacy_oct: 0644
big: 18446744073709551615
fl: 1.5
exp: 1e3
dot: .5
ver: 1.2.3
yes_word: yes
inf: .inf
colon: a:b
date: 2024-05-01
literal: |
  one
  two
folded: >
  one
  two
)");
  CHECK(o["s"] == "hello");
  CHECK(o["quoted"] == "true");
  CHECK(o["single"] == "42");
  CHECK(o["t"] == true);
  CHECK(o["T"] == true);
  CHECK(o["f"] == false);
  CHECK(o["n1"].is_null());
  CHECK(o["n2"].is_null());
  CHECK(o["n3"].is_null());
  CHECK(o["i"] == 42);
  CHECK(o["neg"] == -7);
  CHECK(o["hex"] == 31);
  CHECK(o["oct"] == 15);
  CHECK(o["legacy_oct"] == 420);
  CHECK(o["big"].is_number_unsigned());
  CHECK(o["fl"] == 1.5);
  CHECK(o["exp"] == 1000.0);
  CHECK(o["dot"] == 0.5);
  CHECK(o["ver"] == "1.2.3");
  CHECK(o["yes_word"] == "yes");
  CHECK(o["inf"] == ".inf");
  CHECK(o["colon"] == "a:b");
  CHECK(o["date"] == "2024-05-01");
  CHECK(o["literal"] == "one\ntwo\n");
  CHECK(o["folded"] == "one two\n");
}

TEST_CASE("explicit tags, anchors and merge keys", "[yaml]") {
  json o = ParseOne(R"(
str: !!str 123
int: !!int "7"
base: &base {a: 1, b: 2}
ref: *base
merged:
  <<: *base
  b: 3
)");
  CHECK(o["str"] == "123");
  CHECK(o["int"] == 7);
  CHECK(o["ref"] == json({{"a", 1}, {"b", 2}}));
  CHECK(o["merged"] == json({{"a", 1}, {"b", 3}}));
  Result<std::vector<YamlDocument>> bad = ParseYamlDocuments("a: !!int x\n", "t.yaml");
  CHECK_FALSE(bad.ok());
}

TEST_CASE("multi-document streams skip empty documents and keep lines", "[yaml]") {
  Result<std::vector<YamlDocument>> docs = ParseYamlDocuments(R"(# leading comment
---
apiVersion: v1
kind: Namespace
metadata: {name: a}
---
---
# only a comment
---
apiVersion: v1
kind: Namespace
metadata:
  name: b
)",
                                                              "ns.yaml");
  REQUIRE(docs.ok());
  REQUIRE(docs->size() == 2);
  CHECK((*docs)[0].line == 3);
  CHECK((*docs)[0].object["metadata"]["name"] == "a");
  CHECK((*docs)[1].line == 10);
  CHECK(ParseYamlDocuments("", "e.yaml")->empty());
  CHECK(ParseYamlDocuments("---\n", "e.yaml")->empty());
}

TEST_CASE("List documents expand into their items", "[yaml]") {
  Result<std::vector<YamlDocument>> docs = ParseYamlDocuments(R"(apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: a}
- apiVersion: v1
  kind: Secret
  metadata: {name: b}
---
apiVersion: v1
kind: PodList
metadata: {}
items:
- metadata: {name: p}
  spec: {containers: [{name: c, image: i}]}
)",
                                                              "list.yaml");
  REQUIRE(docs.ok());
  REQUIRE(docs->size() == 3);
  CHECK((*docs)[0].object["kind"] == "ConfigMap");
  CHECK((*docs)[0].line == 4);
  CHECK((*docs)[1].object["kind"] == "Secret");
  CHECK((*docs)[1].line == 7);
  CHECK((*docs)[2].object["kind"] == "Pod");
  CHECK((*docs)[2].object["apiVersion"] == "v1");
  CHECK((*docs)[2].line == 15);
  CHECK(Decode((*docs)[2].object, FieldValidation::kStrict).ok());
}

TEST_CASE("YAML syntax errors name source, line and column", "[yaml]") {
  Result<std::vector<YamlDocument>> r = ParseYamlDocuments(
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n   bad: x\n", "web.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kBadRequest);
  CHECK(r.status().message().rfind("web.yaml:5:", 0) == 0);

  r = ParseYamlDocuments("a: 1\n---\nb: [1, 2\n", "flow.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().rfind("flow.yaml:", 0) == 0);

  r = ParseYamlDocuments("- a\n- b\n", "seq.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().rfind("seq.yaml:1:1: expected a mapping", 0) == 0);

  r = ParseYamlDocuments("just a string\n", "s.yaml");
  CHECK_FALSE(r.ok());
}

TEST_CASE("alias bombs fail instead of exhausting memory", "[yaml]") {
  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
    for (int j = 0; j < 9; ++j) bomb += ", " + prev;
    bomb += "]\n";
  }
  Result<std::vector<YamlDocument>> r = ParseYamlDocuments(bomb, "bomb.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("aliases expand the document past 65536 bytes") != std::string::npos);
}

TEST_CASE("ToYaml prints like kubectl", "[yaml]") {
  json o = {{"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata", {{"name", "c"}, {"labels", {{"app", "web"}}}}},
            {"data",
             {{"port", "8080"},
              {"flag", "true"},
              {"word", "yes"},
              {"empty", ""},
              {"colon", "a: b"},
              {"script", "echo hi\necho bye\n"},
              {"quote", "it's"}}},
            {"list", json::array({1,
                                  "two",
                                  json::object(),
                                  json::array({"x", "y"}),
                                  {{"k", "v"}, {"k2", json::array({"z"})}}})},
            {"none", json::array()}};
  std::string want = R"(apiVersion: v1
data:
  colon: 'a: b'
  empty: ""
  flag: 'true'
  port: '8080'
  quote: it's
  script: |
    echo hi
    echo bye
  word: 'yes'
kind: ConfigMap
list:
- 1
- two
- {}
- - x
  - "y"
- k: v
  k2:
  - z
metadata:
  labels:
    app: web
  name: c
none: []
)";
  // 'y' alone is a YAML 1.1 boolean, so it is quoted; either quote style is fine.
  std::string got = ToYaml(o);
  std::string norm = got;
  if (size_t p = norm.find("- 'y'"); p != std::string::npos) norm.replace(p, 5, "- \"y\"");
  CHECK(norm == want);
}

TEST_CASE("round trip YAML → JSON → YAML → JSON is stable", "[yaml]") {
  std::string text = testing::ReadManifest("examples/web.yaml");
  REQUIRE_FALSE(text.empty());
  Result<std::vector<YamlDocument>> first = ParseYamlDocuments(text, "web.yaml");
  REQUIRE(first.ok());
  REQUIRE(first->size() == 5);
  for (const auto& doc : *first) {
    std::string yaml = ToYaml(doc.object);
    Result<std::vector<YamlDocument>> again = ParseYamlDocuments(yaml, "again.yaml");
    INFO(yaml);
    REQUIRE(again.ok());
    REQUIRE(again->size() == 1);
    CHECK((*again)[0].object == doc.object);
  }
}

// Random JSON values (strings drawn from tricky alphabets) survive ToYaml and back.
TEST_CASE("round trip of random values", "[yaml]") {
  const uint32_t seed = 20241128;
  std::mt19937 rng(seed);
  INFO("seed " << seed);
  const std::vector<std::string> atoms = {
      "",      "a",      " ",      "true", "null",  "~",   "-",   "- x",   "#c",   "a #b",
      "a: b",  "x:",     "0644",   "1e3",  "0x1F",  ".5",  "'",   "\"",    "\\",   "\n",
      "a\nb",  "a\n",    "a\n\n",  "\t",   "é",     "{",   "[1]", "*a",    "&a",   "!t",
      "%",     "@",      "`",      "---",  "...",   "? q", "yes", "No",    "ON",   "y",
      " lead", "trail ", "a\r\nb", "\x01", "1.2.3", "+1",  "-1",  "1_000", ".inf", "=",
  };
  std::function<json(int)> gen = [&](int depth) -> json {
    int pick = static_cast<int>(rng() % (depth > 3 ? 4 : 7));
    switch (pick) {
      case 0: {
        std::string s;
        int n = static_cast<int>(rng() % 3) + 1;
        for (int i = 0; i < n; ++i) s += atoms[rng() % atoms.size()];
        return s;
      }
      case 1:
        return static_cast<int64_t>(rng() % 2000) - 1000;
      case 2:
        return (rng() % 2) == 0;
      case 3:
        return static_cast<double>(rng() % 1000) / 8.0 + 0.125;
      case 4: {
        json a = json::array();
        int n = static_cast<int>(rng() % 4);
        for (int i = 0; i < n; ++i) a.push_back(gen(depth + 1));
        return a;
      }
      default: {
        json o = json::object();
        int n = static_cast<int>(rng() % 4);
        for (int i = 0; i < n; ++i) o[atoms[rng() % atoms.size()] + "k"] = gen(depth + 1);
        return o;
      }
    }
  };
  for (int i = 0; i < 300; ++i) {
    json value = json::object();
    value["v"] = gen(0);
    std::string yaml = ToYaml(value);
    INFO("case " << i << "\n" << value.dump() << "\n" << yaml);
    Result<std::vector<YamlDocument>> back = ParseYamlDocuments(yaml, "rand.yaml");
    REQUIRE(back.ok());
    REQUIRE(back->size() == 1);
    CHECK((*back)[0].object == value);
  }
}

}  // namespace
}  // namespace skiff::api

namespace skiff::api {
namespace {

// Garbage in, a clean result or a BadRequest out: never a crash or exception.
TEST_CASE("random bytes never escape as exceptions", "[yaml]") {
  const uint32_t seed = 7;
  std::mt19937 rng(seed);
  INFO("seed " << seed);
  const std::string alphabet = "ab:- \n\t[]{}#&*!|>'\"%@`,?~0.1e\\";
  for (int i = 0; i < 2000; ++i) {
    std::string text;
    size_t n = rng() % 40;
    for (size_t j = 0; j < n; ++j) text += alphabet[rng() % alphabet.size()];
    Result<std::vector<YamlDocument>> r = ParseYamlDocuments(text, "fuzz.yaml");
    if (!r.ok()) {
      INFO(text);
      CHECK(r.status().code() == Code::kBadRequest);
      CHECK(r.status().message().rfind("fuzz.yaml", 0) == 0);
    }
  }
  std::string deep = "a: " + std::string(5000, '[') + std::string(5000, ']') + "\n";
  CHECK_FALSE(ParseYamlDocuments(deep, "deep.yaml").ok());
}

// Found by fuzz/yaml_documents_fuzz.cc: such a string was accepted and then
// made ToYaml (and any JSON dump) throw.
TEST_CASE("bytes that are not UTF-8 are rejected with their place", "[yaml]") {
  for (const std::string bad : {"\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
    Result<std::vector<YamlDocument>> r =
        ParseYamlDocuments("kind: Pod\nname: 'a" + bad + "'\n", "bad.yaml");
    INFO(r.status().ToString());
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kBadRequest);
    CHECK(r.status().message() == "bad.yaml:2:9: invalid UTF-8 byte");
  }
  // UTF-8 input from which yaml-cpp still makes a scalar that is not UTF-8.
  const std::string surrogate_escape = "name: \"\\uD800\"\n";
  const std::string nul_in_flow_map("a: {x: b\x07\x00N, y: 1}\n", 19);
  for (const std::string& text : {surrogate_escape, nul_in_flow_map}) {
    Result<std::vector<YamlDocument>> r = ParseYamlDocuments(text, "esc.yaml");
    INFO(r.status().ToString());
    CHECK_FALSE(r.ok());
  }
  json object = ParseOne("name: \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3\"\n");
  CHECK(object["name"] == "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3");
}

}  // namespace
}  // namespace skiff::api

namespace skiff::api {
namespace {

TEST_CASE("ToYaml writes a key longer than 1024 characters as an explicit key", "[yaml]") {
  std::string key = "k" + std::string(2000, '[');
  nlohmann::json obj = {{key, nullptr}, {"b", {{key, 1}}}};
  std::string text = ToYaml(obj);
  CHECK(text.find("? k[[") != std::string::npos);
  Result<std::vector<YamlDocument>> back = ParseYamlDocuments(text, "long.yaml");
  REQUIRE(back.ok());
  CHECK((*back)[0].object == obj);
}

}  // namespace
}  // namespace skiff::api
