// ObjectMeta validation, as upstream's ValidateObjectMeta / ValidateObjectMetaUpdate.
//
// Create: name required unless generateName is set, name (and generateName)
// syntax per kind, namespace required for namespaced kinds and forbidden for
// cluster-scoped ones, generation >= 0, labels, annotations, ownerReferences,
// finalizers. Update: the create rules plus name, namespace, uid and
// creationTimestamp immutable (resourceVersion is the API server's business).
//
// Errors are appended with paths under `metadata`. Pure: thread-safe, no throws.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "api/field_error.h"
#include "api/validation/names.h"

namespace skiff::api::validation {

// A kind's name rule: returns the problems of a name (prefix = generateName).
using NameValidator = Messages (*)(std::string_view name, bool prefix);

// `meta` is the object's metadata (any JSON; a non-object is reported).
void ValidateObjectMeta(const nlohmann::json& meta, bool namespaced, NameValidator name_fn,
                        const FieldPath& path, FieldErrors& errs);
void ValidateObjectMetaUpdate(const nlohmann::json& updated, const nlohmann::json& old,
                              const FieldPath& path, FieldErrors& errs);
// Labels and annotations only (a pod template's metadata).
void ValidateTemplateObjectMeta(const nlohmann::json& meta, const FieldPath& path,
                                FieldErrors& errs);

}  // namespace skiff::api::validation
