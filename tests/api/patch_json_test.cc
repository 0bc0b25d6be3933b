// RFC 6902 JSON patch: the RFC's appendix A, pointer escapes, and errors.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "api/patch/patch.h"

namespace skiff::api {
namespace {

using nlohmann::json;

json J(const char* text) { return json::parse(text); }

json MustApply(const char* doc, const char* patch) {
  Result<json> r = ApplyJsonPatch(J(doc), J(patch));
  INFO("doc " << doc << " patch " << patch << ": " << r.status().ToString());
  REQUIRE(r.ok());
  return *r;
}

Status MustFail(const char* doc, const char* patch) {
  Result<json> r = ApplyJsonPatch(J(doc), J(patch));
  INFO("doc " << doc << " patch " << patch);
  REQUIRE_FALSE(r.ok());
  return r.status();
}

TEST_CASE("json patch: RFC 6902 appendix A examples that succeed", "[patch]") {
  // A.1 adding an object member
  CHECK(MustApply(R"({"foo":"bar"})", R"([{"op":"add","path":"/baz","value":"qux"}])") ==
        J(R"({"baz":"qux","foo":"bar"})"));
  // A.2 adding an array element
  CHECK(MustApply(R"({"foo":["bar","baz"]})", R"([{"op":"add","path":"/foo/1","value":"qux"}])") ==
        J(R"({"foo":["bar","qux","baz"]})"));
  // A.3 removing an object member
  CHECK(MustApply(R"({"baz":"qux","foo":"bar"})", R"([{"op":"remove","path":"/baz"}])") ==
        J(R"({"foo":"bar"})"));
  // A.4 removing an array element
  CHECK(MustApply(R"({"foo":["bar","qux","baz"]})", R"([{"op":"remove","path":"/foo/1"}])") ==
        J(R"({"foo":["bar","baz"]})"));
  // A.5 replacing a value
  CHECK(MustApply(R"({"baz":"qux","foo":"bar"})",
                  R"([{"op":"replace","path":"/baz","value":"boo"}])") ==
        J(R"({"baz":"boo","foo":"bar"})"));
  // A.6 moving a value
  CHECK(MustApply(R"({"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}})",
                  R"([{"op":"move","from":"/foo/waldo","path":"/qux/thud"}])") ==
        J(R"({"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}})"));
  // A.7 moving an array element
  CHECK(MustApply(R"({"foo":["all","grass","cows","eat"]})",
                  R"([{"op":"move","from":"/foo/1","path":"/foo/3"}])") ==
        J(R"({"foo":["all","cows","eat","grass"]})"));
  // A.8 testing a value: success
  CHECK(
      MustApply(
          R"({"baz":"qux","foo":["a",2,"c"]})",
          R"([{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}])") ==
      J(R"({"baz":"qux","foo":["a",2,"c"]})"));
  // A.10 adding a nested member object
  CHECK(MustApply(R"({"foo":"bar"})",
                  R"([{"op":"add","path":"/child","value":{"grandchild":{}}}])") ==
        J(R"({"foo":"bar","child":{"grandchild":{}}})"));
  // A.11 ignoring unrecognized elements
  CHECK(MustApply(R"({"foo":"bar"})", R"([{"op":"add","path":"/baz","value":"qux","xyz":123}])") ==
        J(R"({"foo":"bar","baz":"qux"})"));
  // A.14 ~ escape ordering
  CHECK(MustApply(R"({"/":9,"~1":10})", R"([{"op":"test","path":"/~01","value":10}])") ==
        J(R"({"/":9,"~1":10})"));
  // A.16 adding an array value
  CHECK(
      MustApply(R"({"foo":["bar"]})", R"([{"op":"add","path":"/foo/-","value":["abc","def"]}])") ==
      J(R"({"foo":["bar",["abc","def"]]})"));
}

TEST_CASE("json patch: RFC 6902 appendix A examples that fail are 422 Invalid", "[patch]") {
  // A.9 testing a value: error
  Status s = MustFail(R"({"baz":"qux","foo":["a",2,"c"]})",
                      R"([{"op":"test","path":"/baz","value":"bar"}])");
  CHECK(s.code() == Code::kInvalid);
  CHECK(HttpCode(s.code()) == 422);
  CHECK(s.message().find("patch[0]") != std::string::npos);
  CHECK(s.message().find("/baz") != std::string::npos);
  // A.12 adding to a nonexistent target
  s = MustFail(R"({"foo":"bar"})", R"([{"op":"add","path":"/baz/bat","value":"qux"}])");
  CHECK(s.code() == Code::kInvalid);
  CHECK(s.message().find("/baz") != std::string::npos);
  // A.15 comparing strings and numbers
  s = MustFail(R"({"/":9,"~1":10})", R"([{"op":"test","path":"/~01","value":"10"}])");
  CHECK(s.code() == Code::kInvalid);
}

