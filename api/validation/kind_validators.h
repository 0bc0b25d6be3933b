// Per-kind validators behind Validate / ValidateUpdate (validation.h). Each
// appends to `errs`; the *Update variants only add the rules that compare with
// the old object (the dispatcher runs the create rules on the new one first).
// Internal to api/validation. Pure: thread-safe, no exceptions.
#pragma once

#include <nlohmann/json.hpp>

#include "api/field_error.h"

namespace skiff::api::validation {

using nlohmann::json;

void ValidatePod(const json& obj, FieldErrors& errs);
void ValidatePodUpdate(const json& updated, const json& old, FieldErrors& errs);
void ValidateService(const json& obj, FieldErrors& errs);
void ValidateServiceUpdate(const json& updated, const json& old, FieldErrors& errs);
void ValidateDeployment(const json& obj, FieldErrors& errs);
void ValidateReplicaSet(const json& obj, FieldErrors& errs);
// apps/v1: spec.selector is immutable.
void ValidateAppsSelectorUpdate(const json& updated, const json& old, FieldErrors& errs);
void ValidateConfigMap(const json& obj, FieldErrors& errs);
void ValidateConfigMapUpdate(const json& updated, const json& old, FieldErrors& errs);
void ValidateSecret(const json& obj, FieldErrors& errs);
void ValidateSecretUpdate(const json& updated, const json& old, FieldErrors& errs);
void ValidateNamespace(const json& obj, FieldErrors& errs);
void ValidateNode(const json& obj, FieldErrors& errs);
void ValidateEndpoints(const json& obj, FieldErrors& errs);
void ValidateEvent(const json& obj, FieldErrors& errs);
void ValidateServiceAccount(const json& obj, FieldErrors& errs);
void ValidateLease(const json& obj, FieldErrors& errs);

}  // namespace skiff::api::validation
