#include "api/labels/label_selector.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "api/labels/label_validation.h"

namespace skiff::api {
namespace {

const char kKeyRegexMsg[] =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const char kValueRegexMsg[] =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

LabelSelector MustParse(std::string_view s) {
  auto r = ParseLabelSelector(s);
  INFO("selector: " << s << " error: " << r.status().ToString());
  REQUIRE(r.ok());
  return *r;
}

std::string ParseError(std::string_view s) {
  auto r = ParseLabelSelector(s);
  INFO("selector: " << s);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kBadRequest);
  return r.status().message();
}

TEST_CASE("label selector grammar: valid selectors render canonically", "[selector]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", ""},
      {"  \t\n", ""},
      {"x=a", "x=a"},
      {"x==a", "x=a"},
      {"x!=a", "x!=a"},
      {"x in (b,a)", "x in (a,b)"},
      {"x in (a,a)", "x in (a)"},
      {"x notin (a)", "x notin (a)"},
      {"x", "x"},
      {"!x", "!x"},
      {"b=1,a=2", "a=2,b=1"},
      {" x = a , y ", "x=a,y"},
      {"x=", "x="},
      {"x=,y", "x=,y"},
      {"x in ()", "x in ()"},
      {"x in (,a)", "x in (,a)"},
      {"x in (a,)", "x in (,a)"},
      {"x in (a,,b)", "x in (,a,b)"},
      {"in in (in,notin)", "in in (in,notin)"},
      {"notin=in", "notin=in"},
      {"x>1,y<20", "x>1,y<20"},
      {"example.com/app=web,app.kubernetes.io/name in (db, cache)",
       "app.kubernetes.io/name in (cache,db),example.com/app=web"},
      {"x in(a),y notin(b)", "x in (a),y notin (b)"},
      {"!x,x", "!x,x"},
  };
  for (const auto& [in, want] : cases) {
    LabelSelector s = MustParse(in);
    CHECK(s.ToString() == want);
    CHECK(MustParse(s.ToString()) == s);
  }
  CHECK(MustParse("").Empty());
  CHECK_FALSE(MustParse("x").Empty());
}

TEST_CASE("label selector grammar: errors say what and where", "[selector]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"app=web(", "found '(', expected: ',' or 'end of string' at position 7"},
      {"x=a b", "found 'b', expected: ',' or 'end of string' at position 4"},
      {"x=a=b", "found '=', expected: ',' or 'end of string' at position 3"},
      {"x=a,", "found '', expected: identifier after ',' at position 4"},
      {"x=a,,y", "found ',', expected: identifier after ',' at position 4"},
      {",x", "found ',', expected: !, identifier, or 'end of string' at position 0"},
      {"(x)", "found '(', expected: !, identifier, or 'end of string' at position 0"},
      {"x in a", "unable to parse requirement: found 'a' expected: '(' at position 5"},
      {"x in (a", "unable to parse requirement: found '', expected: ',' or ')' at position 7"},
      {"x in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')' at position 8"},
      {"x in (=)",
       "unable to parse requirement: found '=', expected: ',', ')' or identifier at position 6"},
      {"x in (a,=)",
       "unable to parse requirement: found '=', expected: ',', or identifier at position 8"},
      {"x y",
       "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt at "
       "position 2"},
      {"x=(", "unable to parse requirement: found '(', expected: identifier at position 2"},
      {"!", "unable to parse requirement: found '', expected: identifier at position 1"},
      {"!=a", "found '!=', expected: !, identifier, or 'end of string' at position 0"},
      {"!!a", "unable to parse requirement: found '!', expected: identifier at position 1"},
      {"!x=a", "found '=', expected: ',' or 'end of string' at position 2"},
      {"-x=a",
       std::string("unable to parse requirement: <nil>: Invalid value: \"-x\": name part ") +
           kKeyRegexMsg + " at position 0"},
      {"y,x=a@", std::string("unable to parse requirement: values[0][x]: Invalid value: \"a@\": ") +
                     kValueRegexMsg + " at position 2"},
      {"x>a",
       "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, "
       "the value must be an integer at position 0"},
      {"x in (a,b@)",
       std::string("unable to parse requirement: values[1][x]: Invalid value: \"b@\": ") +
           kValueRegexMsg + " at position 0"},
  };
  for (const auto& [in, want] : cases) CHECK(ParseError(in) == want);
}