TEST_CASE("json patch: pointers, escapes and the whole document", "[patch]") {
  CHECK(
      MustApply(R"({"a/b":1,"m~n":2})",
                R"([{"op":"replace","path":"/a~1b","value":3},{"op":"remove","path":"/m~0n"}])") ==
      J(R"({"a/b":3})"));
  CHECK(MustApply(R"({"a":1})", R"([{"op":"replace","path":"","value":[1]}])") == J("[1]"));
  CHECK(MustApply(R"({"":{"x":1}})", R"([{"op":"add","path":"/","value":5}])") == J(R"({"":5})"));
  // copy then edit the copy leaves the source alone
  CHECK(MustApply(
            R"({"a":{"b":[1]}})",
            R"([{"op":"copy","from":"/a","path":"/c"},{"op":"add","path":"/c/b/-","value":2}])") ==
        J(R"({"a":{"b":[1]},"c":{"b":[1,2]}})"));
  // a kubectl-style label edit on a pod
  CHECK(
      MustApply(
          R"({"metadata":{"labels":{"app.kubernetes.io/name":"web"}}})",
          R"([{"op":"replace","path":"/metadata/labels/app.kubernetes.io~1name","value":"api"}])") ==
      J(R"({"metadata":{"labels":{"app.kubernetes.io/name":"api"}}})"));
  // 1 and 1.0 are the same number for test
  MustApply(R"({"n":1})", R"([{"op":"test","path":"/n","value":1.0}])");
}

TEST_CASE("json patch: operations that do not apply are 422 Invalid naming the operation",
          "[patch]") {
  const char* doc = R"({"a":[1,2],"o":{"k":"v"}})";
  struct Case {
    const char* patch;
    const char* fragment;
  };
  const Case cases[] = {
      {R"([{"op":"remove","path":"/missing"}])", "/missing"},
      {R"([{"op":"replace","path":"/o/nope","value":1}])", "/o/nope"},
      {R"([{"op":"add","path":"/a/3","value":1}])", "out of range"},
      {R"([{"op":"remove","path":"/a/2"}])", "out of range"},
      {R"([{"op":"remove","path":"/a/-"}])", "out of range"},
      {R"([{"op":"replace","path":"/a/01","value":1}])", "/a/01"},
      {R"([{"op":"add","path":"/o/k/x","value":1}])", "not an object or array"},
      {R"([{"op":"move","from":"/o","path":"/o/child"}])", "own child"},
      {R"([{"op":"copy","from":"/nope","path":"/x"}])", "/nope"},
      {R"([{"op":"remove","path":""}])", "whole document"},
      {R"([{"op":"add","path":"/x","value":1},{"op":"test","path":"/x","value":2}])", "patch[1]"},
  };
  for (const Case& c : cases) {
    Status s = MustFail(doc, c.patch);
    INFO(c.patch << " -> " << s.ToString());
    CHECK(s.code() == Code::kInvalid);
    CHECK(s.message().find(c.fragment) != std::string::npos);
  }
}

TEST_CASE("json patch: malformed patches are BadRequest naming the operation", "[patch]") {
  struct Case {
    const char* patch;
    const char* fragment;
  };
  const Case cases[] = {
      {R"({"op":"add"})", "JSON array"},
      {R"([1])", "patch[0]"},
      {R"([{"path":"/a"}])", "patch[0].op"},
      {R"([{"op":"add","path":"/a","value":1},{"op":"frobnicate","path":"/a"}])", "patch[1].op"},
      {R"([{"op":"add","value":1}])", "patch[0].path"},
      {R"([{"op":"add","path":"a","value":1}])", "patch[0].path"},
      {R"([{"op":"add","path":"/a~2","value":1}])", "invalid escape"},
      {R"([{"op":"replace","path":"/a"}])", "patch[0].value"},
      {R"([{"op":"test","path":"/a"}])", "patch[0].value"},
      {R"([{"op":"move","path":"/a"}])", "patch[0].from"},
      {R"([{"op":"copy","path":"/a","from":7}])", "patch[0].from"},
  };
  for (const Case& c : cases) {
    Status s = MustFail(R"({"a":1})", c.patch);
    INFO(c.patch << " -> " << s.ToString());
    CHECK(s.code() == Code::kBadRequest);
    CHECK(s.message().find(c.fragment) != std::string::npos);
  }
}

TEST_CASE("json patch: more than the maximum operations is TooLarge", "[patch]") {
  json ops = json::array();
  for (size_t i = 0; i <= kMaxJsonPatchOperations; ++i)
    ops.push_back({{"op", "test"}, {"path", ""}, {"value", 1}});
  Result<json> r = ApplyJsonPatch(json(1), ops);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kTooLarge);
  ops.erase(ops.size() - 1);
  CHECK(ApplyJsonPatch(json(1), ops).ok());
}

}  // namespace
}  // namespace skiff::api
