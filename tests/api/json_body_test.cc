// The decode boundary under hostile input: nesting bounds for JSON and YAML
// (checked before anything recursive runs), alias bombs, bytes that are not
// UTF-8, duplicate keys; and every recursive walk at the bound on a small stack.
#include "api/json_body.h"

#include <catch2/catch.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "api/decode.h"
#include "api/defaults/defaults.h"
#include "api/patch/patch.h"
#include "api/validation/validation.h"
#include "api/yaml.h"
#include "tests/api/alias_bomb.h"
#include "tests/small_stack.h"

namespace skiff::api {
namespace {

using nlohmann::json;
using skiff::testing::OnSmallStack;

std::string DeepObjects(int depth) {
  std::string out;
  for (int i = 0; i < depth; ++i) out += "{\"a\":";
  return out + "1" + std::string(depth, '}');
}

std::string DeepArrays(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

bool NamesLimit(const Status& s) {
  return s.code() == Code::kBadRequest &&
         s.message().find("more than 100 levels deep (the limit)") != std::string::npos;
}

TEST_CASE("JSON bodies nest at most kMaxNestingDepth deep", "[api][json][hostile]") {
  CHECK(ParseJsonBody(DeepObjects(kMaxNestingDepth)).ok());
  CHECK(ParseJsonBody(DeepArrays(kMaxNestingDepth)).ok());
  for (int depth : {kMaxNestingDepth + 1, 60000, 1000000}) {
    Result<JsonBody> objects = ParseJsonBody(DeepObjects(depth));
    REQUIRE_FALSE(objects.ok());
    CHECK(NamesLimit(objects.status()));
    Result<JsonBody> arrays = ParseJsonBody(DeepArrays(depth));
    REQUIRE_FALSE(arrays.ok());
    CHECK(NamesLimit(arrays.status()));
  }
  // A syntax error still names its place.
  Result<JsonBody> bad = ParseJsonBody("{\n  \"a\": tru }");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("json parse error at line 2, column") == 0);
}

TEST_CASE("NestingDepth measures any value without recursion", "[api][json][hostile]") {
  CHECK(NestingDepth(json(1)) == 0);
  CHECK(NestingDepth(json::object()) == 1);
  CHECK(NestingDepth(json::parse(R"({"a":[1,{"b":[]}],"c":{}})")) == 4);
  json deep = json::array();
  for (int i = 0; i < 1000000; ++i) deep = json::array({std::move(deep)});
  CHECK(NestingDepth(deep) == 1000001);
  CHECK(NamesLimit(CheckNestingDepth(deep, "the patched object")));
}

TEST_CASE("bytes that are not UTF-8 become U+FFFD inside JSON strings", "[api][json][hostile]") {
  Result<JsonBody> r = ParseJsonBody("{\"a\":\"x\xff\xc3y\"}");
  REQUIRE(r.ok());
  CHECK(r->value["a"] == "x\xEF\xBF\xBD\xEF\xBF\xBDy");
  // Outside a string such a byte is a syntax error, and the message carries no raw byte.
  Result<JsonBody> outside = ParseJsonBody("{\"a\":\xff}");
  REQUIRE_FALSE(outside.ok());
  CHECK(outside.status().code() == Code::kBadRequest);
  CHECK_NOTHROW(json(outside.status().message()).dump());
  // DumpJson never throws on such bytes.
  CHECK(DumpJson(json("a\xff")) == "\"a\xEF\xBF\xBD\"");
}

TEST_CASE("duplicate keys are reported by path and decoded by the field validation mode",
          "[api][json][hostile]") {
  const char* body = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","name":"b"},
                        "data":{"k":"1","k":"2"},"binaryData":{}})";
  Result<JsonBody> r = ParseJsonBody(body);
  REQUIRE(r.ok());
  CHECK(r->value["metadata"]["name"] == "b");  // the last wins, as in Go
  CHECK(r->duplicate_fields == std::vector<std::string>{"metadata.name", "data.k"});
  Result<JsonBody> in_list = ParseJsonBody(R"({"a":[{"x":1},{"x":1,"x":2}]})");
  REQUIRE(in_list.ok());
  CHECK(in_list->duplicate_fields == std::vector<std::string>{"a[1].x"});

  Result<Decoded> strict = Decode(r->value, FieldValidation::kStrict, r->duplicate_fields);
  REQUIRE_FALSE(strict.ok());
  CHECK(strict.status().message() ==
        "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: "
        "duplicate field \"metadata.name\", duplicate field \"data.k\"");
  Result<Decoded> warn = Decode(r->value, FieldValidation::kWarn, r->duplicate_fields);
  REQUIRE(warn.ok());
  CHECK(warn->warnings == std::vector<std::string>{"duplicate field \"metadata.name\"",
                                                   "duplicate field \"data.k\""});
  Result<Decoded> ignore = Decode(r->value, FieldValidation::kIgnore, r->duplicate_fields);
  REQUIRE(ignore.ok());
  CHECK(ignore->warnings.empty());
}

