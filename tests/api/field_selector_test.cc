#include "api/fields/field_selector.h"

#include <catch2/catch.hpp>
#include <random>
#include <string>

namespace skiff::api {
namespace {

const KindInfo& Kind(std::string_view api_version, std::string_view kind) {
  const KindInfo* k = FindKind(api_version, kind);
  REQUIRE(k != nullptr);
  return *k;
}

FieldSelector MustParse(std::string_view s, const KindInfo& kind) {
  auto r = ParseFieldSelector(s, kind);
  INFO("selector: " << s << " error: " << r.status().ToString());
  REQUIRE(r.ok());
  return *r;
}

std::string ParseError(std::string_view s, const KindInfo& kind) {
  auto r = ParseFieldSelector(s, kind);
  INFO("selector: " << s);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kBadRequest);
  return r.status().message();
}

nlohmann::json Pod(std::string name, std::string ns, std::string node, std::string phase) {
  nlohmann::json pod = {{"apiVersion", "v1"},
                        {"kind", "Pod"},
                        {"metadata", {{"name", name}, {"namespace", ns}}},
                        {"spec", nlohmann::json::object()},
                        {"status", {{"phase", phase}}}};
  if (!node.empty()) pod["spec"]["nodeName"] = node;
  return pod;
}

TEST_CASE("field selector: pod fields match and expose exact values", "[fieldselector]") {
  const KindInfo& pod = Kind("v1", "Pod");
  auto a = Pod("a", "default", "node1", "Running");
  auto b = Pod("b", "kube-system", "node2", "Pending");
  auto c = Pod("c", "default", "", "Pending");

  FieldSelector on_node1 = MustParse("spec.nodeName=node1", pod);
  CHECK(on_node1.Matches(a));
  CHECK_FALSE(on_node1.Matches(b));
  CHECK(on_node1.ExactValue("spec.nodeName") == "node1");
  CHECK_FALSE(on_node1.ExactValue("metadata.namespace"));

  FieldSelector s = MustParse("metadata.namespace==default,status.phase!=Running", pod);
  CHECK_FALSE(s.Matches(a));
  CHECK_FALSE(s.Matches(b));
  CHECK(s.Matches(c));
  CHECK(s.ExactValue("metadata.namespace") == "default");
  CHECK_FALSE(s.ExactValue("status.phase"));  // != gives no exact value
  CHECK(s.ToString() == "metadata.namespace=default,status.phase!=Running");

  // A missing string field reads as "": unscheduled pods.
  FieldSelector unscheduled = MustParse("spec.nodeName=", pod);
  CHECK(unscheduled.Matches(c));
  CHECK_FALSE(unscheduled.Matches(a));
  CHECK(MustParse("spec.nodeName!=", pod).Matches(a));

  // Old clients' spec.host is spec.nodeName.
  FieldSelector host = MustParse("spec.host=node2", pod);
  CHECK(host.Matches(b));
  CHECK(host.ExactValue("spec.nodeName") == "node2");
  CHECK(host.ToString() == "spec.nodeName=node2");

  auto hostnet = a;
  hostnet["spec"]["hostNetwork"] = true;
  CHECK(MustParse("spec.hostNetwork=true", pod).Matches(hostnet));
  CHECK_FALSE(MustParse("spec.hostNetwork=true", pod).Matches(a));
  CHECK(MustParse("spec.hostNetwork=false", pod).Matches(a));  // missing bool is false

  FieldSelector all = MustParse("", pod);
  CHECK(all.Empty());
  CHECK(all.Matches(a));
  CHECK(MustParse(",,", pod).Empty());
}

TEST_CASE("field selector: each kind supports upstream's fields only", "[fieldselector]") {
  for (const KindInfo& k : AllKinds()) {
    INFO(k.kind);
    CHECK(ParseFieldSelector("metadata.name=x", k).ok());
    CHECK(ParseFieldSelector("metadata.namespace=x", k).ok() == k.namespaced);
    CHECK_FALSE(ParseFieldSelector("spec.foo=x", k).ok());
  }
  const KindInfo& pod = Kind("v1", "Pod");
  for (const char* f :
       {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
        "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"}) {
    CHECK(ParseFieldSelector(std::string(f) + "=x", pod).ok());
  }
  CHECK(ParseError("spec.foo=x", pod) == "field label not supported: spec.foo");
  CHECK(ParseError("status.phase=Running,spec.containers=x", pod) ==
        "field label not supported: spec.containers");

  const KindInfo& event = Kind("v1", "Event");
  for (const char* f :
       {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
        "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
        "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"}) {
    CHECK(ParseFieldSelector(std::string(f) + "=x", event).ok());
  }
  CHECK(ParseFieldSelector("type=Opaque", Kind("v1", "Secret")).ok());
  CHECK(ParseFieldSelector("spec.clusterIP=None,spec.type=ClusterIP", Kind("v1", "Service")).ok());
  CHECK(ParseFieldSelector("status.phase=Active", Kind("v1", "Namespace")).ok());
  CHECK(ParseFieldSelector("spec.unschedulable=true", Kind("v1", "Node")).ok());
  CHECK(ParseFieldSelector("status.replicas=3", Kind("apps/v1", "ReplicaSet")).ok());
  CHECK(ParseError("metadata.namespace=x", Kind("v1", "Node")) ==
        "field label not supported: metadata.namespace");
  CHECK(ParseError("status.replicas=3", Kind("apps/v1", "Deployment")) ==
        "\"status.replicas\" is not a known field selector: only \"metadata.name\", "
        "\"metadata.namespace\"");
  CHECK(ParseError("data.x=1", Kind("v1", "ConfigMap")) ==
        "\"data.x\" is not a known field selector: only \"metadata.name\", "
        "\"metadata.namespace\"");
  // spec.host is a Pod alias only.
  CHECK_FALSE(ParseFieldSelector("spec.host=x", Kind("v1", "Node")).ok());
}

TEST_CASE("field selector: values render as the API server renders them", "[fieldselector]") {
  const KindInfo& node = Kind("v1", "Node");
  nlohmann::json plain = {{"metadata", {{"name", "n1"}}}};
  nlohmann::json cordoned = {{"metadata", {{"name", "n2"}}}, {"spec", {{"unschedulable", true}}}};
  CHECK(MustParse("spec.unschedulable=false", node).Matches(plain));
  CHECK_FALSE(MustParse("spec.unschedulable=false", node).Matches(cordoned));
  CHECK(MustParse("spec.unschedulable=true", node).Matches(cordoned));
  CHECK(MustParse("spec.unschedulable!=true", node).Matches(plain));

  const KindInfo& rs = Kind("apps/v1", "ReplicaSet");
  CHECK(MustParse("status.replicas=3", rs).Matches({{"status", {{"replicas", 3}}}}));
  CHECK(MustParse("status.replicas=0", rs).Matches(nlohmann::json::object()));
  CHECK_FALSE(MustParse("status.replicas=0", rs).Matches({{"status", {{"replicas", 3}}}}));

  const KindInfo& event = Kind("v1", "Event");
  nlohmann::json core = {{"source", {{"component", "kubelet"}}}, {"type", "Warning"}};
  nlohmann::json newer = {{"reportingComponent", "kubelet"}, {"type", "Normal"}};
  FieldSelector by_source = MustParse("source=kubelet", event);
  CHECK(by_source.Matches(core));
  CHECK(by_source.Matches(newer));  // source falls back to reportingComponent
  CHECK_FALSE(MustParse("reportingComponent=kubelet", event).Matches(core));
  CHECK(MustParse("involvedObject.name=web,type=Warning", event)
            .Matches({{"involvedObject", {{"name", "web"}}}, {"type", "Warning"}}));

  const KindInfo& secret = Kind("v1", "Secret");
  CHECK(MustParse("type=Opaque", secret).Matches({{"type", "Opaque"}}));
  // A wrongly typed object never throws.
  CHECK_FALSE(MustParse("type=Opaque", secret).Matches({{"type", {{"x", 1}}}}));
  CHECK_FALSE(MustParse("metadata.name=x", secret).Matches(nlohmann::json::array()));
  CHECK_FALSE(MustParse("metadata.name=x", secret).Matches({{"metadata", "x"}}));
}

TEST_CASE("field selector: escaping as upstream", "[fieldselector]") {
  const KindInfo& cm = Kind("v1", "ConfigMap");
  auto named = [](std::string name) { return nlohmann::json{{"metadata", {{"name", name}}}}; };

  FieldSelector comma = MustParse(R"(metadata.name=a\,b)", cm);
  CHECK(comma.Matches(named("a,b")));
  CHECK(comma.ExactValue("metadata.name") == "a,b");
  CHECK(comma.ToString() == R"(metadata.name=a\,b)");
  CHECK(MustParse(R"(metadata.name=a\=b)", cm).Matches(named("a=b")));
  CHECK(MustParse(R"(metadata.name=a\\b)", cm).Matches(named(R"(a\b)")));
  // An escaped backslash before a comma: the comma separates terms.
  FieldSelector two = MustParse(R"(metadata.name=a\\,metadata.namespace=ns)", cm);
  CHECK(two.requirements().size() == 2);
  CHECK(two.ExactValue("metadata.name") == R"(a\)");

  CHECK(EscapeFieldValue(R"(a\b,c=d)") == R"(a\\b\,c\=d)");
  for (std::string v : {"", "plain", R"(\)", ",", "=", R"(a\,=\\b)", "x,y=z"}) {
    INFO(v);
    FieldSelector s = MustParse("metadata.name=" + EscapeFieldValue(v), cm);
    CHECK(s.ExactValue("metadata.name") == v);
    CHECK(MustParse(s.ToString(), cm).requirements() == s.requirements());
  }

  CHECK(ParseError(R"(metadata.name=a\x)", cm) ==
        R"(invalid field selector: invalid escape sequence: \x)");
  CHECK(ParseError(R"(metadata.name=a\)", cm) ==
        R"(invalid field selector: invalid escape sequence: \)");
  CHECK(ParseError("metadata.name=a=b", cm) ==
        "invalid field selector: unescaped character in value: 61");
  CHECK(ParseError("metadata.name", cm) ==
        "invalid selector: 'metadata.name'; can't understand 'metadata.name'");
  CHECK(ParseError("metadata.name=x,oops", cm) ==
        "invalid selector: 'metadata.name=x,oops'; can't understand 'oops'");
  // The first operator splits: "a!=b" is field "a", not "a!".
  FieldSelector ne = MustParse("metadata.name!=x", cm);
  CHECK(ne.requirements().at(0).op == FieldOperator::kNotEquals);
  CHECK(ne.Matches(named("y")));
  CHECK_FALSE(ne.Matches(named("x")));
}

TEST_CASE("field selector parser survives random input", "[fieldselector]") {
  const uint64_t seed = std::random_device()();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  const KindInfo& pod = Kind("v1", "Pod");
  static const std::vector<std::string> atoms = {"metadata.name",
                                                 "spec.nodeName",
                                                 "status.phase",
                                                 "=",
                                                 "==",
                                                 "!=",
                                                 ",",
                                                 "\\",
                                                 "\\,",
                                                 "\\=",
                                                 "\\\\",
                                                 "x",
                                                 "",
                                                 " ",
                                                 std::string(1, '\0'),
                                                 "\xfe"};
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string input;
    size_t n = rng() % 10;
    for (size_t j = 0; j < n; ++j) input += atoms[rng() % atoms.size()];
    INFO("input: " << input);
    auto r = ParseFieldSelector(input, pod);
    if (!r.ok()) {
      CHECK(r.status().code() == Code::kBadRequest);
      continue;
    }
    ++parsed;
    auto back = ParseFieldSelector(r->ToString(), pod);
    REQUIRE(back.ok());
    CHECK(back->requirements() == r->requirements());
    CHECK_NOFAIL(r->Matches(Pod("x", "y", "z", "w")));  // must not throw
  }
  CHECK(parsed > 100);
}

}  // namespace
}  // namespace skiff::api
