// metadata.managedFields: who owns which fields of an object.
//
// Each entry is a manager (the fieldManager of the requests that wrote the
// fields), the operation (Apply for server-side apply, Update for every other
// write), the API version and subresource it wrote through, when its set last
// changed, and its FieldSet (fieldsType FieldsV1). An entry is identified by
// (manager, operation, subresource), as kube-apiserver's manager identifier
// is for objects served in one version.
//
// Decoding fails (BadRequest) when the list is not a list of entries with
// fieldsType FieldsV1 and a valid trie; kube-apiserver then ignores what the
// client sent. Validation reports what it rejects with 422 (an operation other
// than Apply or Update, an over-long manager). Plain data, thread-compatible.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/field_error.h"
#include "apiserver/apply/field_set.h"
#include "base/status.h"

namespace skiff::apiserver::apply {

inline constexpr char kOperationApply[] = "Apply";
inline constexpr char kOperationUpdate[] = "Update";

struct ManagerEntry {
  std::string manager;
  std::string operation;
  std::string api_version;
  std::string time;  // RFC 3339; may be empty
  std::string subresource;
  FieldSet fields;

  bool SameManager(const ManagerEntry& other) const {
    return manager == other.manager && operation == other.operation && subresource == other.subresource;
  }
};

using ManagerEntries = std::vector<ManagerEntry>;

// The entries of obj.metadata.managedFields (none when absent).
Result<ManagerEntries> DecodeManagedFields(const nlohmann::json& obj);
// The managedFields list; entries with an empty set are left out.
nlohmann::json EncodeManagedFields(const ManagerEntries& entries);
// Sets (or, when no entry is left, erases) obj.metadata.managedFields.
void StoreManagedFields(nlohmann::json& obj, const ManagerEntries& entries);

// The client asks to clear the managed fields: a list of one empty entry.
bool IsResetRequest(const nlohmann::json& obj);
// Problems of the entries a client sent, as kube-apiserver's validation words them.
api::FieldErrors ValidateManagedFields(const nlohmann::json& obj);

// The manager as conflict messages print it: "name", plus ` with subresource
// "status"` and, for Update entries, ` using apps/v1`.
std::string DescribeManager(const ManagerEntry& entry);

}  // namespace skiff::apiserver::apply
