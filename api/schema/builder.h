// Internal to api/schema: the small language the definition files use.
//
//   b.Package("io.k8s.api.core.v1");
//   b.Type("ConfigMap", "Non-secret configuration as key/value pairs.", kActed)
//       .F("data", "map[string]", "UTF-8 values by key.")
//       .F("immutable", "boolean", "When true, data cannot change after creation.");
//
// F() takes the type's default for acted_on; A() marks the field acted on and
// N() marks it not acted on, whatever the default. E() sets the enum values of
// the field just added, separated by '|'. Not thread-safe; used once while the
// schema is built under a function-local static.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/schema/schema.h"

namespace skiff::api::schema_internal {

inline constexpr bool kActed = true;

class SchemaBuilder;

class TypeBuilder {
 public:
  TypeBuilder(SchemaBuilder* b, ObjectType* t, bool acted) : b_(b), t_(t), acted_(acted) {}
  TypeBuilder& F(std::string_view name, std::string_view type, std::string_view desc);
  TypeBuilder& A(std::string_view name, std::string_view type, std::string_view desc);
  TypeBuilder& N(std::string_view name, std::string_view type, std::string_view desc);
  TypeBuilder& E(std::string_view values);
  // apiVersion, kind and metadata of a top-level kind.
  TypeBuilder& TopLevel();

 private:
  TypeBuilder& Add(std::string_view name, std::string_view type, std::string_view desc, bool acted);
  SchemaBuilder* b_;
  ObjectType* t_;
  bool acted_;
};

class SchemaBuilder {
 public:
  void Package(std::string_view pkg) { package_ = pkg; }
  TypeBuilder Type(std::string_view name, std::string_view desc, bool acted = false);
  void Problem(std::string p) { problems_.push_back(std::move(p)); }

  // Resolves references and moves the result out. Call once.
  void Finish(std::map<std::string, std::unique_ptr<ObjectType>, std::less<>>* types,
              std::vector<std::string>* problems);

 private:
  std::string package_;
  std::map<std::string, std::unique_ptr<ObjectType>, std::less<>> types_;
  std::vector<std::string> problems_;
};

// One function per definition file.
void DefineMetaTypes(SchemaBuilder& b);
void DefineCorePodTypes(SchemaBuilder& b);
void DefineCoreContainerTypes(SchemaBuilder& b);
void DefineCoreSchedulingTypes(SchemaBuilder& b);
void DefineCoreVolumeTypes(SchemaBuilder& b);
void DefineCorePodStatusTypes(SchemaBuilder& b);
void DefineCoreServiceTypes(SchemaBuilder& b);
void DefineCoreNodeTypes(SchemaBuilder& b);
void DefineCoreConfigTypes(SchemaBuilder& b);
void DefineAppsTypes(SchemaBuilder& b);
void DefineCoordinationTypes(SchemaBuilder& b);

}  // namespace skiff::api::schema_internal
