// OpenAPI v3 documents generated from the schema (api/schema/schema.h), in the
// shape the Kubernetes API server serves at /openapi/v3/apis/<group>/<version>,
// so that `kubectl explain` and kubectl's field-validation checks work.
//
// components.schemas holds every object type reachable from the group
// version's kinds, named as Kubernetes names them
// ("io.k8s.api.core.v1.Pod", "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"),
// with descriptions from the schema, integer formats (int32/int64),
// IntOrString and Quantity as `x-kubernetes-int-or-string`, Time as date-time,
// and references as `allOf: [{$ref}]` so a description can sit beside them.
// Top-level kinds and their <Kind>List types carry
// `x-kubernetes-group-version-kind`. paths holds the REST operations of each
// resource, with the GVK extension and the dryRun / fieldManager /
// fieldValidation query parameters kubectl looks for.
//
// Pure functions building fresh values; thread-safe. An unknown group version
// yields a document with no paths and no schemas.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace skiff::api {

nlohmann::json OpenApiV3ForGroupVersion(std::string_view group, std::string_view version);

// The relative paths of the per-group-version documents, as listed by the
// /openapi/v3 index: "api/v1", "apis/apps/v1", "apis/coordination.k8s.io/v1".
std::vector<std::string> OpenApiV3GroupVersionPaths();

}  // namespace skiff::api
