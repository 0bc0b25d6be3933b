// Server-side apply and the field ownership of every write, as kube-apiserver's
// field manager does it (sigs.k8s.io/structured-merge-diff, restated here over
// our schema; see docs/apiserver.md for what is and is not covered).
//
//   Apply        PATCH application/apply-patch+yaml: merge the applied
//                configuration into the live object, drop what this manager
//                applied before and no longer applies (unless another manager
//                owns it), refuse changes to fields other managers own unless
//                forced, and record {manager, operation: Apply} in
//                metadata.managedFields.
//   RecordUpdate create, update, non-apply patch and status writes: the
//                writer comes to own the fields it changed (operation Update),
//                other managers lose them.
//
// Field sets never include apiVersion, kind, the server-owned metadata (name,
// namespace, uid, resourceVersion, generation, creationTimestamp,
// managedFields, deletion stamps) or, through the main resource of a kind with
// a status subresource, status.
//
// Pure functions: thread-safe; on error the object is left as it was.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "api/kinds.h"
#include "base/clock.h"
#include "base/status.h"

namespace skiff::apiserver::apply {

// Which part of an object a write goes through: the main resource, or the
// status or scale subresource (recorded with subresource "status" / "scale").
enum class Scope { kMain, kStatus, kScale };

struct ApplyOptions {
  std::string manager;  // required: the fieldManager of the request
  bool force = false;   // take over conflicting fields instead of failing
  Clock::TimePoint now;
};

// The object after applying config to live. live is the stored object (for an
// absent object: one with apiVersion, kind and metadata.name/namespace only).
// Fails with:
//   Conflict (409, reason Conflict): config changes fields other managers own
//     and force is false. The message is kube-apiserver's ("Apply failed with
//     1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1:
//     .spec.replicas") and each conflict is a cause of type
//     FieldManagerConflict naming the field.
//   BadRequest: config carries metadata.managedFields.
// The result is not yet defaulted or validated; the caller stores it as an update.
Result<nlohmann::json> Apply(const api::KindInfo& kind, const nlohmann::json& live, const nlohmann::json& config,
                             const ApplyOptions& opts);

// Sets new_obj.metadata.managedFields for a write of old_obj (null for a
// create) into new_obj by manager. Managed fields the client sent in new_obj
// are the starting point when they decode (else the stored ones are); a list of
// one empty entry clears them (and nothing is recorded). An empty manager
// records nothing but keeps the starting point. Fails with Invalid (422) when
// the sent entries name an operation other than Apply or Update.
Status RecordUpdate(const api::KindInfo& kind, const nlohmann::json& old_obj, nlohmann::json& new_obj,
                    const std::string& manager, Scope scope, Clock::TimePoint now);

// The manager a request is made by: fieldManager when set, else the User-Agent
// up to its first '/' (kubectl/v1.32.4 (linux/amd64) ... → "kubectl").
std::string FieldManagerOf(const std::string& field_manager_param, const std::string& user_agent);

}  // namespace skiff::apiserver::apply
