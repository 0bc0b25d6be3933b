#include "api/validation/object_meta.h"

#include "api/validation/field_validators.h"
#include "api/validation/json_access.h"

namespace skiff::api::validation {
namespace {

void ValidateOwnerReferences(const json& refs, const FieldPath& path, FieldErrors& errs) {
  if (!refs.is_array()) {
    errs.push_back(WrongType(path, refs, "array"));
    return;
  }
  std::string first_controller;
  for (const json& ref : refs) {
    // Upstream reports these on the list's path, not per index.
    if (jsonx::GetString(ref, "apiVersion").empty()) {
      errs.push_back(Invalid(path.Child("apiVersion"), "\"\"", "version must not be empty"));
    }
    if (jsonx::GetString(ref, "kind").empty()) {
      errs.push_back(Invalid(path.Child("kind"), "\"\"", "must not be empty"));
    }
    if (jsonx::GetString(ref, "name").empty()) {
      errs.push_back(Invalid(path.Child("name"), "\"\"", "must not be empty"));
    }
    if (jsonx::GetString(ref, "uid").empty()) {
      errs.push_back(Invalid(path.Child("uid"), "\"\"", "must not be empty"));
    }
    if (jsonx::GetBool(ref, "controller").value_or(false)) {
      std::string name = jsonx::GetString(ref, "name");
      if (first_controller.empty()) {
        first_controller = name;
      } else {
        errs.push_back(Invalid(path, jsonx::Render(refs),
                               "Only one reference can have Controller set to true. Found \"true\" "
                               "in references for " +
                                   first_controller + " and " + name));
      }
    }
  }
}

void ValidateFinalizers(const json& finalizers, const FieldPath& path, FieldErrors& errs) {
  if (!finalizers.is_array()) {
    errs.push_back(WrongType(path, finalizers, "array"));
    return;
  }
  for (const json& f : finalizers) {
    if (!f.is_string()) {
      errs.push_back(WrongType(path, f, "string"));
      continue;
    }
    ValidateQualifiedName(f.get_ref<const std::string&>(), path, errs);
  }
}

}  // namespace

void ValidateObjectMeta(const json& meta, bool namespaced, NameValidator name_fn,
                        const FieldPath& path, FieldErrors& errs) {
  if (!meta.is_object()) {
    if (meta.is_null()) {
      errs.push_back(Required(path.Child("name"), "name or generateName is required"));
      if (namespaced) errs.push_back(Required(path.Child("namespace"), ""));
    } else {
      errs.push_back(WrongType(path, meta, "object"));
    }
    return;
  }
  auto generate_name = CheckString(meta, "generateName", path.Child("generateName"), errs);
  if (generate_name && !generate_name->empty()) {
    AppendInvalid(errs, path.Child("generateName"), *generate_name, name_fn(*generate_name, true));
  }
  auto name = CheckString(meta, "name", path.Child("name"), errs);
  if (!name || name->empty()) {
    // A generateName alone is fine: the API server picks the name before storing.
    if (!generate_name || generate_name->empty()) {
      errs.push_back(Required(path.Child("name"), "name or generateName is required"));
    }
  } else {
    AppendInvalid(errs, path.Child("name"), *name, name_fn(*name, false));
  }
  auto ns = CheckString(meta, "namespace", path.Child("namespace"), errs);
  if (namespaced) {
    if (!ns || ns->empty()) {
      errs.push_back(Required(path.Child("namespace"), ""));
    } else {
      AppendInvalid(errs, path.Child("namespace"), *ns, IsDns1123Label(*ns));
    }
  } else if (ns && !ns->empty()) {
    errs.push_back(Forbidden(path.Child("namespace"), "not allowed on this type"));
  }
  if (auto gen = CheckInt(meta, "generation", path.Child("generation"), errs)) {
    ValidateNonnegative(*gen, path.Child("generation"), errs);
  }
  if (const json* labels = jsonx::Get(meta, "labels")) {
    ValidateLabels(*labels, path.Child("labels"), errs);
  }
  if (const json* annotations = jsonx::Get(meta, "annotations")) {
    ValidateAnnotations(*annotations, path.Child("annotations"), errs);
  }
  if (const json* refs = jsonx::Get(meta, "ownerReferences")) {
    ValidateOwnerReferences(*refs, path.Child("ownerReferences"), errs);
  }
  if (const json* finalizers = jsonx::Get(meta, "finalizers")) {
    ValidateFinalizers(*finalizers, path.Child("finalizers"), errs);
  }
}

void ValidateObjectMetaUpdate(const json& updated, const json& old, const FieldPath& path,
                              FieldErrors& errs) {
  for (const char* field : {"name", "namespace", "uid", "creationTimestamp"}) {
    ValidateImmutable(jsonx::Get(updated, field), jsonx::Get(old, field), path.Child(field), errs);
  }
  // Once set by a delete, the deletion fields only change through deletion.
  if (jsonx::Has(old, "deletionTimestamp")) {
    ValidateImmutable(jsonx::Get(updated, "deletionTimestamp"),
                      jsonx::Get(old, "deletionTimestamp"), path.Child("deletionTimestamp"), errs);
  }
  if (auto gen = CheckInt(updated, "generation", path.Child("generation"), errs)) {
    ValidateNonnegative(*gen, path.Child("generation"), errs);
  }
}

void ValidateTemplateObjectMeta(const json& meta, const FieldPath& path, FieldErrors& errs) {
  if (meta.is_null()) return;
  if (!meta.is_object()) {
    errs.push_back(WrongType(path, meta, "object"));
    return;
  }
  if (const json* labels = jsonx::Get(meta, "labels")) {
    ValidateLabels(*labels, path.Child("labels"), errs);
  }
  if (const json* annotations = jsonx::Get(meta, "annotations")) {
    ValidateAnnotations(*annotations, path.Child("annotations"), errs);
  }
}

}  // namespace skiff::api::validation
