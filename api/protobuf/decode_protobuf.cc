#include "api/protobuf/decode_protobuf.h"

#include <array>

#include "api/protobuf/message_table.h"
#include "api/protobuf/wire_decoder.h"
#include "base/base64.h"

namespace skiff::api {
namespace {

using nlohmann::json;
using protobuf_internal::FindMessage;
using protobuf_internal::MessageSpec;
using protobuf_internal::WireDecoder;

constexpr std::string_view kMagic{"k8s\0", 4};

struct DecodableKind {
  std::string_view api_version;
  std::string_view kind;  // also the name of its message in the tables
};

constexpr std::array kDecodableKinds = {
    DecodableKind{"apps/v1", "Deployment"}, DecodableKind{"v1", "ConfigMap"},
    DecodableKind{"v1", "Namespace"},       DecodableKind{"v1", "Secret"},
    DecodableKind{"v1", "Service"},         DecodableKind{"v1", "ServiceAccount"},
};

const MessageSpec* KindMessage(std::string_view api_version, std::string_view kind) {
  for (const DecodableKind& k : kDecodableKinds) {
    if (k.api_version == api_version && k.kind == kind) return FindMessage(k.kind);
  }
  return nullptr;
}

std::string KindList() {
  std::string list;
  for (const std::string& k : ProtobufDecodableKinds()) list += (list.empty() ? "" : ", ") + k;
  return list;
}

}  // namespace

std::vector<std::string> ProtobufDecodableKinds() {
  std::vector<std::string> kinds;
  for (const DecodableKind& k : kDecodableKinds) {
    kinds.push_back(std::string(k.api_version) + " " + std::string(k.kind));
  }
  return kinds;
}

Result<json> DecodeKubernetesProtobuf(std::string_view body) {
  if (!body.starts_with(kMagic)) {
    return Status::BadRequest("protobuf: the body does not start with the \"k8s\\x00\" prefix");
  }
  json envelope = json::object();
  WireDecoder envelope_decoder(body.substr(kMagic.size()));
  SKIFF_RETURN_IF_ERROR(envelope_decoder.Decode(*FindMessage("Unknown"), "Unknown", envelope));

  json type_meta = envelope.value("typeMeta", json::object());
  std::string api_version = type_meta.value("apiVersion", "");
  std::string kind = type_meta.value("kind", "");
  std::string encoding = envelope.value("contentEncoding", "");
  std::string content_type = envelope.value("contentType", "");
  if (!encoding.empty()) {
    return Status::BadRequest("protobuf: contentEncoding \"" + encoding + "\" is not supported");
  }
  if (!content_type.empty() && content_type != kProtobufMediaType) {
    return Status(Code::kUnsupportedMediaType,
                  "protobuf: an object in content type \"" + content_type + "\" is not supported");
  }
  if (kind.empty() || api_version.empty()) {
    return Status::BadRequest("protobuf: the envelope names no apiVersion and kind");
  }
  if (!envelope.contains("raw"))
    return Status::BadRequest("protobuf: the envelope holds no object");
  const MessageSpec* message = KindMessage(api_version, kind);
  if (message == nullptr) {
    return Status(Code::kUnsupportedMediaType, "protobuf bodies of " + api_version + " " + kind +
                                                   " are not supported; decoded kinds: " +
                                                   KindList() + "; send application/json instead");
  }
  std::optional<std::string> raw = Base64Decode(envelope.value("raw", ""));
  if (!raw) return Status::Internal("protobuf: raw object lost in the envelope");

  json object = json::object();
  WireDecoder object_decoder(*raw);
  SKIFF_RETURN_IF_ERROR(object_decoder.Decode(*message, kind, object));
  object["apiVersion"] = api_version;
  object["kind"] = kind;
  return object;
}

}  // namespace skiff::api
