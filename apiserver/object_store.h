// ObjectStore: the generic REST semantics of every kind over Storage.
//
// It turns API requests into storage operations the way Kubernetes' generic
// registry does: decode (strict/warn/ignore unknown fields), default, validate,
// stamp metadata (uid, creationTimestamp, generation, generateName), check that
// the namespace exists and is not terminating, then compare-and-swap on the
// resourceVersion. Objects are stored without metadata.resourceVersion; reads set
// it from the storage revision. Lists filter by label and field selectors and
// page with limit/continue.
//
// Thread-safe (Storage is). Failures come back as a Status with the Kubernetes
// reason and a message as the API server words it; a failed call changes nothing.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/decode.h"
#include "api/kinds.h"
#include "apiserver/kind_hooks.h"
#include "apiserver/storage/storage.h"
#include "base/clock.h"
#include "base/status.h"

namespace skiff::apiserver {

struct WriteOptions {
  api::FieldValidation field_validation = api::FieldValidation::kStrict;
  bool dry_run = false;
};

enum class PatchType { kMerge, kJson, kStrategic, kApply };

struct ListQuery {
  std::string label_selector;
  std::string field_selector;
  int64_t limit = 0;
  std::string continue_token;
};

struct DeleteOptions {
  std::optional<std::string> precondition_uid;
  std::optional<std::string> precondition_resource_version;
};

// A written object and the warnings its request earns (unknown or unacted fields).
struct Written {
  nlohmann::json object;
  std::vector<std::string> warnings;
};

// What a delete did: removed the object at once, or marked it (finalizers pending).
struct Deleted {
  nlohmann::json object;
  bool removed = false;
};

class ObjectStore {
 public:
  ObjectStore(storage::Storage& store, Clock& clock) : store_(store), clock_(clock) {}

  // Registers the hooks of a kind (not owned). Call before serving, then RebuildHooks.
  void SetHooks(const api::KindInfo& kind, KindHooks& hooks);
  Status RebuildHooks();

  // Creates default, kube-system and kube-public when missing.
  Status EnsureSystemNamespaces();

  Result<Written> Create(const api::KindInfo& kind, const std::string& ns, const nlohmann::json& body,
                         const WriteOptions& opts);
  Result<nlohmann::json> Get(const api::KindInfo& kind, const std::string& ns, const std::string& name);
  // Returns a "<Kind>List" with metadata.resourceVersion and, when cut short, continue.
  Result<nlohmann::json> List(const api::KindInfo& kind, const std::string& ns, const ListQuery& q);
  // PUT: body.metadata.resourceVersion, when set, must be current (else Conflict).
  Result<Written> Update(const api::KindInfo& kind, const std::string& ns, const std::string& name,
                         const nlohmann::json& body, const WriteOptions& opts);
  // PATCH: applies the patch to the live object and writes it as an update, retried
  // on lost races unless the patch names a resourceVersion. An apply patch
  // (server-side apply) of an absent object creates it.
  Result<Written> Patch(const api::KindInfo& kind, const std::string& ns, const std::string& name, PatchType type,
                        const nlohmann::json& patch, const WriteOptions& opts);
  // PATCH of the status subresource: the patched object's status is written.
  Result<Written> PatchStatus(const api::KindInfo& kind, const std::string& ns, const std::string& name,
                              PatchType type, const nlohmann::json& patch);
  // PATCH of the scale subresource (merge or JSON patch of the Scale object).
  Result<nlohmann::json> PatchScale(const api::KindInfo& kind, const std::string& ns, const std::string& name,
                                    PatchType type, const nlohmann::json& patch);
  Result<Deleted> Delete(const api::KindInfo& kind, const std::string& ns, const std::string& name,
                         const DeleteOptions& opts);
  // Deletes every object the query selects; returns the list of what was deleted.
  Result<nlohmann::json> DeleteCollection(const api::KindInfo& kind, const std::string& ns, const ListQuery& q);

  // The status subresource: replaces .status only (spec and metadata are kept).
  Result<Written> UpdateStatus(const api::KindInfo& kind, const std::string& ns, const std::string& name,
                               const nlohmann::json& body);
  // The scale subresource (autoscaling/v1 Scale) of kinds with spec.replicas.
  Result<nlohmann::json> GetScale(const api::KindInfo& kind, const std::string& ns, const std::string& name);
  Result<nlohmann::json> UpdateScale(const api::KindInfo& kind, const std::string& ns, const std::string& name,
                                     const nlohmann::json& scale);
  // pods/binding: sets spec.nodeName once (Conflict if already bound).
  Status BindPod(const std::string& ns, const std::string& name, const nlohmann::json& binding);

  // Events for the kind (and namespace, when not empty) after resource_version.
  Result<std::unique_ptr<storage::Watcher>> Watch(const api::KindInfo& kind, const std::string& ns,
                                                  int64_t resource_version);

  const Clock& clock() const { return clock_; }

  // The object stored under key as of revision (nullopt when it did not exist then);
  // Gone once that revision is compacted.
  Result<std::optional<nlohmann::json>> ValueAt(const std::string& key, int64_t revision);

  static std::string KeyFor(const api::KindInfo& kind, const std::string& ns, const std::string& name);
  static std::string PrefixFor(const api::KindInfo& kind, const std::string& ns);
  // The stored value as an API object: adds metadata.resourceVersion from the revision.
  static nlohmann::json ToApiObject(const storage::KeyValue& kv);

 private:
  Status CheckNamespaceAccepts(const api::KindInfo& kind, const std::string& ns);
  Result<api::Decoded> DecodeBody(const api::KindInfo& kind, const std::string& ns,
                                  const nlohmann::json& body, const WriteOptions& opts);
  void StampNewObject(const api::KindInfo& kind, nlohmann::json& obj);
  KindHooks* HooksFor(const api::KindInfo& kind) const;
  // Marks the namespace Terminating, deletes everything in it, and removes it once
  // it is empty (and its own finalizers are gone); otherwise it stays Terminating.
  Result<Deleted> DeleteNamespace(const storage::KeyValue& current, nlohmann::json ns_obj);
  // Validates and stores a stamped new object (generating its name if asked).
  Result<nlohmann::json> StoreNew(const api::KindInfo& kind, const std::string& ns, nlohmann::json& obj,
                                  bool dry_run);
  // Validates and CAS-writes an update (or completes a pending deletion).
  Result<nlohmann::json> StoreUpdate(const api::KindInfo& kind, const storage::KeyValue& current,
                                     nlohmann::json& obj, const nlohmann::json& old_obj, bool dry_run);
  // Read-mutate-CAS of one stored object, retried on lost races; precondition_rv
  // (when not empty) must be the current resourceVersion.
  Result<storage::KeyValue> Modify(const api::KindInfo& kind, const std::string& ns, const std::string& name,
                                   const std::string& precondition_rv,
                                   const std::function<Status(nlohmann::json&)>& change);

  storage::Storage& store_;
  Clock& clock_;
  std::map<const api::KindInfo*, KindHooks*> hooks_;
};

}  // namespace skiff::apiserver
