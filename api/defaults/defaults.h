// Defaulting of API objects, as Kubernetes 1.32's SetDefaults_* functions
// (pkg/apis/core/v1/defaults.go, pkg/apis/apps/v1/defaults.go) plus the few
// defaults upstream applies in its registry strategies (Namespace finalizers,
// Service IP family policy, Secret stringData merged into data).
//
// ApplyDefaults fills unset fields of `object` (a JSON value in the Kubernetes
// wire shape) in place; a field that is present keeps its value, except where
// upstream also rewrites (Service sessionAffinityConfig when affinity is None,
// Secret stringData folded into data). It is idempotent: applying it twice
// leaves the same object as applying it once.
//
// Members of an unexpected JSON type are left untouched (validation reports
// them); ApplyDefaults never throws. A kind without defaults is a no-op.
// Pure function of its input: thread-safe for distinct objects.
#pragma once

#include <nlohmann/json.hpp>

#include "api/kinds.h"

namespace skiff::api {

void ApplyDefaults(const KindInfo& kind, nlohmann::json& object);

}  // namespace skiff::api
