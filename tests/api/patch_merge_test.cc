// RFC 7386 JSON merge patch, and the merge patches kubectl sends.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "api/patch/patch.h"

namespace skiff::api {
namespace {

using nlohmann::json;

json J(const char* text) { return json::parse(text); }

TEST_CASE("merge patch: the examples of RFC 7386 appendix A", "[patch]") {
  struct Case {
    const char* original;
    const char* patch;
    const char* result;
  };
  const Case cases[] = {
      {R"({"a":"b"})", R"({"a":"c"})", R"({"a":"c"})"},
      {R"({"a":"b"})", R"({"b":"c"})", R"({"a":"b","b":"c"})"},
      {R"({"a":"b"})", R"({"a":null})", R"({})"},
      {R"({"a":"b","b":"c"})", R"({"a":null})", R"({"b":"c"})"},
      {R"({"a":["b"]})", R"({"a":"c"})", R"({"a":"c"})"},
      {R"({"a":"c"})", R"({"a":["b"]})", R"({"a":["b"]})"},
      {R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})", R"({"a":{"b":"d"}})"},
      {R"({"a":[{"b":"c"}]})", R"({"a":[1]})", R"({"a":[1]})"},
      {R"(["a","b"])", R"(["c","d"])", R"(["c","d"])"},
      {R"({"a":"b"})", R"(["c"])", R"(["c"])"},
      {R"({"a":"foo"})", R"(null)", R"(null)"},
      {R"({"a":"foo"})", R"("bar")", R"("bar")"},
      {R"({"e":null})", R"({"a":1})", R"({"e":null,"a":1})"},
      {R"([1,2])", R"({"a":"b","c":null})", R"({"a":"b"})"},
      {R"({})", R"({"a":{"bb":{"ccc":null}}})", R"({"a":{"bb":{}}})"},
  };
  for (const Case& c : cases) {
    INFO("original " << c.original << " patch " << c.patch);
    CHECK(MergePatchValue(J(c.original), J(c.patch)) == J(c.result));
  }
}

TEST_CASE("merge patch: the RFC 7386 section 3 example", "[patch]") {
  json target = J(R"({"title":"Goodbye!","author":{"givenName":"John","familyName":"Doe"},
                      "tags":["example","sample"],"content":"This will be unchanged"})");
  json patch = J(R"({"title":"Hello!","phoneNumber":"+01-123-456-7890",
                     "author":{"familyName":null},"tags":["example"]})");
  Result<json> r = ApplyMergePatch(target, patch);
  REQUIRE(r.ok());
  CHECK(*r == J(R"({"title":"Hello!","author":{"givenName":"John"},"tags":["example"],
                    "content":"This will be unchanged","phoneNumber":"+01-123-456-7890"})"));
}

TEST_CASE("merge patch: the body must be an object, as kube-apiserver requires", "[patch]") {
  json pod = J(R"({"metadata":{"name":"x"}})");
  for (const char* bad : {R"(["c"])", "null", R"("bar")", "3"}) {
    Result<json> r = ApplyMergePatch(pod, J(bad));
    INFO(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kBadRequest);
    CHECK(r.status().message().find("must be a JSON object") != std::string::npos);
  }
}

TEST_CASE("merge patch: kubectl label, annotate and scale bodies", "[patch]") {
  json pod = J(R"({"apiVersion":"v1","kind":"Pod",
                   "metadata":{"name":"x","namespace":"default","labels":{"a":"b","app":"web"},
                               "annotations":{"keep":"1"}},
                   "spec":{"containers":[{"name":"c","image":"nginx"}]}})");
  SECTION("label --overwrite changes one label and keeps the rest") {
    Result<json> r = ApplyMergePatch(pod, J(R"({"metadata":{"labels":{"a":"c"}}})"));
    REQUIRE(r.ok());
    CHECK(r->at("metadata").at("labels") == J(R"({"a":"c","app":"web"})"));
    CHECK(r->at("spec") == pod.at("spec"));
  }
  SECTION("label a- removes the label") {
    Result<json> r = ApplyMergePatch(pod, J(R"({"metadata":{"labels":{"a":null}}})"));
    REQUIRE(r.ok());
    CHECK(r->at("metadata").at("labels") == J(R"({"app":"web"})"));
  }
  SECTION("annotate adds to the annotations") {
    Result<json> r =
        ApplyMergePatch(pod, J(R"({"metadata":{"annotations":{"note":"hello world"}}})"));
    REQUIRE(r.ok());
    CHECK(r->at("metadata").at("annotations") == J(R"({"keep":"1","note":"hello world"})"));
  }
  SECTION("a merge patch replaces lists whole: containers become exactly the patch's") {
    Result<json> r =
        ApplyMergePatch(pod, J(R"({"spec":{"containers":[{"name":"d","image":"busybox"}]}})"));
    REQUIRE(r.ok());
    CHECK(r->at("spec").at("containers") == J(R"([{"name":"d","image":"busybox"}])"));
  }
  SECTION("scale on /scale") {
    json scale = J(R"({"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"web"},
                       "spec":{"replicas":2},"status":{"replicas":2,"selector":"app=web"}})");
    Result<json> r = ApplyMergePatch(scale, J(R"({"spec":{"replicas":5}})"));
    REQUIRE(r.ok());
    CHECK(r->at("spec").at("replicas") == 5);
    CHECK(r->at("status") == scale.at("status"));
  }
}

}  // namespace
}  // namespace skiff::api