TEST_CASE("label keys and values follow Kubernetes' syntax", "[selector]") {
  CHECK(LabelKeyProblems("app").empty());
  CHECK(LabelKeyProblems("app.kubernetes.io/name").empty());
  CHECK(LabelKeyProblems("A_b-9").empty());
  CHECK(LabelKeyProblems(std::string(63, 'a')).empty());
  CHECK(LabelKeyProblems(std::string(64, 'a')) ==
        std::vector<std::string>{"name part must be no more than 63 characters"});
  CHECK(LabelKeyProblems("/a") == std::vector<std::string>{"prefix part must be non-empty"});
  CHECK(LabelKeyProblems("a/") ==
        std::vector<std::string>{"name part must be non-empty",
                                 std::string("name part ") + kKeyRegexMsg});
  auto prefix = LabelKeyProblems("Example.com/a");
  REQUIRE(prefix.size() == 1);
  CHECK(prefix[0].starts_with("prefix part a lowercase RFC 1123 subdomain must consist of"));
  auto slashes = LabelKeyProblems("a/b/c");
  REQUIRE(slashes.size() == 1);
  CHECK(slashes[0].starts_with("a qualified name must consist of"));
  CHECK(
      slashes[0].ends_with("with an optional DNS subdomain prefix and '/' (e.g. "
                           "'example.com/MyName')"));
  CHECK(LabelValueProblems("").empty());
  CHECK(LabelValueProblems("v1.2_3-x").empty());
  CHECK(LabelValueProblems("-a") == std::vector<std::string>{kValueRegexMsg});
  CHECK(LabelValueProblems(std::string(64, 'a')) ==
        std::vector<std::string>{"must be no more than 63 characters"});
  for (const char* k : {"a", "a/b", "a.b/c", "-", "a/b/c", "/a", "a/", "A.com/x", ""}) {
    CHECK(IsValidLabelKey(k) == LabelKeyProblems(k).empty());
  }
}

TEST_CASE("label selector matching follows Kubernetes semantics", "[selector]") {
  Labels web{{"app", "web"}, {"tier", "fe"}, {"rank", "7"}};
  Labels db{{"app", "db"}, {"rank", "x"}};
  Labels none;
  struct Case {
    const char* selector;
    bool web, db, none;
  };
  const Case cases[] = {
      {"", true, true, true},
      {"app=web", true, false, false},
      {"app!=web", false, true, true},
      {"app in (web,db)", true, true, false},
      {"app notin (web)", false, true, true},
      {"tier", true, false, false},
      {"!tier", false, true, true},
      {"rank>5", true, false, false},
      {"rank<8", true, false, false},
      {"rank>7", false, false, false},
      {"app=web,tier=fe", true, false, false},
      {"app=web,tier=be", false, false, false},
      {"app=", false, false, false},
      {"app!=", true, true, true},
  };
  for (const auto& c : cases) {
    INFO(c.selector);
    LabelSelector s = MustParse(c.selector);
    CHECK(s.Matches(web) == c.web);
    CHECK(s.Matches(db) == c.db);
    CHECK(s.Matches(none) == c.none);
    nlohmann::json obj = {{"metadata", {{"labels", web.ToJson()}}}};
    CHECK(s.MatchesObject(obj) == c.web);
    CHECK(s.Matches(JsonLabels::OfObject(obj)) == c.web);
    CHECK(s.MatchesObject(nlohmann::json::object()) == c.none);
  }
  CHECK_FALSE(LabelSelector::Nothing().Matches(none));
  CHECK_FALSE(LabelSelector::Nothing().Empty());
  CHECK(LabelSelector::Nothing().ToString().empty());
  // Non-string label values (an invalid object) read as absent.
  nlohmann::json odd = {{"metadata", {{"labels", {{"app", 3}}}}}};
  CHECK_FALSE(MustParse("app").MatchesObject(odd));
  CHECK(MustParse("app=web").RequiresExactMatch("app") == "web");
  CHECK(MustParse("app in (web)").RequiresExactMatch("app") == "web");
  CHECK_FALSE(MustParse("app in (a,b)").RequiresExactMatch("app"));
  CHECK_FALSE(MustParse("app!=web").RequiresExactMatch("app"));
}

