// The field-level operations of server-side apply on objects in wire shape
// (nlohmann::json), walked with their ObjectShape:
//
//   FieldSetOf   the fields a value sets (the set an applier comes to own)
//   Compare      which fields an update added, modified or removed
//   MergeApplied an applied configuration merged into the live object
//   RemoveField  one field or list item taken out of an object
//
// Pure functions: thread-safe, inputs never modified.
#pragma once

#include <nlohmann/json.hpp>

#include "apiserver/apply/field_set.h"
#include "apiserver/apply/object_shape.h"

namespace skiff::apiserver::apply {

// How containers count in a field set. kApplied: as upstream's ToFieldSet,
// only leaves, list items and map keys are members. kUpdated: as the sets
// upstream records for updates, a map (labels, annotations) an update added is
// itself a member too (structs are not: Go's zero structs always exist).
enum class SetStyle { kApplied, kUpdated };

FieldSet FieldSetOf(const nlohmann::json& value, const ObjectShape& shape, SetStyle style = SetStyle::kApplied);

struct Comparison {
  FieldSet added;     // in the new object only (with everything below)
  FieldSet modified;  // leaves present in both with different values
  FieldSet removed;   // in the old object only (with everything below)
  bool Empty() const { return added.Empty() && modified.Empty() && removed.Empty(); }
};

Comparison Compare(const nlohmann::json& old_value, const nlohmann::json& new_value, const ObjectShape& shape);

// The live object with the configuration merged in: structs and maps merge key
// by key, list-maps merge item by item (by merge key; new items are appended),
// sets gain the new values, leaves and atomic lists are replaced; a null in the
// configuration removes the field.
nlohmann::json MergeApplied(const nlohmann::json& live, const nlohmann::json& config, const ObjectShape& shape);

// Removes the field or list item at path from value (nothing when absent).
void RemoveField(nlohmann::json& value, const FieldPath& path, const ObjectShape& shape);

}  // namespace skiff::apiserver::apply
