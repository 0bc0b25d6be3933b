// ObjectShape: what server-side apply needs to know of a value from the schema
// (api/schema) and the strategic-merge strategies (api/patch/patch_strategies.h):
// whether it is a leaf, a struct, a map, or a list that merges by key (list-map)
// or by value (set), and how to name a child or list item in a FieldPath.
//
// Lists with a patch merge key are list-maps keyed by that field, lists with
// strategy "merge" and no key are sets, every other list is atomic (a leaf).
// Values the schema does not describe are treated as upstream treats deduced
// types: objects are maps of their keys, lists are atomic.
//
// Pure functions over immutable tables: thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "api/kinds.h"
#include "api/patch/patch_strategies.h"
#include "api/schema/schema.h"

namespace skiff::apiserver::apply {

enum class NodeKind { kLeaf, kStruct, kMap, kListMap, kSet };

class ObjectShape {
 public:
  // The shape of a whole object of the kind (unknown when the schema lacks it).
  static ObjectShape ForKind(const api::KindInfo& kind);

  // How a value of this shape is walked. A value of another JSON type than the
  // schema says (or a list-map item without its key) is a leaf.
  NodeKind KindOf(const nlohmann::json& value) const;
  // The shape of a field or map key of a struct or map.
  ObjectShape Child(const std::string& key) const;
  // The shape of the items of a list.
  ObjectShape Item() const;
  // The path element naming an item of a list-map ("k:{...}") or set ("v:...").
  std::string ItemElement(const nlohmann::json& item) const;
  // The key of a list-map item, as in its path element (null for sets).
  const std::string& merge_key() const;

 private:
  const api::TypeRef* type_ = nullptr;      // nullptr: not described
  const api::ObjectType* object_ = nullptr;  // set for structs
  const api::PatchStrategy* strategy_ = nullptr;
};

}  // namespace skiff::apiserver::apply
