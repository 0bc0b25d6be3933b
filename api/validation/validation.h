// Validation of API objects on create and update, as Kubernetes 1.32 does it.
//
// Objects are nlohmann::json values in the Kubernetes wire shape (apiVersion,
// kind, metadata, spec, ...), normally already defaulted by ApplyDefaults.
// Validate returns every problem at once, each a FieldError with the path of the
// field, a type (Required, Invalid, NotSupported, Duplicate, Forbidden, TooLong,
// NotFound) and upstream's message, so ToInvalidStatus renders what kubectl
// users expect, e.g.
//   Pod "web" is invalid: spec.containers[0].name: Required value
// An empty list means the object is valid.
//
// ValidateUpdate checks `updated` with the create rules plus the rules that
// compare with `old`: immutable metadata (name, namespace, uid,
// creationTimestamp), a Pod's spec (only images, activeDeadlineSeconds,
// tolerations additions and terminationGracePeriodSeconds may change), a
// Service's clusterIP, apps/v1 selectors, immutable ConfigMaps and Secrets, a
// Secret's type. resourceVersion checks belong to the API server.
//
// Never throws: a member of the wrong JSON type is reported (FieldValueTypeInvalid)
// or ignored, never dereferenced unchecked. Pure functions: thread-safe.
//
// Known gaps against upstream: security contexts, affinity, topology spread,
// ephemeral containers, resize policy and most volume plugins' own fields are
// not checked beyond their shape; quantities are compared numerically but not
// canonicalised in messages.
#pragma once

#include <nlohmann/json.hpp>

#include "api/field_error.h"
#include "api/kinds.h"

namespace skiff::api {

FieldErrors Validate(const KindInfo& kind, const nlohmann::json& object);
FieldErrors ValidateUpdate(const KindInfo& kind, const nlohmann::json& updated,
                           const nlohmann::json& old);

}  // namespace skiff::api
