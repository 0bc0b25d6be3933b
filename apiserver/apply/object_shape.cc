#include "apiserver/apply/object_shape.h"

#include <string_view>

namespace skiff::apiserver::apply {
namespace {

using nlohmann::json;

// Structs that upstream marks +structType=atomic: owned and replaced whole.
bool AtomicStruct(std::string_view name) { return name == "LabelSelector"; }

const api::PatchStrategy& NoStrategy() {
  static const api::PatchStrategy kNone;
  return kNone;
}

}  // namespace

ObjectShape ObjectShape::ForKind(const api::KindInfo& kind) {
  ObjectShape shape;
  shape.object_ = api::TypeForKind(kind);
  return shape;
}

const std::string& ObjectShape::merge_key() const { return (strategy_ ? *strategy_ : NoStrategy()).merge_key; }

NodeKind ObjectShape::KindOf(const json& value) const {
  if (object_ != nullptr) {
    bool granular = value.is_object() && !value.empty() && !AtomicStruct(object_->name);
    return granular ? NodeKind::kStruct : NodeKind::kLeaf;
  }
  if (type_ == nullptr || type_->kind == api::ValueKind::kFreeForm || type_->kind == api::ValueKind::kMap) {
    return value.is_object() && !value.empty() ? NodeKind::kMap : NodeKind::kLeaf;
  }
  if (type_->kind != api::ValueKind::kArray || !value.is_array()) return NodeKind::kLeaf;
  const api::PatchStrategy& strategy = strategy_ ? *strategy_ : NoStrategy();
  if (!strategy.merge) return NodeKind::kLeaf;
  if (strategy.merge_key.empty()) return NodeKind::kSet;
  for (const json& item : value) {
    if (!item.is_object() || !item.contains(strategy.merge_key)) return NodeKind::kLeaf;
  }
  return NodeKind::kListMap;
}

ObjectShape ObjectShape::Child(const std::string& key) const {
  ObjectShape child;
  if (object_ != nullptr) {
    if (const api::FieldSpec* field = object_->FindField(key)) {
      child.type_ = &field->type;
      child.strategy_ = &api::LookupPatchStrategy(object_->name, key);
    }
  } else if (type_ != nullptr && type_->kind == api::ValueKind::kMap) {
    child.type_ = type_->element.get();
  }
  if (child.type_ != nullptr && child.type_->kind == api::ValueKind::kObject) child.object_ = child.type_->object;
  return child;
}

ObjectShape ObjectShape::Item() const {
  ObjectShape item;
  if (type_ != nullptr && type_->kind == api::ValueKind::kArray) item.type_ = type_->element.get();
  if (item.type_ != nullptr && item.type_->kind == api::ValueKind::kObject) item.object_ = item.type_->object;
  return item;
}

std::string ObjectShape::ItemElement(const json& item) const {
  const std::string& key = merge_key();
  if (key.empty()) return "v:" + item.dump();
  return "k:" + json{{key, item[key]}}.dump();
}

}  // namespace skiff::apiserver::apply
