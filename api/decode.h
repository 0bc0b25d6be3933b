// Decoding of request bodies and manifests into checked objects.
//
// Decode takes a parsed JSON document (from ParseJson, or a YAML document from
// ParseYamlDocuments), finds its kind from apiVersion and kind, and walks it
// against the schema (api/schema/schema.h). The result is a cleaned copy in the
// Kubernetes wire shape:
//   - null values are removed, as Go decoding treats them as absent (inside
//     arrays and maps they become the element's zero value);
//   - quantities are rewritten in canonical form ("0.5" → "500m");
//   - integral floats in integer fields become integers (3.0 → 3);
//   - unknown fields are an error (kStrict), dropped with a warning (kWarn) or
//     dropped silently (kIgnore);
//   - a non-empty field skiff does not act on yields one warning per field path,
//     "spec.affinity: skiff does not act on this field yet" (never under status).
//
// Failures are BadRequest Statuses whose messages follow the API server's:
//   Object 'Kind' is missing in '{...}'
//   no kind "Foo" is registered for version "apps/v1" in scheme "skiff"
//   Deployment in version "v1" cannot be handled as a Deployment:
//       spec.replicas: expected int32, got string "three"
//   Deployment in version "v1" cannot be handled as a Deployment: strict decoding
//       error: unknown field "spec.foo", unknown field "spec.containers[0].bar"
// Type errors are reported before unknown fields. Every problem found is listed,
// not just the first. No exception escapes. Pure functions: thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "api/kinds.h"
#include "api/schema/schema.h"
#include "base/status.h"

namespace skiff::api {

// The fieldValidation query parameter of the API.
enum class FieldValidation { kStrict, kWarn, kIgnore };

// "Strict", "Warn", "Ignore"; "" is kWarn (the server default). Else BadRequest.
Result<FieldValidation> ParseFieldValidation(std::string_view value);

struct Decoded {
  nlohmann::json object;
  const KindInfo* kind = nullptr;  // points into AllKinds()
  std::vector<std::string> warnings;
};

Result<Decoded> Decode(const nlohmann::json& doc, FieldValidation mode);
// duplicate_fields: keys the body gave twice (JsonBody, YamlDocument), reported
// as unknown fields are: `duplicate field "metadata.name"` is an error under
// kStrict and a warning under kWarn, as kube-apiserver reports them.
Result<Decoded> Decode(const nlohmann::json& doc, FieldValidation mode,
                       const std::vector<std::string>& duplicate_fields);

// Checks and cleans `value` as an object of `type` (for a subresource or a
// nested object), with `path` as the prefix of field paths. Status fields are
// not special here. Errors as Decode, without the kind prefix.
Result<Decoded> DecodeAsType(const nlohmann::json& value, const ObjectType& type,
                             FieldValidation mode, std::string_view path = "");

// Parses a request body (ParseJsonBody of api/json_body.h, without the duplicate
// keys). Malformed JSON → BadRequest naming line and column:
// "json parse error at line 3, column 7: ..."; nesting past kMaxNestingDepth →
// BadRequest naming the limit.
Result<nlohmann::json> ParseJson(std::string_view body);

}  // namespace skiff::api