TEST_CASE("YAML documents nest at most kMaxNestingDepth deep, before yaml-cpp recurses",
          "[api][yaml][hostile]") {
  auto flow = [](int depth) {
    return "a: " + std::string(depth, '[') + std::string(depth, ']') + "\n";
  };
  auto block = [](int depth) {
    std::string out = "a:\n";
    for (int i = 0; i < depth; ++i) out += "- ";
    return out + "1\n";
  };
  CHECK(ParseYamlDocuments(flow(kMaxNestingDepth - 1), "ok.yaml").ok());
  CHECK(ParseYamlDocuments(block(kMaxNestingDepth - 1), "ok.yaml").ok());
  for (int depth : {kMaxNestingDepth, 1999, 2000, 200000}) {
    INFO("depth " << depth);
    Result<std::vector<YamlDocument>> f = ParseYamlDocuments(flow(depth), "deep.yaml");
    REQUIRE_FALSE(f.ok());
    CHECK(NamesLimit(f.status()));
    Result<std::vector<YamlDocument>> b = ParseYamlDocuments(block(depth), "deep.yaml");
    REQUIRE_FALSE(b.ok());
    CHECK(NamesLimit(b.status()));
  }
}

TEST_CASE("YAML aliases are bounded by what they expand to, before they expand",
          "[api][yaml][hostile]") {
  std::string bomb = skiff::testing::AliasBomb();
  Result<std::vector<YamlDocument>> r = ParseYamlDocuments(bomb, "bomb.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("aliases expand the document past 65536 bytes") !=
        std::string::npos);

  // Ordinary reuse of anchors is fine, merge keys included.
  std::string reuse =
      "base: &base {image: busybox, imagePullPolicy: IfNotPresent}\n"
      "containers:\n- <<: *base\n  name: a\n- <<: *base\n  name: b\n";
  Result<std::vector<YamlDocument>> ok = ParseYamlDocuments(reuse, "reuse.yaml");
  REQUIRE(ok.ok());
  CHECK((*ok)[0].object["containers"][1]["image"] == "busybox");

  // A node that contains an alias of itself.
  for (const char* cycle :
       {"a: &a [*a]\n", "a: &a {b: *a}\n", "x: 1\n---\na: &a [1]\n---\nb: &a [*a]\n"}) {
    Result<std::vector<YamlDocument>> c = ParseYamlDocuments(cycle, "cycle.yaml");
    INFO(cycle);
    REQUIRE_FALSE(c.ok());
  }
}

TEST_CASE("YAML duplicate keys are reported by path", "[api][yaml][hostile]") {
  Result<std::vector<YamlDocument>> r = ParseYamlDocuments(
      "metadata:\n  name: a\n  name: b\nspec:\n  list:\n  - {x: 1, x: 2}\n", "dup.yaml");
  REQUIRE(r.ok());
  CHECK((*r)[0].object["metadata"]["name"] == "b");
  CHECK((*r)[0].duplicate_fields == std::vector<std::string>{"metadata.name", "spec.list[0].x"});
}

TEST_CASE("a JSON patch may not nest the object past the limit nor copy without bound",
          "[api][patch][hostile]") {
  // Each operation adds a level below the last: shallow operations, a deep result.
  json chain = json::array({{{"op", "add"}, {"path", "/a"}, {"value", json::object()}}});
  std::string path = "/a";
  for (int i = 0; i < 150; ++i) {
    path += "/a";
    chain.push_back({{"op", "add"}, {"path", path}, {"value", json::object()}});
  }
  Result<json> deep = ApplyJsonPatch(json::object(), chain);
  REQUIRE_FALSE(deep.ok());
  CHECK(NamesLimit(deep.status()));
  // Copies of the document into itself double it each time.
  json doubling = json::array();
  for (int i = 0; i < 64; ++i) {
    doubling.push_back({{"op", "copy"}, {"from", "/m"}, {"path", "/m/c" + std::to_string(i)}});
  }
  Result<json> copies = ApplyJsonPatch(json{{"m", {{"x", std::string(100, 'x')}}}}, doubling);
  REQUIRE_FALSE(copies.ok());
  CHECK(copies.status().code() == Code::kTooLarge);
}

TEST_CASE("every walk over a body at the nesting limit fits a 256 KiB stack", "[api][hostile]") {
  // The deepest document a body may be, under a Deployment's spec and metadata.
  std::string inner = DeepObjects(kMaxNestingDepth - 3);
  std::string text =
      R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","annotations":)" +
      inner + R"(},"spec":{"template":)" + inner + "}}";
  Result<JsonBody> body = ParseJsonBody(text);
  REQUIRE(body.ok());
  const ObjectType* type = TypeForKind(*FindKind("apps/v1", "Deployment"));
  REQUIRE(type != nullptr);
  bool done = false;
  OnSmallStack(256 * 1024, [&] {
    const json& doc = body->value;
    json copy = doc;
    (void)(copy == doc);
    (void)DumpJson(doc);
    (void)ToYaml(doc);
    (void)Decode(doc, FieldValidation::kWarn);
    (void)ApplyMergePatch(doc, doc);
    (void)ApplyStrategicMergePatch(doc, doc, *type);
    json replace = doc;
    replace["spec"]["$patch"] = "replace";
    (void)ApplyStrategicMergePatch(doc, replace, *type);
    (void)ApplyJsonPatch(
        doc, json::array({{{"op", "copy"}, {"from", "/spec"}, {"path", "/status"}},
                          {{"op", "test"}, {"path", "/spec"}, {"value", doc["spec"]}}}));
    // Decoding drops what the schema does not know; what is left is walked too.
    json known = doc;
    known["metadata"].erase("annotations");
    Result<Decoded> decoded = Decode(known, FieldValidation::kIgnore);
    if (decoded.ok()) {
      ApplyDefaults(*FindKind("apps/v1", "Deployment"), decoded->object);
      (void)Validate(*FindKind("apps/v1", "Deployment"), decoded->object);
    }
    done = true;
  });
  CHECK(done);
}

}  // namespace
}  // namespace skiff::api
