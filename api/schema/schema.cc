#include "api/schema/schema.h"

#include <algorithm>
#include <map>

#include "api/schema/builder.h"

namespace skiff::api {

namespace si = schema_internal;

TypeRef TypeRef::Parse(std::string_view n) {
  TypeRef t;
  if (n.substr(0, 2) == "[]") {
    t.kind = ValueKind::kArray;
    t.element = std::make_shared<const TypeRef>(Parse(n.substr(2)));
    return t;
  }
  if (n.substr(0, 4) == "map[" && n.back() == ']') {
    t.kind = ValueKind::kMap;
    t.element = std::make_shared<const TypeRef>(Parse(n.substr(4, n.size() - 5)));
    return t;
  }
  static const std::map<std::string_view, ValueKind> kScalars = {
      {"string", ValueKind::kString},       {"int32", ValueKind::kInt32},
      {"int64", ValueKind::kInt64},         {"number", ValueKind::kNumber},
      {"boolean", ValueKind::kBoolean},     {"IntOrString", ValueKind::kIntOrString},
      {"Quantity", ValueKind::kQuantity},   {"Time", ValueKind::kTime},
      {"MicroTime", ValueKind::kMicroTime}, {"bytes", ValueKind::kBytes},
      {"object", ValueKind::kFreeForm},
  };
  if (auto it = kScalars.find(n); it != kScalars.end()) {
    t.kind = it->second;
    return t;
  }
  t.kind = ValueKind::kObject;
  t.ref = std::string(n);
  return t;
}

std::string TypeRef::ToString() const {
  switch (kind) {
    case ValueKind::kString:
      return "string";
    case ValueKind::kInt32:
      return "int32";
    case ValueKind::kInt64:
      return "int64";
    case ValueKind::kNumber:
      return "number";
    case ValueKind::kBoolean:
      return "boolean";
    case ValueKind::kIntOrString:
      return "IntOrString";
    case ValueKind::kQuantity:
      return "Quantity";
    case ValueKind::kTime:
      return "Time";
    case ValueKind::kMicroTime:
      return "MicroTime";
    case ValueKind::kBytes:
      return "bytes";
    case ValueKind::kArray:
      return "[]" + element->ToString();
    case ValueKind::kMap:
      return "map[" + element->ToString() + "]";
    case ValueKind::kObject:
      return ref;
    case ValueKind::kFreeForm:
      return "object";
  }
  return "?";
}

const FieldSpec* ObjectType::FindField(std::string_view json_name) const {
  auto it = index.find(json_name);
  return it == index.end() ? nullptr : &fields[it->second];
}

namespace schema_internal {

TypeBuilder& TypeBuilder::Add(std::string_view name, std::string_view type, std::string_view desc,
                              bool acted) {
  if (t_->index.find(name) != t_->index.end()) {
    b_->Problem(t_->name + ": duplicate field " + std::string(name));
    return *this;
  }
  FieldSpec f;
  f.name = name;
  f.type = TypeRef::Parse(type);
  f.description = desc;
  f.acted_on = acted;
  t_->index.emplace(f.name, t_->fields.size());
  t_->fields.push_back(std::move(f));
  return *this;
}

TypeBuilder& TypeBuilder::F(std::string_view name, std::string_view type, std::string_view desc) {
  return Add(name, type, desc, acted_);
}
TypeBuilder& TypeBuilder::A(std::string_view name, std::string_view type, std::string_view desc) {
  return Add(name, type, desc, true);
}
TypeBuilder& TypeBuilder::N(std::string_view name, std::string_view type, std::string_view desc) {
  return Add(name, type, desc, false);
}

TypeBuilder& TypeBuilder::E(std::string_view values) {
  if (t_->fields.empty()) return *this;
  auto& out = t_->fields.back().enum_values;
  size_t start = 0;
  while (start <= values.size()) {
    size_t bar = values.find('|', start);
    if (bar == std::string_view::npos) bar = values.size();
    out.emplace_back(values.substr(start, bar - start));
    start = bar + 1;
  }
  return *this;
}

TypeBuilder& TypeBuilder::TopLevel() {
  A("apiVersion", "string", "Versioned schema of this object, such as v1 or apps/v1.");
  A("kind", "string", "The REST resource type this object represents, in CamelCase.");
  A("metadata", "ObjectMeta", "Standard object metadata: name, namespace, labels, and so on.");
  return *this;
}

TypeBuilder SchemaBuilder::Type(std::string_view name, std::string_view desc, bool acted) {
  auto t = std::make_unique<ObjectType>();
  t->name = name;
  t->package = package_;
  t->description = desc;
  ObjectType* raw = t.get();
  if (!types_.emplace(std::string(name), std::move(t)).second) {
    Problem("duplicate type " + std::string(name));
    static ObjectType discard;  // keeps the builder chain valid; never published
    discard = ObjectType();
    return TypeBuilder(this, &discard, acted);
  }
  return TypeBuilder(this, raw, acted);
}

namespace {
void Resolve(TypeRef& t,
             const std::map<std::string, std::unique_ptr<ObjectType>, std::less<>>& types,
             const std::string& where, std::vector<std::string>* problems) {
  if (t.element) {
    TypeRef copy = *t.element;
    Resolve(copy, types, where, problems);
    t.element = std::make_shared<const TypeRef>(std::move(copy));
  }
  if (t.kind != ValueKind::kObject) return;
  auto it = types.find(t.ref);
  if (it == types.end()) {
    problems->push_back(where + ": undefined type " + t.ref);
    return;
  }
  t.object = it->second.get();
}
}  // namespace

void SchemaBuilder::Finish(std::map<std::string, std::unique_ptr<ObjectType>, std::less<>>* types,
                           std::vector<std::string>* problems) {
  for (auto& [name, type] : types_) {
    for (auto& f : type->fields) Resolve(f.type, types_, name + "." + f.name, &problems_);
  }
  *types = std::move(types_);
  *problems = std::move(problems_);
}

}  // namespace schema_internal

namespace {

struct Registry {
  std::map<std::string, std::unique_ptr<ObjectType>, std::less<>> types;
  std::vector<const ObjectType*> all;
  std::vector<std::string> problems;
};

const Registry& TheRegistry() {
  static const Registry* registry = [] {
    auto* r = new Registry;
    si::SchemaBuilder b;
    si::DefineMetaTypes(b);
    si::DefineCorePodTypes(b);
    si::DefineCoreContainerTypes(b);
    si::DefineCoreSchedulingTypes(b);
    si::DefineCoreVolumeTypes(b);
    si::DefineCorePodStatusTypes(b);
    si::DefineCoreServiceTypes(b);
    si::DefineCoreNodeTypes(b);
    si::DefineCoreConfigTypes(b);
    si::DefineAppsTypes(b);
    si::DefineCoordinationTypes(b);
    b.Finish(&r->types, &r->problems);
    for (const auto& [name, t] : r->types) r->all.push_back(t.get());
    return r;
  }();
  return *registry;
}

}  // namespace

const std::vector<const ObjectType*>& AllTypes() { return TheRegistry().all; }

const ObjectType* FindType(std::string_view name) {
  const auto& types = TheRegistry().types;
  auto it = types.find(name);
  return it == types.end() ? nullptr : it->second.get();
}

const ObjectType* TypeForKind(const KindInfo& kind) {
  const ObjectType* t = FindType(kind.kind);
  if (t == nullptr) return nullptr;
  // A short name is shared by at most one package; check it is the kind's group.
  std::string group = kind.group.empty() ? std::string("core") : kind.group;
  if (size_t dot = group.find('.'); dot != std::string::npos) group.resize(dot);
  std::string want = "." + group + "." + kind.version;
  if (t->package.size() < want.size() ||
      t->package.compare(t->package.size() - want.size(), want.size(), want) != 0) {
    return nullptr;
  }
  return t;
}

const std::vector<std::string>& SchemaProblems() { return TheRegistry().problems; }

}  // namespace skiff::api
