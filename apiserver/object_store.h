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
#include "apiserver/cache/watch_cache.h"
#include "apiserver/kind_hooks.h"
#include "apiserver/storage/storage.h"
#include "base/clock.h"
#include "base/status.h"

namespace skiff::apiserver {

struct WriteOptions {
  api::FieldValidation field_validation = api::FieldValidation::kStrict;
  bool dry_run = false;
  // Who writes (fieldManager, else the User-Agent's product): the write is recorded
  // in metadata.managedFields under this name; empty records nothing.
  std::string field_manager;
  // Server-side apply: take over fields other managers own instead of a Conflict.
  bool force = false;
  // Keys the request body gave twice (api::JsonBody, api::YamlDocument): refused
  // under kStrict, warned about under kWarn, as unknown fields are.
  std::vector<std::string> duplicate_fields;
};

enum class PatchType { kMerge, kJson, kStrategic, kApply };

struct ListQuery {
  std::string label_selector;
  std::string field_selector;
  int64_t limit = 0;
  std::string continue_token;
  // "" = the latest state (a consistent read), "0" = any state the cache has,
  // N = a state not older than N, or exactly N with resource_version_match "Exact".
  std::string resource_version;
  std::string resource_version_match;
};

// A LIST's result: the selected objects in key order, the revision they were
// read at and, when the limit cut it short, the token for the next page.
struct Listed {
  std::vector<CachedObjectPtr> items;
  int64_t revision = 0;
  std::string continue_token;
};

struct DeleteOptions {
  std::optional<std::string> precondition_uid;
  std::optional<std::string> precondition_resource_version;
  // Check the preconditions and answer as the delete would, writing nothing.
  bool dry_run = false;
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

  // Serve reads, lists and watches from cache (not owned; started) from now on.
  void AttachCache(WatchCache& cache) { cache_ = &cache; }

  // Registers the hooks of a kind (not owned). Call before serving, then RebuildHooks.
  void SetHooks(const api::KindInfo& kind, KindHooks& hooks);
  Status RebuildHooks();

  // Creates default, kube-system and kube-public when missing.
  Status EnsureSystemNamespaces();

  Result<Written> Create(const api::KindInfo& kind, const std::string& ns,
                         const nlohmann::json& body, const WriteOptions& opts);
  Result<nlohmann::json> Get(const api::KindInfo& kind, const std::string& ns,
                             const std::string& name);
  // The same as its cached form (text and selectable fields).
  Result<CachedObjectPtr> GetObject(const api::KindInfo& kind, const std::string& ns,
                                    const std::string& name);
  // Returns a "<Kind>List" with metadata.resourceVersion and, when cut short, continue.
  Result<nlohmann::json> List(const api::KindInfo& kind, const std::string& ns, const ListQuery& q);
  // The same as cached objects. First pages come from the watch cache (when
  // attached); later pages and exact-revision reads from storage at their revision.
  Result<Listed> ListObjects(const api::KindInfo& kind, const std::string& ns, const ListQuery& q);
  // PUT: body.metadata.resourceVersion, when set, must be current (else Conflict).
  Result<Written> Update(const api::KindInfo& kind, const std::string& ns, const std::string& name,
                         const nlohmann::json& body, const WriteOptions& opts);
  // PATCH: applies the patch to the live object and writes it as an update, retried
  // on lost races. A resourceVersion the patch leaves in the object other than the
  // live one (any patch type may set it) is a precondition: Conflict when stale.
  // The patched object is bounded as a body is (api::kMaxNestingDepth: BadRequest).
  // An apply patch (server-side apply) of an absent object creates it.
  Result<Written> Patch(const api::KindInfo& kind, const std::string& ns, const std::string& name,
                        PatchType type, const nlohmann::json& patch, const WriteOptions& opts);
  // PATCH of the status subresource: the patched object's status is written.
  Result<Written> PatchStatus(const api::KindInfo& kind, const std::string& ns,
                              const std::string& name, PatchType type, const nlohmann::json& patch,
                              const WriteOptions& opts = {});
  // PATCH of the scale subresource (merge or JSON patch of the Scale object).
  Result<nlohmann::json> PatchScale(const api::KindInfo& kind, const std::string& ns,
                                    const std::string& name, PatchType type,
                                    const nlohmann::json& patch, const WriteOptions& opts = {});
  Result<Deleted> Delete(const api::KindInfo& kind, const std::string& ns, const std::string& name,
                         const DeleteOptions& opts);
  // Deletes every object the query selects; returns the list of what was deleted.
  Result<nlohmann::json> DeleteCollection(const api::KindInfo& kind, const std::string& ns,
                                          const ListQuery& q);