TEST_CASE("metav1.LabelSelector decodes with Kubernetes semantics", "[selector]") {
  auto everything = LabelSelectorFromJson(nlohmann::json::object());
  REQUIRE(everything.ok());
  CHECK(everything->Empty());
  CHECK(everything->Matches(Labels{{"a", "b"}}));

  auto nothing = LabelSelectorFromJson(nullptr);
  REQUIRE(nothing.ok());
  CHECK(nothing->MatchesNothing());
  CHECK_FALSE(nothing->Matches(Labels{}));

  auto s = LabelSelectorFromJson(nlohmann::json::parse(R"({
      "matchLabels": {"app": "web"},
      "matchExpressions": [
        {"key": "tier", "operator": "In", "values": ["fe", "be"]},
        {"key": "canary", "operator": "DoesNotExist"},
        {"key": "zone", "operator": "NotIn", "values": ["a"]},
        {"key": "gpu", "operator": "Exists", "values": []}]})"));
  REQUIRE(s.ok());
  CHECK(s->ToString() == "app=web,!canary,gpu,tier in (be,fe),zone notin (a)");
  CHECK(s->Matches(Labels{{"app", "web"}, {"tier", "fe"}, {"gpu", "1"}}));
  CHECK_FALSE(s->Matches(Labels{{"app", "web"}, {"tier", "fe"}, {"gpu", "1"}, {"canary", "y"}}));
  CHECK_FALSE(s->Matches(Labels{{"app", "web"}, {"tier", "fe"}, {"gpu", "1"}, {"zone", "a"}}));
}

TEST_CASE("metav1.LabelSelector errors carry field paths", "[selector]") {
  FieldPath path = FieldPath("spec").Child("selector");
  auto r = LabelSelectorFromJson(nlohmann::json::parse(R"({
      "matchLabels": {"app": "-bad"},
      "matchExpressions": [
        {"key": "tier", "operator": "In"},
        {"key": "gpu", "operator": "Exists", "values": ["x"]},
        {"key": "zone", "operator": "Equals", "values": ["a"]},
        {"key": "bad key", "operator": "NotIn", "values": ["ok", "-no"]}]})"),
                                 path);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Code::kInvalid);
  const auto& causes = r.status().causes();
  REQUIRE(causes.size() == 6);
  CHECK(causes[0].field == "spec.selector.matchLabels");
  CHECK(causes[0].message ==
        std::string("spec.selector.matchLabels: Invalid value: \"-bad\": ") + kValueRegexMsg);
  CHECK(causes[1].field == "spec.selector.matchExpressions[0].values");
  CHECK(causes[1].type == "FieldValueRequired");
  CHECK(causes[1].message ==
        "spec.selector.matchExpressions[0].values: Required value: must be specified when "
        "`operator` is 'In' or 'NotIn'");
  CHECK(causes[2].field == "spec.selector.matchExpressions[1].values");
  CHECK(causes[2].type == "FieldValueForbidden");
  CHECK(causes[2].message ==
        "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when "
        "`operator` is 'Exists' or 'DoesNotExist'");
  CHECK(causes[3].field == "spec.selector.matchExpressions[2].operator");
  CHECK(causes[3].message ==
        "spec.selector.matchExpressions[2].operator: Invalid value: \"Equals\": not a valid "
        "selector operator");
  CHECK(causes[4].field == "spec.selector.matchExpressions[3].key");
  CHECK(causes[5].field == "spec.selector.matchExpressions[3].values[1]");
  CHECK(r.status().message().starts_with("[spec.selector.matchLabels: Invalid value"));

  auto no_path = LabelSelectorFromJson(
      nlohmann::json::parse(R"({"matchExpressions": [{"key": "a", "operator": "In"}]})"));
  REQUIRE_FALSE(no_path.ok());
  CHECK(no_path.status().causes().at(0).field == "matchExpressions[0].values");
  CHECK(ValidateLabelSelectorJson(
            nlohmann::json::parse(R"({"matchExpressions": [{"key": "a", "operator": "In"}]})"))
            .size() == 1);
  CHECK(ValidateLabelSelectorJson(nullptr).empty());
}

