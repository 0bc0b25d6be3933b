// FieldSet: a set of field paths of one object, the unit of ownership in
// server-side apply (structured-merge-diff's fieldpath.Set, in our words).
//
// A path is a list of path elements, each spelled as in metadata.managedFields
// (FieldsV1):
//   "f:<name>"        a field of a struct, or a key of a map
//   "k:<json object>" an item of a list-map, by its merge key: k:{"name":"web"}
//   "v:<json value>"  an item of a set list, by its value: v:"example.com/x"
//   "i:<index>"       an item of a list by position (read, never produced)
// The set is a trie keyed by those elements; a node is a member when the path
// ending there is in the set. FieldsV1 writes a member that has children as the
// key "." under it, and a member without children as an empty object.
//
// Values are plain data (copyable, thread-compatible). FromFieldsV1 fails with
// BadRequest naming the offending key; nothing else fails.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"

namespace skiff::apiserver::apply {

using FieldPath = std::vector<std::string>;

class FieldSet {
 public:
  void Insert(const FieldPath& path);
  // True when the path itself is a member.
  bool Has(const FieldPath& path) const;
  // True when the path or any path below it is a member.
  bool HasAtOrBelow(const FieldPath& path) const;
  // True when the path is a member with nothing below it (an owned leaf).
  bool HasLeaf(const FieldPath& path) const;
  bool Empty() const { return !member_ && children_.empty(); }

  FieldSet Union(const FieldSet& other) const;
  FieldSet Difference(const FieldSet& other) const;
  FieldSet Intersection(const FieldSet& other) const;

  // Every member path, sorted element by element.
  std::vector<FieldPath> Members() const;

  nlohmann::json ToFieldsV1() const;
  static Result<FieldSet> FromFieldsV1(const nlohmann::json& fields);

  bool operator==(const FieldSet&) const = default;

 private:
  void CollectMembers(FieldPath& prefix, std::vector<FieldPath>& out) const;

  bool member_ = false;
  std::map<std::string, FieldSet> children_;  // never holds an empty set
};

// A path as kube-apiserver prints it in conflict messages:
// .spec.template.spec.containers[name="web"].image, .metadata.finalizers[="x"].
std::string PathString(const FieldPath& path);

// The element of a struct field or map key: "f:<name>".
std::string FieldElement(const std::string& name);

}  // namespace skiff::apiserver::apply
