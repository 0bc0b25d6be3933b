// The reusable syntax validators: same verdicts and messages as upstream.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "api/validation/names.h"
#include "api/validation/network.h"
#include "api/validation/quantity.h"

namespace skiff::api::validation {
namespace {

TEST_CASE("IsDns1123Label accepts labels and explains rejections", "[validation][names]") {
  for (const std::string& ok :
       std::vector<std::string>{"a", "my-name", "123-abc", "a1", std::string(63, 'x')}) {
    INFO(ok);
    CHECK(IsDns1123Label(ok).empty());
  }
  CHECK(IsDns1123Label("My-Name") ==
        Messages{"a lowercase RFC 1123 label must consist of lower case alphanumeric characters "
                 "or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  "
                 "or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"});
  CHECK(IsDns1123Label("a.b") == Messages{"must not contain dots"});
  CHECK(IsDns1123Label(std::string(64, 'x')) == Messages{"must be no more than 63 characters"});
  CHECK(IsDns1123Label("").size() == 1);
  CHECK(IsDns1123Label("-a").size() == 1);
  CHECK(IsDns1123Label("a-").size() == 1);
}

TEST_CASE("IsDns1123Subdomain", "[validation][names]") {
  CHECK(IsDns1123Subdomain("example.com").empty());
  CHECK(IsDns1123Subdomain("a").empty());
  CHECK(IsDns1123Subdomain("web-0.svc").empty());
  CHECK(IsDns1123Subdomain("a..b").size() == 1);
  CHECK(IsDns1123Subdomain(".a").size() == 1);
  CHECK(IsDns1123Subdomain("Web").front() ==
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
        "or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "
        "regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
  std::string long_name(254, 'a');
  CHECK(IsDns1123Subdomain(long_name) == Messages{"must be no more than 253 characters"});
}

TEST_CASE("IsDns1035Label requires a leading letter", "[validation][names]") {
  CHECK(IsDns1035Label("web").empty());
  CHECK(IsDns1035Label("web-1").empty());
  REQUIRE(IsDns1035Label("1web").size() == 1);
  CHECK(IsDns1035Label("1web")[0].find("start with an alphabetic character") != std::string::npos);
  CHECK(IsDns1035Label("1web")[0].find("'abc-123'") != std::string::npos);
}

TEST_CASE("IsQualifiedName handles prefixes", "[validation][names]") {
  for (const char* ok : {"app", "MyName", "my.name", "123-abc", "example.com/MyName",
                         "app.kubernetes.io/part-of", "a_b"}) {
    INFO(ok);
    CHECK(IsQualifiedName(ok).empty());
  }
  CHECK(IsQualifiedName("/name") == Messages{"prefix part must be non-empty"});
  CHECK(IsQualifiedName("Example.com/x") ==
        Messages{"prefix part a lowercase RFC 1123 subdomain must consist of lower case "
                 "alphanumeric characters, '-' or '.', and must start and end with an "
                 "alphanumeric character (e.g. 'example.com', regex used for validation is "
                 "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"});
  Messages empty_name = IsQualifiedName("example.com/");
  REQUIRE(empty_name.size() == 2);
  CHECK(empty_name[0] == "name part must be non-empty");
  CHECK(IsQualifiedName("a/b/c").size() == 1);
  CHECK(IsQualifiedName("a/b/c")[0].rfind("a qualified name must consist of", 0) == 0);
  Messages bad = IsQualifiedName("-bad");
  REQUIRE(bad.size() == 1);
  CHECK(bad[0] ==
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and "
        "end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
        "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
  CHECK(IsQualifiedName(std::string(64, 'a')).front() ==
        "name part must be no more than 63 characters");
}

TEST_CASE("IsValidLabelValue", "[validation][names]") {
  CHECK(IsValidLabelValue("").empty());
  CHECK(IsValidLabelValue("v1.2_3-x").empty());
  CHECK(IsValidLabelValue("-x").size() == 1);
  CHECK(IsValidLabelValue("a b").size() == 1);
  CHECK(IsValidLabelValue(std::string(64, 'a')) == Messages{"must be no more than 63 characters"});
}

TEST_CASE("IsCIdentifier and IsEnvVarName", "[validation][names]") {
  CHECK(IsCIdentifier("MY_NAME").empty());
  CHECK(IsCIdentifier("_x1").empty());
  CHECK(IsCIdentifier("1x").size() == 1);
  CHECK(IsCIdentifier("a-b").size() == 1);
  // 1.32 relaxed env names: any printable ASCII except '='.
  CHECK(IsEnvVarName("my.env-name").empty());
  CHECK(IsEnvVarName("1 weird $name!").empty());
  CHECK(IsEnvVarName("A=B") == Messages{"a valid environment variable name must consist only of "
                                        "printable ASCII characters other than '='"});
  CHECK(IsEnvVarName("tab\there").size() == 1);
  CHECK(IsEnvVarName("caf\xc3\xa9").size() == 1);
  CHECK(IsEnvVarName("") == Messages{"environment variable name must be non-empty"});
}

TEST_CASE("IsConfigMapKey", "[validation][names]") {
  CHECK(IsConfigMapKey("key.name").empty());
  CHECK(IsConfigMapKey("KEY_NAME").empty());
  CHECK(IsConfigMapKey(".hidden").empty());
  CHECK(IsConfigMapKey(".") == Messages{"must not be '.'"});
  CHECK(IsConfigMapKey("..") == Messages{"must not be '..'"});
  CHECK(IsConfigMapKey("..x") == Messages{"must not start with '..'"});
  CHECK(IsConfigMapKey("a/b").size() == 1);
  CHECK(IsConfigMapKey("").size() == 1);
}

TEST_CASE("ports", "[validation][names]") {
  CHECK(IsValidPortNum(1).empty());
  CHECK(IsValidPortNum(65535).empty());
  CHECK(IsValidPortNum(0) == Messages{"must be between 1 and 65535, inclusive"});
  CHECK(IsValidPortNum(65536).size() == 1);
  CHECK(IsValidPortName("http").empty());
  CHECK(IsValidPortName("web-8080").empty());
  CHECK(IsValidPortName("1234") == Messages{"must contain at least one letter (a-z)"});
  CHECK(IsValidPortName("a--b") == Messages{"must not contain consecutive hyphens"});
  CHECK(IsValidPortName("-ab") == Messages{"must not begin or end with a hyphen"});
  CHECK(IsValidPortName("HTTP") ==
        Messages{"must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                 "must contain at least one letter (a-z)"});
  CHECK(IsValidPortName("abcdefghijklmnop").front() == "must be no more than 15 characters");
}

TEST_CASE("IP addresses and CIDRs", "[validation][names]") {
  CHECK(IsValidIp("10.9.8.7").empty());
  CHECK(IsValidIp("2001:db8::ffff").empty());
  CHECK(IsValidIp("10.9.8") ==
        Messages{"must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"});
  CHECK(IsValidIp("").size() == 1);
  CHECK(IsValidIp("None").size() == 1);
  CHECK(IsValidCidr("10.0.0.0/8").empty());
  CHECK(IsValidCidr("fd00::/64").empty());
  CHECK(IsValidCidr("10.0.0.0/33").size() == 1);
  CHECK(IsValidCidr("10.0.0.0").size() == 1);
  CHECK(NonSpecialIpProblems("10.1.2.3").empty());
  CHECK(NonSpecialIpProblems("127.0.0.1").size() == 1);
  CHECK(NonSpecialIpProblems("169.254.1.1").size() == 1);
  CHECK(NonSpecialIpProblems("::1").size() == 1);
  CHECK(NonSpecialIpProblems("fe80::1").size() == 1);
}

TEST_CASE("quantities compare numerically", "[validation][names]") {
  CHECK(ParseQuantityValue("100m") == Approx(0.1));
  CHECK(ParseQuantityValue("1Gi") == Approx(1073741824.0));
  CHECK(ParseQuantityValue("1.5k") == Approx(1500.0));
  CHECK(ParseQuantityValue("1e3") == Approx(1000.0));
  CHECK(ParseQuantityValue("-2") == Approx(-2.0));
  CHECK_FALSE(ParseQuantityValue("abc"));
  CHECK_FALSE(ParseQuantityValue("1Qi"));
  CHECK_FALSE(ParseQuantityValue(""));
  CHECK(*ParseQuantityValue("500m") < *ParseQuantityValue("1"));
}

}  // namespace
}  // namespace skiff::api::validation
