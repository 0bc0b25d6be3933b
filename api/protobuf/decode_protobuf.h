// Decoding of Kubernetes protobuf request bodies
// (Content-Type: application/vnd.kubernetes.protobuf) into JSON objects.
//
// kubectl 1.32+ sends `create deployment|configmap|namespace|secret|service|
// serviceaccount` in this encoding. A body is the 4 bytes "k8s\0" followed by a
// runtime.Unknown message: typeMeta {apiVersion, kind}, raw (the object's own
// message), contentEncoding and contentType (both empty). DecodeKubernetesProtobuf
// returns the object as the JSON API carries it (apiVersion and kind set, field
// names as in JSON, IntOrString as a number or string, Quantity as a string, Time
// as an RFC 3339 string, bytes as base64), ready for api::Decode like a JSON body.
//
// Decoded kinds: apps/v1 Deployment; v1 ConfigMap, Namespace, Secret, Service,
// ServiceAccount; each with every field of the 1.32 API (tables in *_messages.cc).
//
// Failures (no exception escapes; any byte sequence is safe to pass):
//   - BadRequest: no "k8s\0" prefix; an envelope without apiVersion, kind or raw;
//     a contentEncoding (such as gzip); truncated or malformed wire data; a wrong
//     wire type; a string that is not UTF-8; an int32 out of range; a field number
//     the tables do not know, named with its path and message:
//       protobuf: Deployment.spec (DeploymentSpec): unknown field number 42 (wire type 0)
//     Nothing is dropped silently.
//   - UnsupportedMediaType: a kind outside the list above, or a raw object in a
//     content type other than protobuf; the client should send JSON instead.
// Pure function: thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace skiff::api {

inline constexpr std::string_view kProtobufMediaType = "application/vnd.kubernetes.protobuf";

Result<nlohmann::json> DecodeKubernetesProtobuf(std::string_view body);

// "apps/v1 Deployment", "v1 ConfigMap", ...: the kinds DecodeKubernetesProtobuf reads.
std::vector<std::string> ProtobufDecodableKinds();

}  // namespace skiff::api