TEST_CASE("metav1.LabelSelector of the wrong shape is an error, not an exception", "[selector]") {
  const char* bad[] = {
      R"([])",
      R"("app=web")",
      R"({"matchLabels": []})",
      R"({"matchLabels": {"a": 1}})",
      R"({"matchExpressions": {}})",
      R"({"matchExpressions": [1]})",
      R"({"matchExpressions": [{"key": 1, "operator": "Exists"}]})",
      R"({"matchExpressions": [{"key": "a", "operator": "In", "values": "x"}]})",
      R"({"matchExpressions": [{"key": "a", "operator": "In", "values": [null]}]})",
      R"({"matchExpressions": [{"operator": "Exists"}]})",
  };
  for (const char* text : bad) {
    INFO(text);
    auto r = LabelSelectorFromJson(nlohmann::json::parse(text));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kInvalid);
    CHECK_FALSE(r.status().causes().empty());
  }
  auto typed = LabelSelectorFromJson(nlohmann::json::parse(R"({"matchLabels": {"a": 1}})"));
  CHECK(typed.status().causes().at(0).field == "matchLabels[a]");
  CHECK(typed.status().causes().at(0).type == "FieldValueTypeInvalid");
}

TEST_CASE("label selector from a set (a Service's selector)", "[selector]") {
  auto s = LabelSelector::FromSet(Labels{{"tier", "fe"}, {"app", "web"}});
  REQUIRE(s.ok());
  CHECK(s->ToString() == "app=web,tier=fe");
  auto bad = LabelSelector::FromSet(Labels{{"app", "we b"}}, FieldPath("spec").Child("selector"));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().causes().at(0).field == "spec.selector");
}

// Random selectors from a vocabulary that exercises the keyword and empty-value corners.
LabelSelector RandomSelector(std::mt19937_64& rng) {
  static const std::vector<std::string> keys = {"a", "app", "in", "notin", "x.io/k", "t-1"};
  static const std::vector<std::string> values = {"", "a", "in", "notin", "v1", "7", "A_b"};
  std::vector<LabelRequirement> reqs;
  size_t n = rng() % 4;
  for (size_t i = 0; i < n; ++i) {
    auto op = static_cast<LabelOperator>(rng() % 8);
    std::vector<std::string> vals;
    size_t count = 0;
    switch (op) {
      case LabelOperator::kIn:
      case LabelOperator::kNotIn:
        count = 1 + rng() % 3;
        break;
      case LabelOperator::kExists:
      case LabelOperator::kDoesNotExist:
        count = 0;
        break;
      default:
        count = 1;
    }
    for (size_t j = 0; j < count; ++j) vals.push_back(values[rng() % values.size()]);
    if (op == LabelOperator::kGreaterThan || op == LabelOperator::kLessThan) {
      vals = {std::to_string(rng() % 100)};
    }
    auto r = LabelRequirement::Make(keys[rng() % keys.size()], op, vals);
    REQUIRE(r.ok());
    reqs.push_back(*r);
  }
  return LabelSelector::FromRequirements(std::move(reqs));
}

TEST_CASE("label selector ToString round-trips through the parser", "[selector]") {
  const uint64_t seed = std::random_device()();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 2000; ++i) {
    LabelSelector s = RandomSelector(rng);
    std::string text = s.ToString();
    INFO("selector " << text);
    auto back = ParseLabelSelector(text);
    REQUIRE(back.ok());
    CHECK(*back == s);
    CHECK(back->ToString() == text);
  }
}

TEST_CASE("label selector parser survives random input", "[selector]") {
  const uint64_t seed = std::random_device()();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  static const std::vector<std::string> atoms = {"=",
                                                 "==",
                                                 "!=",
                                                 "!",
                                                 "(",
                                                 ")",
                                                 ",",
                                                 "<",
                                                 ">",
                                                 " ",
                                                 "\t",
                                                 "in",
                                                 "notin",
                                                 "a",
                                                 "b1",
                                                 "x.io/k",
                                                 "-",
                                                 "@",
                                                 std::string(1, '\0'),
                                                 "\xff",
                                                 "7",
                                                 std::string(70, 'k')};
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string input;
    size_t n = rng() % 12;
    for (size_t j = 0; j < n; ++j) {
      if (rng() % 8 == 0) {
        input += static_cast<char>(rng() % 256);
      } else {
        input += atoms[rng() % atoms.size()];
      }
    }
    INFO("input (" << input.size() << " bytes): " << input);
    auto r = ParseLabelSelector(input);
    if (!r.ok()) {
      CHECK(r.status().code() == Code::kBadRequest);
      CHECK(r.status().message().find(" at position ") != std::string::npos);
      continue;
    }
    ++parsed;
    auto back = ParseLabelSelector(r->ToString());
    REQUIRE(back.ok());
    CHECK(*back == *r);
  }
  CHECK(parsed > 100);  // the generator reaches valid selectors, not only errors
}

}  // namespace
}  // namespace skiff::api
