// PodSpec validation, shared by Pod, Deployment and ReplicaSet (upstream's
// ValidatePodSpec, ValidatePodTemplateSpec, ValidatePodUpdate).
//
// Everything is appended to `errs` with paths under the caller's `path`
// ("spec" for a Pod, "spec.template.spec" for a template), so one call reports
// every problem. Values that were not defaulted yet (restartPolicy, protocols,
// pull policies) are accepted when absent; when present they must be valid.
// Pure functions: thread-safe, no exceptions.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "api/field_error.h"

namespace skiff::api::validation {

// The message upstream returns when a pod update touches an immutable field.
inline constexpr std::string_view kPodUpdateForbidden =
    "pod updates may not change fields other than `spec.containers[*].image`,"
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only "
    "additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set "
    "to 1 if it was previously negative)";

void ValidatePodSpec(const nlohmann::json& spec, const FieldPath& path, FieldErrors& errs);
// A pod template: metadata (labels, annotations) and spec under `path`.
void ValidatePodTemplateSpec(const nlohmann::json& tmpl, const FieldPath& path, FieldErrors& errs);
// The update-only rules of a Pod's spec (images may change but not be cleared,
// activeDeadlineSeconds may only shrink, tolerations may only be added, nothing
// else may change). `path` is "spec".
void ValidatePodSpecUpdate(const nlohmann::json& updated, const nlohmann::json& old,
                           const FieldPath& path, FieldErrors& errs);

// Pieces, exposed for the PodSpec implementation files.
// Returns the names of the volumes (valid or not) for volumeMounts to check against.
std::set<std::string> ValidateVolumes(const nlohmann::json& volumes, const FieldPath& path,
                                      FieldErrors& errs);
// `names` holds the container names seen so far (for Duplicate across lists).
void ValidateContainers(const nlohmann::json& containers, const FieldPath& path,
                        const std::set<std::string>& volumes, bool init_containers,
                        bool host_network, std::set<std::string>& names, FieldErrors& errs);
void ValidateTolerations(const nlohmann::json& tolerations, const FieldPath& path,
                         FieldErrors& errs);
// An int port number or an IANA port name (targetPort, probe ports).
void ValidatePortNumOrName(const nlohmann::json& port, const FieldPath& path, FieldErrors& errs);

}  // namespace skiff::api::validation
