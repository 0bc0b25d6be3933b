// The schema of the Kubernetes types skiff serves: which fields each object has,
// their JSON names and types, a one-line description, allowed enum values, and
// whether skiff acts on the field (acted_on) or only stores it.
//
// Objects in skiff are nlohmann::json values in the Kubernetes wire shape; this
// schema is what the decoder walks to check them, what OpenAPI documents are
// generated from, and what `explain` prints. It is built once, on first use, from
// the definition files beside this header (one per API group and area) and is
// immutable afterwards: every function here is thread-safe.
//
// A definition problem (a duplicate field, a reference to an undefined type) does
// not abort: it is listed by SchemaProblems(), which a test keeps empty.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "api/kinds.h"

namespace skiff::api {

enum class ValueKind {
  kString,
  kInt32,
  kInt64,
  kNumber,  // float64
  kBoolean,
  kIntOrString,  // int32 or string
  kQuantity,     // resource.Quantity: a string such as "100m" or a number
  kTime,         // metav1.Time: RFC 3339 string with seconds
  kMicroTime,    // metav1.MicroTime: RFC 3339 string with microseconds
  kBytes,        // []byte: base64 string
  kArray,        // of element
  kMap,          // string → element
  kObject,       // reference to a named ObjectType
  kFreeForm,     // any JSON object (RawExtension, FieldsV1)
};

struct ObjectType;

// The type of one field. Arrays and maps have an element type; kObject names
// its ObjectType (resolved to `object` once the schema is built).
struct TypeRef {
  ValueKind kind = ValueKind::kString;
  std::shared_ptr<const TypeRef> element;  // kArray, kMap
  std::string ref;                         // kObject: the type's short name
  const ObjectType* object = nullptr;      // kObject, after resolution

  // Parses the definition notation: "string", "int32", "int64", "number",
  // "boolean", "IntOrString", "Quantity", "Time", "MicroTime", "bytes",
  // "object" (free-form), "[]T", "map[T]" (string keys), or a type name.
  static TypeRef Parse(std::string_view notation);
  // The notation back ("[]Container", "map[Quantity]"), for messages.
  std::string ToString() const;
  bool is_scalar() const {
    return kind != ValueKind::kArray && kind != ValueKind::kMap && kind != ValueKind::kObject &&
           kind != ValueKind::kFreeForm;
  }
};

struct FieldSpec {
  std::string name;  // JSON name
  TypeRef type;
  std::string description;
  std::vector<std::string> enum_values;  // empty: any value
  bool acted_on = false;                 // skiff does something with this field
};

struct ObjectType {
  std::string name;     // "PodSpec"
  std::string package;  // "io.k8s.api.core.v1"
  std::string description;
  std::vector<FieldSpec> fields;  // in definition order

  // nullptr when the type has no such field.
  const FieldSpec* FindField(std::string_view json_name) const;
  // "io.k8s.api.core.v1.PodSpec", the name OpenAPI documents use.
  std::string QualifiedName() const { return package + "." + name; }

  // json name → fields[i]; looked up without allocating.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, size_t, NameHash, std::equal_to<>> index;
};

// Every defined type, sorted by name.
const std::vector<const ObjectType*>& AllTypes();
// nullptr when no type has that short name ("PodSpec", "ObjectMeta").
const ObjectType* FindType(std::string_view name);
// The top-level type of a kind (Pod for core/v1 Pod); nullptr if undefined.
const ObjectType* TypeForKind(const KindInfo& kind);
// Definition problems found while building; empty when the schema is sound.
const std::vector<std::string>& SchemaProblems();

}  // namespace skiff::api
