// Per-kind defaulting behind ApplyDefaults (defaults.h). Internal to
// api/defaults. Each function tolerates any JSON shape and never throws.
#pragma once

#include <nlohmann/json.hpp>

namespace skiff::api::defaults {

using nlohmann::json;

// A whole Pod: the PodSpec defaults plus the Pod-only ones (enableServiceLinks,
// requests from limits, hostNetwork hostPorts).
void DefaultPod(json& pod);
// A PodSpec as in a template (no Pod-only defaults).
void DefaultPodSpec(json& spec);
// spec.template of a workload: its spec gets DefaultPodSpec.
void DefaultPodTemplate(json& tmpl);

void DefaultService(json& service);
void DefaultDeployment(json& deployment);
void DefaultReplicaSet(json& replica_set);
void DefaultSecret(json& secret);
void DefaultNamespace(json& ns);
void DefaultNode(json& node);
void DefaultEndpoints(json& endpoints);

}  // namespace skiff::api::defaults
