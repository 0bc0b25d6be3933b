// The fields each kind can be selected by (?fieldSelector=), and their values.
//
// The table follows the Kubernetes API server: its field label conversion
// functions (pkg/apis/core/v1/conversion.go and friends) say which names a kind
// accepts, and its registries' ToSelectableFields say how each is rendered.
// Every kind accepts metadata.name; namespaced kinds also metadata.namespace.
// Pod, Node, Namespace, Secret, Service, Event and ReplicaSet add their own.
//
// Values are rendered as the API server renders them: strings as they are,
// booleans "true"/"false", integers in decimal. A missing field has its Go zero
// value: "" for strings, "false" for booleans, "0" for integers (so
// spec.unschedulable=false matches a Node without the field, as upstream).
//
// The table is static and immutable: thread-safe. Lookups never throw.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "api/kinds.h"
#include "base/status.h"

namespace skiff::api {

enum class FieldType { kString, kBool, kInt };

struct SelectableField {
  std::string_view name;               // "spec.nodeName"
  std::vector<std::string_view> path;  // {"spec", "nodeName"}
  FieldType type = FieldType::kString;
  // When the value at path is empty, read this one instead (Event's "source"
  // falls back to reportingComponent). Empty: no fallback.
  std::vector<std::string_view> fallback;
};

// The fields kind supports, in a stable order.
const std::vector<SelectableField>& SelectableFieldsFor(const KindInfo& kind);

// The field for a selector label, after upstream's aliases (Pod "spec.host" is
// "spec.nodeName"). Unsupported: BadRequest with upstream's wording, either
//   field label not supported: spec.foo
// (kinds with their own conversion) or
//   "spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"
// (kinds that only have the default metadata fields).
Result<const SelectableField*> FindSelectableField(const KindInfo& kind, std::string_view label);

// The rendered value of field in object (see above for types and missing fields).
std::string ExtractFieldValue(const SelectableField& field, const nlohmann::json& object);

}  // namespace skiff::api
