// Tests of api/protobuf: bodies are built field by field with libprotobuf's
// CodedOutputStream, in the shape kubectl 1.32 sends (every non-pointer field
// present, empty strings included; see kubectl-wire.md Appendix B).
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <catch2/catch.hpp>
#include <map>
#include <random>

#include "api/decode.h"
#include "api/protobuf/decode_protobuf.h"
#include "api/protobuf/message_table.h"
#include "api/schema/schema.h"

namespace skiff::api {
namespace {

using google::protobuf::io::CodedOutputStream;
using google::protobuf::io::StringOutputStream;
using nlohmann::json;

// One protobuf message under construction.
class Msg {
 public:
  Msg& Varint(uint32_t field, uint64_t value) {
    StringOutputStream stream(&bytes_);
    CodedOutputStream out(&stream);
    out.WriteTag(field << 3);
    out.WriteVarint64(value);
    return *this;
  }
  // int32 as Go writes it: negative numbers sign-extended to ten bytes.
  Msg& Int(uint32_t field, int64_t value) { return Varint(field, static_cast<uint64_t>(value)); }
  Msg& Str(uint32_t field, std::string_view value) {
    StringOutputStream stream(&bytes_);
    CodedOutputStream out(&stream);
    out.WriteTag(field << 3 | 2);
    out.WriteVarint32(static_cast<uint32_t>(value.size()));
    out.WriteRaw(value.data(), static_cast<int>(value.size()));
    return *this;
  }
  // Repeated varints in one length-delimited field (packed encoding).
  Msg& Packed(uint32_t field, std::initializer_list<uint64_t> values) {
    std::string payload;
    {
      StringOutputStream stream(&payload);
      CodedOutputStream out(&stream);
      for (uint64_t v : values) out.WriteVarint64(v);
    }
    return Str(field, payload);
  }
  Msg& Sub(uint32_t field, const Msg& message) { return Str(field, message.bytes_); }
  Msg& Entry(uint32_t field, std::string_view key, std::string_view value) {
    return Sub(field, Msg().Str(1, key).Str(2, value));
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

std::string Body(std::string_view api_version, std::string_view kind, const Msg& object) {
  Msg envelope;
  envelope.Sub(1, Msg().Str(1, api_version).Str(2, kind)).Sub(2, object).Str(3, "").Str(4, "");
  return std::string("k8s\0", 4) + envelope.bytes();
}

// ObjectMeta as kubectl's generators send it: every string present, empty Time.
Msg Meta(std::string_view name, std::string_view app_label = "") {
  Msg meta;
  meta.Str(1, name).Str(2, "").Str(3, "").Str(4, "").Str(5, "").Str(6, "").Int(7, 0).Sub(8, Msg());
  if (!app_label.empty()) meta.Entry(11, "app", app_label);
  return meta;
}

json DecodedJson(const std::string& body) {
  Result<json> result = DecodeKubernetesProtobuf(body);
  INFO(result.status().ToString());
  REQUIRE(result.ok());
  return *result;
}

Status DecodeError(const std::string& body) {
  Result<json> result = DecodeKubernetesProtobuf(body);
  REQUIRE_FALSE(result.ok());
  return result.status();
}

Msg ContainerPort(int32_t port) {
  return Msg().Str(1, "").Int(2, 0).Int(3, port).Str(4, "").Str(5, "");
}

// kubectl create deployment hello --image=nginx --replicas=2 --port=80
Msg KubectlDeployment() {
  Msg container;
  container.Str(1, "nginx").Str(2, "nginx").Str(5, "").Sub(6, ContainerPort(80)).Sub(8, Msg());
  container.Str(13, "").Str(14, "").Str(20, "").Varint(16, 0).Varint(17, 0).Varint(18, 0);
  Msg pod_spec;
  pod_spec.Sub(2, container).Str(3, "").Str(6, "").Str(8, "").Str(9, "").Str(10, "");
  pod_spec.Varint(11, 0).Varint(12, 0).Varint(13, 0).Str(16, "").Str(17, "").Str(19, "");
  Msg template_spec;
  template_spec.Sub(1, Meta("", "hello")).Sub(2, pod_spec);
  Msg spec;
  spec.Int(1, 2).Sub(2, Msg().Entry(1, "app", "hello")).Sub(3, template_spec);
  spec.Sub(4, Msg().Str(1, "")).Int(5, 0).Varint(7, 0);
  Msg status;
  status.Int(1, 0).Int(2, 0).Int(3, 0).Int(4, 0).Int(5, 0).Int(7, 0);
  return Msg().Sub(1, Meta("hello", "hello")).Sub(2, spec).Sub(3, status);
}

TEST_CASE("protobuf Namespace from kubectl create namespace", "[protobuf]") {
  Msg ns;
  ns.Sub(1, Meta("ns1")).Sub(2, Msg()).Sub(3, Msg().Str(1, ""));
  CHECK(DecodedJson(Body("v1", "Namespace", ns)) ==
        json::parse(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ns1"},
                        "spec":{},"status":{}})"));
}

TEST_CASE("protobuf ConfigMap keeps data and empty values", "[protobuf]") {
  Msg cm;
  cm.Sub(1, Meta("cm1"))
      .Entry(2, "a", "b")
      .Entry(2, "empty", "")
      .Entry(3, "bin", std::string("\xff\x00\x01", 3));
  CHECK(DecodedJson(Body("v1", "ConfigMap", cm)) ==
        json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm1"},
                        "data":{"a":"b","empty":""},"binaryData":{"bin":"/wAB"}})"));
}

TEST_CASE("protobuf Secret bytes become base64 and a set immutable=false is kept", "[protobuf]") {
  Msg secret;
  secret.Sub(1, Meta("s1")).Entry(2, "a", "b").Entry(2, "raw", std::string("\x00\xfe", 2));
  secret.Str(3, "").Varint(5, 0);
  json object = DecodedJson(Body("v1", "Secret", secret));
  CHECK(object["data"] == json::parse(R"({"a":"Yg==","raw":"AP4="})"));
  CHECK_FALSE(object.contains("type"));  // "" is Go's omitted zero
  CHECK(object["immutable"] == false);   // *bool: present on the wire means set
}

TEST_CASE("protobuf ServiceAccount from kubectl create serviceaccount", "[protobuf]") {
  Msg sa;
  sa.Sub(1, Meta("sa1"))
      .Sub(3, Msg().Str(1, "regcred"))
      .Sub(2, Msg().Str(1, "Secret").Str(3, "token").Str(2, ""));
  CHECK(DecodedJson(Body("v1", "ServiceAccount", sa)) ==
        json::parse(R"({"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"sa1"},
                        "imagePullSecrets":[{"name":"regcred"}],
                        "secrets":[{"kind":"Secret","name":"token"}]})"));
}

TEST_CASE("protobuf Service from kubectl create service clusterip", "[protobuf]") {
  Msg port;
  port.Str(1, "80-8080").Str(2, "TCP").Int(3, 80).Sub(4, Msg().Int(1, 0).Int(2, 8080).Str(3, ""));
  port.Int(5, 0);
  Msg named_port;
  named_port.Str(1, "web").Str(2, "TCP").Int(3, 443).Sub(4,
                                                         Msg().Int(1, 1).Int(2, 0).Str(3, "https"));
  Msg spec;
  spec.Sub(1, port).Sub(1, named_port).Entry(2, "app", "s1").Str(3, "").Str(4, "ClusterIP");
  spec.Str(7, "").Str(8, "").Str(10, "").Str(11, "").Int(12, 0).Varint(13, 0);
  Msg svc;
  svc.Sub(1, Meta("s1", "s1")).Sub(2, spec).Sub(3, Msg().Sub(1, Msg()));
  CHECK(DecodedJson(Body("v1", "Service", svc)) == json::parse(R"({
    "apiVersion":"v1","kind":"Service","metadata":{"name":"s1","labels":{"app":"s1"}},
    "spec":{"ports":[{"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080},
                     {"name":"web","protocol":"TCP","port":443,"targetPort":"https"}],
            "selector":{"app":"s1"},"type":"ClusterIP"},
    "status":{"loadBalancer":{}}})"));
}

TEST_CASE("protobuf Deployment from kubectl create deployment", "[protobuf]") {
  json object = DecodedJson(Body("apps/v1", "Deployment", KubectlDeployment()));
  CHECK(object == json::parse(R"({
    "apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"hello","labels":{"app":"hello"}},
    "spec":{"replicas":2,"selector":{"matchLabels":{"app":"hello"}},
            "template":{"metadata":{"labels":{"app":"hello"}},
                        "spec":{"containers":[{"name":"nginx","image":"nginx",
                                               "ports":[{"containerPort":80}],"resources":{}}]}},
            "strategy":{}},
    "status":{}})"));

  SECTION("the JSON passes strict decoding against our schema") {
    Result<Decoded> checked = Decode(object, FieldValidation::kStrict);
    INFO(checked.status().ToString());
    CHECK(checked.ok());
  }
}

TEST_CASE("protobuf Deployment with values Go keeps or converts", "[protobuf]") {
  Msg probe;  // Probe embeds ProbeHandler as field 1: its fields land in the probe object
  probe.Sub(1, Msg().Sub(2, Msg().Str(1, "/healthz").Sub(2, Msg().Int(1, 1).Str(3, "http"))));
  probe.Int(2, 5);
  Msg volume;  // Volume embeds VolumeSource as field 2
  volume.Str(1, "cfg").Sub(2, Msg().Sub(19, Msg().Sub(1, Msg().Str(1, "cm1")).Int(3, 0644)));
  Msg container;
  container.Str(1, "app").Str(2, "busybox").Str(3, "sh").Str(4, "-c").Str(4, "");
  container.Sub(7, Msg().Str(1, "MODE").Str(2, "fast"));
  container.Sub(8, Msg()
                       .Sub(1, Msg().Str(1, "cpu").Sub(2, Msg().Str(1, "500m")))
                       .Sub(1, Msg().Str(1, "memory").Sub(2, Msg())));
  container.Sub(11, probe).Sub(15, Msg().Int(4, -1));
  Msg security;  // PodSecurityContext.supplementalGroups packed, as proto3 writers do
  security.Packed(4, {10, 20});
  Msg pod_spec;
  pod_spec.Sub(1, volume).Sub(2, container).Sub(14, security).Int(4, 0);
  Msg strategy;
  strategy.Str(1, "RollingUpdate")
      .Sub(2, Msg().Sub(1, Msg().Int(1, 0).Int(2, 0)).Sub(2, Msg().Int(1, 1).Str(3, "25%")));
  Msg spec;
  spec.Int(1, 0).Sub(3, Msg().Sub(2, pod_spec)).Sub(4, strategy);
  Msg meta = Meta("web");
  meta.Sub(9, Msg().Int(1, 1764374400)).Entry(12, "note", "x");
  Msg deployment;
  deployment.Sub(1, meta).Sub(2, spec);

  json object = DecodedJson(Body("apps/v1", "Deployment", deployment));
  CHECK(object["metadata"]["deletionTimestamp"] == "2025-11-29T00:00:00Z");
  CHECK(object["metadata"]["annotations"] == json{{"note", "x"}});
  CHECK_FALSE(object["metadata"].contains("creationTimestamp"));  // empty Time: the zero time
  const json& spec_json = object["spec"];
  CHECK(spec_json["replicas"] == 0);  // *int32 set to zero is not the default of one
  CHECK(spec_json["strategy"]["rollingUpdate"] ==
        json::parse(R"({"maxUnavailable":0,"maxSurge":"25%"})"));
  const json& pod = spec_json["template"]["spec"];
  CHECK(pod["terminationGracePeriodSeconds"] == 0);
  CHECK(pod["securityContext"]["supplementalGroups"] == json::array({10, 20}));
  CHECK(pod["volumes"][0] ==
        json::parse(R"({"name":"cfg","configMap":{"name":"cm1","defaultMode":420}})"));
  const json& c = pod["containers"][0];
  CHECK(c["command"] == json::array({"sh"}));
  CHECK(c["args"] == json::array({"-c", ""}));  // repeated elements are kept even when empty
  CHECK(c["env"] == json::parse(R"([{"name":"MODE","value":"fast"}])"));
  CHECK(c["resources"] == json::parse(R"({"limits":{"cpu":"500m","memory":"0"}})"));
  CHECK(c["readinessProbe"] ==
        json::parse(R"({"httpGet":{"path":"/healthz","port":"http"},"initialDelaySeconds":5})"));
  CHECK(c["securityContext"]["runAsUser"] == -1);

  Result<Decoded> checked = Decode(object, FieldValidation::kStrict);
  INFO(checked.status().ToString());
  CHECK(checked.ok());
}

TEST_CASE("protobuf repeated varints may be packed or not", "[protobuf]") {
  auto groups = [](const Msg& security) {
    Msg spec;
    spec.Sub(3, Msg().Sub(2, Msg().Sub(14, security)));
    json object = DecodedJson(Body("apps/v1", "Deployment", Msg().Sub(2, spec)));
    return object["spec"]["template"]["spec"]["securityContext"];
  };
  CHECK(groups(Msg().Int(4, 1).Int(4, 0).Int(4, 3))["supplementalGroups"] ==
        json::array({1, 0, 3}));
  CHECK(groups(Msg().Packed(4, {5}).Int(4, 6))["supplementalGroups"] == json::array({5, 6}));
  CHECK_FALSE(groups(Msg().Packed(4, {})).contains("supplementalGroups"));
  Msg truncated_packed;
  truncated_packed.Str(4, "\x80");  // a varint whose continuation byte is missing
  Msg spec;
  spec.Sub(3, Msg().Sub(2, Msg().Sub(14, truncated_packed)));
  CHECK(DecodeError(Body("apps/v1", "Deployment", Msg().Sub(2, spec))).message() ==
        "protobuf: Deployment.spec.template.spec.securityContext (PodSecurityContext): "
        "field 4 is truncated or malformed");
}

TEST_CASE("protobuf errors name the message, path and field", "[protobuf]") {
  std::string good = Body("v1", "Namespace", Msg().Sub(1, Meta("ns1")));

  SECTION("no magic") {
    CHECK(DecodeError(good.substr(4)).code() == Code::kBadRequest);
    CHECK(DecodeError("").message().find("k8s") != std::string::npos);
  }
  SECTION("an unknown field number") {
    Msg pod_spec;
    pod_spec.Int(99, 1);
    Msg spec;
    spec.Sub(3, Msg().Sub(2, pod_spec));
    Status s = DecodeError(Body("apps/v1", "Deployment", Msg().Sub(2, spec)));
    CHECK(s.code() == Code::kBadRequest);
    CHECK(
        s.message() ==
        "protobuf: Deployment.spec.template.spec (PodSpec): unknown field number 99 (wire type 0)");
  }
  SECTION("an unknown field in a list element names its index") {
    Msg spec;
    spec.Sub(1, Msg().Str(1, "a")).Sub(1, Msg().Str(1, "b").Int(42, 1));
    Status s = DecodeError(Body("v1", "Service", Msg().Sub(2, spec)));
    CHECK(s.message() ==
          "protobuf: Service.spec.ports[1] (ServicePort): unknown field number 42 (wire type 0)");
  }
  SECTION("a wrong wire type") {
    Status s = DecodeError(Body("v1", "Namespace", Msg().Int(1, 7)));
    CHECK(s.message() ==
          "protobuf: Namespace (Namespace): field 1 (metadata) has wire type 0, expected 2");
  }
  SECTION("a kind that is not decoded is 415") {
    Status s = DecodeError(Body("v1", "Pod", Msg()));
    CHECK(s.code() == Code::kUnsupportedMediaType);
    CHECK(s.message().find("v1 Pod are not supported") != std::string::npos);
    CHECK(DecodeError(Body("apps/v2", "Deployment", Msg())).code() == Code::kUnsupportedMediaType);
  }
  SECTION("a compressed object") {
    Msg envelope;
    envelope.Sub(1, Msg().Str(1, "v1").Str(2, "Namespace")).Sub(2, Msg()).Str(3, "gzip");
    Status s = DecodeError(std::string("k8s\0", 4) + envelope.bytes());
    CHECK(s.message() == "protobuf: contentEncoding \"gzip\" is not supported");
  }
  SECTION("a string that is not UTF-8") {
    Status s = DecodeError(Body("v1", "Namespace", Msg().Sub(1, Msg().Str(1, "a\xc3"))));
    CHECK(s.message() == "protobuf: Namespace.metadata (ObjectMeta): field 1 is not valid UTF-8");
  }
  SECTION("an int32 out of range") {
    Status s = DecodeError(Body("apps/v1", "Deployment", Msg().Sub(2, Msg().Int(1, 1LL << 40))));
    CHECK(s.message().find("out of range for int32") != std::string::npos);
  }
  SECTION("a time outside years 0-9999") {
    Msg meta;
    meta.Sub(9, Msg().Int(1, 253402300800));
    CHECK(DecodeError(Body("v1", "Namespace", Msg().Sub(1, meta))).code() == Code::kBadRequest);
  }
  SECTION("an IntOrString of unknown type") {
    Msg spec;
    spec.Sub(1, Msg().Sub(4, Msg().Int(1, 2)));
    Status s = DecodeError(Body("v1", "Service", Msg().Sub(2, spec)));
    CHECK(s.message() ==
          "protobuf: Service.spec.ports[0].targetPort (IntOrString): type 2 is neither 0 (int) nor "
          "1 (string)");
  }
  SECTION("a field tag of zero") {
    Status s = DecodeError(good + std::string(1, '\0'));
    CHECK(s.message() == "protobuf: Unknown (Unknown): malformed field tag");
  }
}

TEST_CASE("protobuf truncated bodies fail cleanly", "[protobuf]") {
  std::string body = Body("apps/v1", "Deployment", KubectlDeployment());
  // The envelope's last two fields (contentEncoding, contentType: 2 bytes each) are
  // optional, so only cuts inside the typeMeta or raw fields must fail.
  for (size_t cut = 0; cut + 4 < body.size(); ++cut) {
    Result<json> result = DecodeKubernetesProtobuf(body.substr(0, cut));
    INFO("cut at " << cut << " of " << body.size() << ": " << result.status().ToString());
    CHECK_FALSE(result.ok());
    CHECK(result.status().code() == Code::kBadRequest);
  }
}

TEST_CASE("protobuf garbage never crashes", "[protobuf]") {
  const std::string body = Body("apps/v1", "Deployment", KubectlDeployment());
  const uint32_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  int failures = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string mutated = body;
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < flips; ++i) {
      size_t at = 4 + rng() % (mutated.size() - 4);
      mutated[at] = static_cast<char>(rng());
    }
    if (round % 3 == 0) mutated.resize(4 + rng() % (mutated.size() - 4));
    Result<json> result = DecodeKubernetesProtobuf(mutated);
    if (result.ok()) {
      CHECK(result->is_object());
      CHECK_NOTHROW(result->dump());  // every string is valid UTF-8
    } else {
      ++failures;
      CHECK((result.status().code() == Code::kBadRequest ||
             result.status().code() == Code::kUnsupportedMediaType));
    }
  }
  CHECK(failures > 0);
  for (int round = 0; round < 1000; ++round) {
    std::string random_body("k8s\0", 4);
    for (size_t n = rng() % 64; n > 0; --n) random_body += static_cast<char>(rng());
    CHECK_NOTHROW(DecodeKubernetesProtobuf(random_body));
  }
}

TEST_CASE("protobuf tables are consistent and match the JSON schema", "[protobuf]") {
  using protobuf_internal::FieldKind;
  CHECK(protobuf_internal::TableProblems() == std::vector<std::string>{});
  for (const std::string& kind : ProtobufDecodableKinds()) {
    INFO(kind);
    CHECK(protobuf_internal::FindMessage(kind.substr(kind.find(' ') + 1)) != nullptr);
  }
  const std::map<FieldKind, ValueKind> scalar_kinds = {
      {FieldKind::kString, ValueKind::kString},
      {FieldKind::kBytes, ValueKind::kBytes},
      {FieldKind::kBool, ValueKind::kBoolean},
      {FieldKind::kInt32, ValueKind::kInt32},
      {FieldKind::kInt64, ValueKind::kInt64},
      {FieldKind::kIntOrString, ValueKind::kIntOrString},
      {FieldKind::kQuantity, ValueKind::kQuantity},
      {FieldKind::kTime, ValueKind::kTime},
  };
  for (const auto* table :
       {&protobuf_internal::MetaMessages(), &protobuf_internal::AppsMessages(),
        &protobuf_internal::CoreObjectMessages(), &protobuf_internal::CorePodMessages(),
        &protobuf_internal::CoreContainerMessages(), &protobuf_internal::CoreVolumeMessages()}) {
    for (const protobuf_internal::MessageSpec& message : *table) {
      const ObjectType* type = FindType(message.name);
      if (type == nullptr) continue;  // envelope and embedded-only messages
      for (const protobuf_internal::FieldSpec& field : message.fields) {
        if (field.flags & protobuf_internal::kInline) continue;
        INFO(message.name << "." << field.json_name);
        const api::FieldSpec* schema_field = type->FindField(field.json_name);
        REQUIRE(schema_field != nullptr);
        TypeRef ref = schema_field->type;
        if (field.flags & protobuf_internal::kRepeated) {
          REQUIRE(ref.kind == ValueKind::kArray);
          ref = *ref.element;
        }
        auto scalar = scalar_kinds.find(field.kind);
        if (scalar != scalar_kinds.end()) CHECK(ref.kind == scalar->second);
      }
    }
  }
}

}  // namespace
}  // namespace skiff::api