  // The status subresource: replaces .status only (spec and metadata are kept).
  Result<Written> UpdateStatus(const api::KindInfo& kind, const std::string& ns,
                               const std::string& name, const nlohmann::json& body,
                               const WriteOptions& opts = {});
  // The scale subresource (autoscaling/v1 Scale) of kinds with spec.replicas.
  Result<nlohmann::json> GetScale(const api::KindInfo& kind, const std::string& ns,
                                  const std::string& name);
  Result<nlohmann::json> UpdateScale(const api::KindInfo& kind, const std::string& ns,
                                     const std::string& name, const nlohmann::json& scale,
                                     const WriteOptions& opts = {});
  // pods/binding: sets spec.nodeName once (Conflict if already bound).
  Status BindPod(const std::string& ns, const std::string& name, const nlohmann::json& binding);

  // A watch of the kind through the watch cache (Unavailable without one): the
  // events after resource_version, or with initial_state the matching objects
  // first. Gone when resource_version is older than the cache's event window.
  Result<CacheWatch> Watch(const api::KindInfo& kind, WatchFilter filter, int64_t resource_version,
                           bool initial_state);
  // The revision the cache holds the kind at (0 without a cache).
  int64_t CacheRevision(const api::KindInfo& kind) {
    return cache_ ? cache_->For(kind).revision() : 0;
  }
  // Ends a watch made by Watch.
  void Unwatch(const api::KindInfo& kind, const std::shared_ptr<CacheWatcher>& watcher);

  const Clock& clock() const { return clock_; }

  static std::string KeyFor(const api::KindInfo& kind, const std::string& ns,
                            const std::string& name);
  static std::string PrefixFor(const api::KindInfo& kind, const std::string& ns);
  // A "<Kind>List" of items with the revision and continue token of listed.
  static nlohmann::json ListObject(const api::KindInfo& kind, const Listed& listed,
                                   nlohmann::json items);
  // The stored value as an API object: adds metadata.resourceVersion from the revision.
  static nlohmann::json ToApiObject(const storage::KeyValue& kv);

 private:
  Status CheckNamespaceAccepts(const api::KindInfo& kind, const std::string& ns);
  // The namespace object from the cache (nullptr: none), or from storage without one.
  Result<CachedObjectPtr> FindNamespace(const std::string& ns);
  // The filter of a LIST or watch (BadRequest for a bad selector).
  Result<WatchFilter> FilterOf(const api::KindInfo& kind, const std::string& ns,
                               const std::string& label_selector,
                               const std::string& field_selector);
  // Pages of storage at revision (0: current) after start_after, filtered.
  Result<Listed> ListFromStorage(const api::KindInfo& kind, const WatchFilter& filter,
                                 int64_t revision, std::string start_after, int64_t limit);
  Result<api::Decoded> DecodeBody(const api::KindInfo& kind, const std::string& ns,
                                  const nlohmann::json& body, const WriteOptions& opts);
  void StampNewObject(const api::KindInfo& kind, nlohmann::json& obj);
  KindHooks* HooksFor(const api::KindInfo& kind) const;
  // Marks the namespace Terminating, deletes everything in it, and removes it once
  // it is empty (and its own finalizers are gone); otherwise it stays Terminating.
  Result<Deleted> DeleteNamespace(const storage::KeyValue& current, nlohmann::json ns_obj);
  // Validates and stores a stamped new object (generating its name if asked);
  // on success obj is moved into the result.
  Result<nlohmann::json> StoreNew(const api::KindInfo& kind, const std::string& ns,
                                  nlohmann::json& obj, bool dry_run);
  // Validates and CAS-writes an update (or completes a pending deletion).
  Result<nlohmann::json> StoreUpdate(const api::KindInfo& kind, const storage::KeyValue& current,
                                     nlohmann::json& obj, const nlohmann::json& old_obj,
                                     bool dry_run);
  // Read-mutate-CAS of one stored object, retried on lost races; precondition_rv
  // (when not empty) must be the current resourceVersion.
  Result<storage::KeyValue> Modify(const api::KindInfo& kind, const std::string& ns,
                                   const std::string& name, const std::string& precondition_rv,
                                   const std::function<Status(nlohmann::json&)>& change);

  storage::Storage& store_;
  Clock& clock_;
  WatchCache* cache_ = nullptr;
  std::map<const api::KindInfo*, KindHooks*> hooks_;
};

}  // namespace skiff::apiserver
