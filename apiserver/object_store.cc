#include "apiserver/object_store.h"

#include <charconv>

#include "api/defaults/defaults.h"
#include "api/field_error.h"
#include "api/json_body.h"
#include "api/fields/field_selector.h"
#include "api/labels/label_selector.h"
#include "api/validation/validation.h"
#include "apiserver/api_errors.h"
#include "apiserver/apply/apply.h"
#include "apiserver/continue_token.h"
#include "apiserver/object_meta_stamp.h"
#include "apiserver/stored_object.h"

namespace skiff::apiserver {
namespace {

using nlohmann::json;

constexpr int kGenerateNameAttempts = 8;
const char* const kSystemNamespaces[] = {"default", "kube-system", "kube-public",
                                         "kube-node-lease"};

// Kinds whose metadata.generation counts spec changes.
bool TracksGeneration(const api::KindInfo& kind) {
  return kind.kind == "Deployment" || kind.kind == "ReplicaSet" || kind.kind == "Pod" ||
         kind.kind == "Service" || kind.kind == "Namespace" || kind.kind == "Node";
}

// Fields of metadata that only the server sets, or that must survive a PUT.
void CarryServerMetadata(const json& old_obj, json& obj) {
  const json& old_meta = old_obj["metadata"];
  json& meta = obj["metadata"];
  for (const char* field : {"uid", "creationTimestamp", "generation", "deletionTimestamp",
                            "deletionGracePeriodSeconds"}) {
    if (old_meta.contains(field)) {
      meta[field] = old_meta[field];
    } else {
      meta.erase(field);
    }
  }
}

// An update is warned only about what it introduces: fields the stored object
// already had (often set by defaulting) are not news to the client.
void DropWarningsAlreadyTrue(const json& old_obj, std::vector<std::string>& warnings) {
  if (warnings.empty()) return;
  Result<api::Decoded> old_decoded = api::Decode(old_obj, api::FieldValidation::kIgnore);
  if (!old_decoded.ok()) return;
  const std::vector<std::string>& known = old_decoded->warnings;
  std::erase_if(warnings, [&](const std::string& w) {
    return std::find(known.begin(), known.end(), w) != known.end();
  });
}

bool HasFinalizers(const json& obj) {
  auto meta = obj.find("metadata");
  if (meta == obj.end()) return false;
  auto fin = meta->find("finalizers");
  return fin != meta->end() && fin->is_array() && !fin->empty();
}

}  // namespace

std::string ObjectStore::PrefixFor(const api::KindInfo& kind, const std::string& ns) {
  std::string prefix =
      "/" + (kind.group.empty() ? std::string("core") : kind.group) + "/" + kind.resource + "/";
  if (kind.namespaced && !ns.empty()) prefix += ns + "/";
  return prefix;
}

std::string ObjectStore::KeyFor(const api::KindInfo& kind, const std::string& ns,
                                const std::string& name) {
  return PrefixFor(kind, kind.namespaced ? ns : std::string()) + name;
}

// The object just written, as the API shows it (no need to parse what was stored).
static json WithResourceVersion(const json& obj, int64_t revision) {
  json out = obj;
  out["metadata"]["resourceVersion"] = std::to_string(revision);
  return out;
}

json ObjectStore::ToApiObject(const storage::KeyValue& kv) {
  json obj = json::parse(kv.value);
  obj["metadata"]["resourceVersion"] = std::to_string(kv.mod_revision);
  return obj;
}

Status ObjectStore::EnsureSystemNamespaces() {
  const api::KindInfo* ns_kind = api::FindKind("v1", "Namespace");
  for (const char* name : kSystemNamespaces) {
    json body = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
    Result<Written> made = Create(*ns_kind, "", body, {});
    if (!made.ok() && made.status().code() != Code::kAlreadyExists) return made.status();
  }
  return Status::Ok();
}

Result<CachedObjectPtr> ObjectStore::FindNamespace(const std::string& ns) {
  const api::KindInfo& ns_kind = *api::FindKind("v1", "Namespace");
  std::string key = KeyFor(ns_kind, "", ns);
  if (cache_) {
    // Namespaces change rarely: a hit needs no wait; a miss may be a namespace
    // created a moment ago, so look again once the cache has caught up.
    if (CachedObjectPtr hit = cache_->For(ns_kind).Get(key)) return hit;
    SKIFF_RETURN_IF_ERROR(cache_->WaitFresh());
    return cache_->For(ns_kind).Get(key);
  }
  Result<storage::KeyValue> found = store_.Get(key);
  if (!found.ok()) {
    if (found.status().code() == Code::kNotFound) return CachedObjectPtr();
    return found.status();
  }
  return MakeCachedObject(ns_kind, *found);
}

Status ObjectStore::CheckNamespaceAccepts(const api::KindInfo& kind, const std::string& ns) {
  if (!kind.namespaced) return Status::Ok();
  Result<CachedObjectPtr> found = FindNamespace(ns);
  if (!found.ok()) return found.status();
  if (!*found) return Status::NotFound("namespaces \"" + ns + "\" not found");
  if ((*found)->deleting) {
    return Status(Code::kForbidden,
                  kind.resource + " is forbidden: unable to create new content in namespace " + ns +
                      " because it is being terminated");
  }
  return Status::Ok();
}

Result<api::Decoded> ObjectStore::DecodeBody(const api::KindInfo& kind, const std::string& ns,
                                             const json& body, const WriteOptions& opts) {
  Result<api::Decoded> decoded = api::Decode(body, opts.field_validation, opts.duplicate_fields);
  if (!decoded.ok()) return decoded.status();
  if (decoded->kind != &kind) {
    return Status::BadRequest("the API version in the data (" + decoded->kind->ApiVersion() +
                              ") does not match the expected API version (" + kind.ApiVersion() +
                              ") or the kind (" + decoded->kind->kind + ") is not " + kind.kind);
  }
  json& meta = decoded->object["metadata"];
  if (!meta.is_object()) meta = json::object();
  if (kind.namespaced) {
    std::string body_ns = meta.value("namespace", std::string());
    if (!body_ns.empty() && body_ns != ns) {
      return Status::BadRequest(
          "the namespace of the provided object does not match the namespace sent on the request");
    }
    meta["namespace"] = ns;
  } else {
    meta.erase("namespace");
  }
  api::ApplyDefaults(kind, decoded->object);
  return decoded;
}

void ObjectStore::StampNewObject(const api::KindInfo& kind, json& obj) {
  json& meta = obj["metadata"];
  meta["uid"] = NewUid();
  meta["creationTimestamp"] = FormatRfc3339(clock_.Now());
  meta.erase("resourceVersion");
  meta.erase("deletionTimestamp");
  meta.erase("deletionGracePeriodSeconds");
  if (TracksGeneration(kind)) {
    meta["generation"] = 1;
  } else {
    meta.erase("generation");
  }
  // Status belongs to controllers and agents: a new workload starts without one,
  // a new pod as Pending.
  if (kind.kind == "Deployment" || kind.kind == "ReplicaSet") obj.erase("status");
  if (kind.kind == "Pod") obj["status"] = {{"phase", "Pending"}};
}

Result<Written> ObjectStore::Create(const api::KindInfo& kind, const std::string& ns,
                                    const json& body, const WriteOptions& opts) {
  Result<api::Decoded> decoded = DecodeBody(kind, ns, body, opts);
  if (!decoded.ok()) return decoded.status();
  json& obj = decoded->object;
  if (obj["metadata"].contains("resourceVersion")) {
    return Status::BadRequest("resourceVersion should not be set on objects to be created");
  }
  SKIFF_RETURN_IF_ERROR(CheckNamespaceAccepts(kind, ns));
  StampNewObject(kind, obj);
  SKIFF_RETURN_IF_ERROR(apply::RecordUpdate(kind, json(), obj, opts.field_manager,
                                            apply::Scope::kMain, clock_.Now()));
  KindHooks* hooks = HooksFor(kind);
  if (hooks) SKIFF_RETURN_IF_ERROR(hooks->BeforeCreate(obj));
  Result<json> stored = StoreNew(kind, ns, obj, opts.dry_run);
  if (hooks && (!stored.ok() || opts.dry_run)) hooks->CreateFailed(obj);
  if (!stored.ok()) return stored.status();
  return Written{std::move(*stored), std::move(decoded->warnings)};
}

Result<json> ObjectStore::StoreNew(const api::KindInfo& kind, const std::string& ns, json& obj,
                                   bool dry_run) {
  json& meta = obj["metadata"];
  std::string generate = meta.value("generateName", std::string());
  bool generated = meta.value("name", std::string()).empty() && !generate.empty();
  for (int attempt = 0; attempt < kGenerateNameAttempts; ++attempt) {
    if (generated) meta["name"] = GenerateName(generate);
    std::string name = meta.value("name", std::string());
    api::FieldErrors errs = api::Validate(kind, obj);
    if (!errs.empty()) return api::ToInvalidStatus(kind.kind, name, errs);
    Result<std::string> encoded = EncodeStoredObject(obj);
    if (!encoded.ok()) return encoded.status();
    if (dry_run) return obj;
    Result<storage::KeyValue> stored = store_.Create(KeyFor(kind, ns, name), std::move(*encoded));
    if (stored.ok()) {
      // The caller is done with obj once it is stored: hand it over, no copy.
      meta["resourceVersion"] = std::to_string(stored->mod_revision);
      return std::move(obj);
    }
    if (stored.status().code() != Code::kAlreadyExists) return stored.status();
    if (!generated) return ObjectExists(kind, name);
  }
  return Status(Code::kTimeout, "could not generate a unique name from \"" + generate + "\"");
}

void ObjectStore::SetHooks(const api::KindInfo& kind, KindHooks& hooks) { hooks_[&kind] = &hooks; }

KindHooks* ObjectStore::HooksFor(const api::KindInfo& kind) const {
  auto it = hooks_.find(&kind);
  return it == hooks_.end() ? nullptr : it->second;
}

Status ObjectStore::RebuildHooks() {
  for (auto& [kind, hooks] : hooks_) {
    Result<storage::ListResult> all = store_.List(PrefixFor(*kind, ""));
    if (!all.ok()) return all.status();
    std::vector<json> objects;
    for (const auto& kv : all->items) objects.push_back(json::parse(kv.value));
    hooks->Rebuild(objects);
  }
  return Status::Ok();
}

Result<CachedObjectPtr> ObjectStore::GetObject(const api::KindInfo& kind, const std::string& ns,
                                               const std::string& name) {
  std::string key = KeyFor(kind, ns, name);
  if (cache_) {
    SKIFF_RETURN_IF_ERROR(cache_->WaitFresh());
    CachedObjectPtr obj = cache_->For(kind).Get(key);
    if (!obj) return ObjectNotFound(kind, name);
    return obj;
  }
  Result<storage::KeyValue> kv = store_.Get(key);
  if (!kv.ok()) {
    if (kv.status().code() == Code::kNotFound) return ObjectNotFound(kind, name);
    return kv.status();
  }
  return MakeCachedObject(kind, *kv);
}

Result<json> ObjectStore::Get(const api::KindInfo& kind, const std::string& ns,
                              const std::string& name) {
  Result<CachedObjectPtr> obj = GetObject(kind, ns, name);
  if (!obj.ok()) return obj.status();
  return ParseCached(**obj);
}

Result<WatchFilter> ObjectStore::FilterOf(const api::KindInfo& kind, const std::string& ns,
                                          const std::string& label_selector,
                                          const std::string& field_selector) {
  Result<api::LabelSelector> labels = api::ParseLabelSelector(label_selector);
  if (!labels.ok()) return labels.status();
  Result<api::FieldSelector> fields = api::ParseFieldSelector(field_selector, kind);
  if (!fields.ok()) return fields.status();
  return WatchFilter{kind.namespaced ? ns : std::string(), std::move(*labels), std::move(*fields)};
}

Result<Listed> ObjectStore::ListFromStorage(const api::KindInfo& kind, const WatchFilter& filter,
                                            int64_t revision, std::string start_after,
                                            int64_t limit) {
  storage::ListOptions opts;
  opts.revision = revision;
  opts.start_after = std::move(start_after);
  Listed out;
  std::string last_key;
  bool more = false;
  // Page through storage until the selected items fill the limit.
  while (true) {
    opts.limit = limit > 0 ? limit - static_cast<int64_t>(out.items.size()) : 0;
    Result<storage::ListResult> page = store_.List(PrefixFor(kind, filter.namespace_), opts);
    if (!page.ok()) return page.status();
    out.revision = page->revision;
    for (const auto& kv : page->items) {
      last_key = kv.key;
      Result<CachedObjectPtr> obj = MakeCachedObject(kind, kv);
      if (!obj.ok()) return obj.status();
      if (filter.Matches(**obj)) out.items.push_back(std::move(*obj));
    }
    more = page->more;
    if (!more || (limit > 0 && static_cast<int64_t>(out.items.size()) >= limit)) break;
    opts.revision = out.revision;
    opts.start_after = last_key;
  }
  if (more) out.continue_token = EncodeContinueToken({out.revision, last_key});
  return out;
}

namespace {

Result<int64_t> ParseResourceVersion(const std::string& rv) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(rv.data(), rv.data() + rv.size(), n);
  if (ec != std::errc() || end != rv.data() + rv.size() || n < 0) {
    return Status::BadRequest("invalid resource version \"" + rv +
                              "\": expected a non-negative integer");
  }
  return n;
}

}  // namespace

Result<Listed> ObjectStore::ListObjects(const api::KindInfo& kind, const std::string& ns,
                                        const ListQuery& q) {
  Result<WatchFilter> filter = FilterOf(kind, ns, q.label_selector, q.field_selector);
  if (!filter.ok()) return filter.status();
  const std::string& match = q.resource_version_match;
  if (!match.empty() && match != "Exact" && match != "NotOlderThan") {
    return Status::BadRequest("resourceVersionMatch: Unsupported value: \"" + match +
                              "\": supported values: \"Exact\", \"NotOlderThan\"");
  }
  if (!match.empty() && q.resource_version.empty()) {
    return Status::BadRequest(
        "resourceVersionMatch is forbidden unless resourceVersion is provided");
  }
  int64_t rv = 0;
  if (!q.resource_version.empty()) {
    Result<int64_t> parsed = ParseResourceVersion(q.resource_version);
    if (!parsed.ok()) return parsed.status();
    rv = *parsed;
  }
  if (!q.continue_token.empty()) {
    if (!q.resource_version.empty()) {
      return Status::BadRequest("specifying resource version is not allowed when using continue");
    }
    Result<ContinueToken> token = DecodeContinueToken(q.continue_token);
    if (!token.ok()) return token.status();
    Result<Listed> page = ListFromStorage(kind, *filter, token->revision, token->last_key, q.limit);
    if (!page.ok() && page.status().code() == Code::kGone) {
      return Status::Gone(
          "The provided continue parameter is too old to display a consistent list result. "
          "You can start a new list without the continue parameter.");
    }
    return page;
  }
  if (match == "Exact") {
    if (rv == 0)
      return Status::BadRequest(
          "resourceVersionMatch \"Exact\" is forbidden for resourceVersion \"0\"");
    return ListFromStorage(kind, *filter, rv, "", q.limit);
  }
  if (!cache_) return ListFromStorage(kind, *filter, 0, "", q.limit);
  if (q.resource_version.empty()) {
    SKIFF_RETURN_IF_ERROR(cache_->WaitFresh());
  } else if (rv > 0) {
    SKIFF_RETURN_IF_ERROR(cache_->WaitFor(rv));
  }
  CacheListResult found = cache_->For(kind).List(*filter, "", q.limit);
  Listed out{std::move(found.items), found.revision, ""};
  if (found.more) out.continue_token = EncodeContinueToken({out.revision, out.items.back()->key});
  return out;
}

Result<json> ObjectStore::List(const api::KindInfo& kind, const std::string& ns,
                               const ListQuery& q) {
  Result<Listed> listed = ListObjects(kind, ns, q);
  if (!listed.ok()) return listed.status();
  json items = json::array();
  for (const CachedObjectPtr& obj : listed->items) items.push_back(ParseCached(*obj));
  return ListObject(kind, *listed, std::move(items));
}

json ObjectStore::ListObject(const api::KindInfo& kind, const Listed& listed, json items) {
  json list = {{"apiVersion", kind.ApiVersion()},
               {"kind", kind.kind + "List"},
               {"metadata", {{"resourceVersion", std::to_string(listed.revision)}}},
               {"items", std::move(items)}};
  if (!listed.continue_token.empty()) list["metadata"]["continue"] = listed.continue_token;
  return list;
}

Result<Written> ObjectStore::Update(const api::KindInfo& kind, const std::string& ns,
                                    const std::string& name, const json& body,
                                    const WriteOptions& opts) {
  Result<api::Decoded> decoded = DecodeBody(kind, ns, body, opts);
  if (!decoded.ok()) return decoded.status();
  json& obj = decoded->object;
  json& meta = obj["metadata"];
  if (meta.value("name", std::string()) != name) {
    return Status::BadRequest("the name of the object (" + meta.value("name", std::string()) +
                              ") does not match the name on the URL (" + name + ")");
  }
  Result<storage::KeyValue> current = store_.Get(KeyFor(kind, ns, name));
  if (!current.ok()) {
    if (current.status().code() == Code::kNotFound) return ObjectNotFound(kind, name);
    return current.status();
  }
  int64_t expected = current->mod_revision;
  std::string rv = meta.value("resourceVersion", std::string());
  if (!rv.empty() && rv != std::to_string(expected)) return ObjectModified(kind, name);
  json old_obj = json::parse(current->value);
  DropWarningsAlreadyTrue(old_obj, decoded->warnings);
  CarryServerMetadata(old_obj, obj);
  meta.erase("resourceVersion");
  // The main resource cannot change status (that is the status subresource's job).
  if (kind.has_status) {
    if (old_obj.contains("status")) {
      obj["status"] = old_obj["status"];
    } else {
      obj.erase("status");
    }
  }
  if (TracksGeneration(kind) && obj.value("spec", json()) != old_obj.value("spec", json())) {
    meta["generation"] = old_obj["metadata"].value("generation", 0) + 1;
  }
  SKIFF_RETURN_IF_ERROR(apply::RecordUpdate(kind, old_obj, obj, opts.field_manager,
                                            apply::Scope::kMain, clock_.Now()));
  KindHooks* hooks = HooksFor(kind);
  if (hooks) SKIFF_RETURN_IF_ERROR(hooks->BeforeUpdate(obj, old_obj));
  Result<json> stored = StoreUpdate(kind, *current, obj, old_obj, opts.dry_run);
  if (hooks) {
    if (!stored.ok() || opts.dry_run) {
      hooks->UpdateFailed(obj, old_obj);
    } else {
      hooks->UpdateDone(obj, old_obj);
    }
  }
  if (!stored.ok()) return stored.status();
  return Written{std::move(*stored), std::move(decoded->warnings)};
}

Result<json> ObjectStore::StoreUpdate(const api::KindInfo& kind, const storage::KeyValue& current,
                                      json& obj, const json& old_obj, bool dry_run) {
  std::string name = obj["metadata"].value("name", "");
  api::FieldErrors errs = api::ValidateUpdate(kind, obj, old_obj);
  if (!errs.empty()) return api::ToInvalidStatus(kind.kind, name, errs);
  Result<std::string> encoded = EncodeStoredObject(obj);
  if (!encoded.ok()) return encoded.status();
  if (dry_run || obj == old_obj) return ToApiObject(current);
  if (obj["metadata"].contains("deletionTimestamp") && !HasFinalizers(obj)) {
    Result<storage::KeyValue> gone = store_.Delete(current.key, current.mod_revision);
    if (!gone.ok()) return ObjectError(kind, name, gone.status());
    if (KindHooks* hooks = HooksFor(kind)) hooks->Deleted(old_obj);
    return ToApiObject(*gone);
  }
  Result<storage::KeyValue> stored =
      store_.Update(current.key, std::move(*encoded), current.mod_revision);
  if (!stored.ok()) return ObjectError(kind, name, stored.status());
  return WithResourceVersion(obj, stored->mod_revision);
}

Result<Deleted> ObjectStore::Delete(const api::KindInfo& kind, const std::string& ns,
                                    const std::string& name, const DeleteOptions& opts) {
  Result<storage::KeyValue> current = store_.Get(KeyFor(kind, ns, name));
  if (!current.ok()) {
    if (current.status().code() == Code::kNotFound) return ObjectNotFound(kind, name);
    return current.status();
  }
  json obj = json::parse(current->value);
  json& meta = obj["metadata"];
  if (opts.precondition_uid && *opts.precondition_uid != meta.value("uid", std::string())) {
    return Status::Conflict("Precondition failed: UID in precondition: " + *opts.precondition_uid +
                            ", UID in object meta: " + meta.value("uid", std::string()));
  }
  if (opts.precondition_resource_version &&
      *opts.precondition_resource_version != std::to_string(current->mod_revision)) {
    return Status::Conflict(
        "Precondition failed: ResourceVersion in precondition: " +
        *opts.precondition_resource_version +
        ", ResourceVersion in object meta: " + std::to_string(current->mod_revision));
  }
  if (opts.dry_run) {
    // What the delete would answer: an object that finalizers (or, for a
    // namespace, its contents) hold is only marked; anything else is gone.
    bool held = HasFinalizers(obj) || kind.kind == "Namespace";
    if (held && !meta.contains("deletionTimestamp")) {
      meta["deletionTimestamp"] = FormatRfc3339(clock_.Now());
      meta["deletionGracePeriodSeconds"] = 0;
      if (kind.kind == "Namespace") obj["status"]["phase"] = "Terminating";
      return Deleted{ToApiObject(storage::KeyValue{current->key, api::DumpJson(obj),
                                                   current->create_revision,
                                                   current->mod_revision}),
                     false};
    }
    return Deleted{ToApiObject(*current), !held};
  }
  if (kind.kind == "Namespace") return DeleteNamespace(*current, std::move(obj));
  if (HasFinalizers(obj)) {
    if (!meta.contains("deletionTimestamp")) {
      meta["deletionTimestamp"] = FormatRfc3339(clock_.Now());
      meta["deletionGracePeriodSeconds"] = 0;
      Result<std::string> encoded = EncodeStoredObject(obj);
      if (!encoded.ok()) return encoded.status();
      Result<storage::KeyValue> marked =
          store_.Update(current->key, std::move(*encoded), current->mod_revision);
      if (!marked.ok())
        return marked.status().code() == Code::kConflict ? ObjectModified(kind, name)
                                                         : marked.status();
      return Deleted{ToApiObject(*marked), false};
    }
    return Deleted{ToApiObject(*current), false};
  }
  Result<storage::KeyValue> gone = store_.Delete(current->key, current->mod_revision);
  if (!gone.ok()) return ObjectError(kind, name, gone.status());
  if (KindHooks* hooks = HooksFor(kind)) hooks->Deleted(obj);
  return Deleted{ToApiObject(*gone), true};
}

Result<Deleted> ObjectStore::DeleteNamespace(const storage::KeyValue& current, json ns_obj) {
  const api::KindInfo& ns_kind = *api::FindKind("v1", "Namespace");
  std::string name = ns_obj["metadata"].value("name", "");
  storage::KeyValue latest = current;
  // 1. Terminating: from here on the namespace refuses new content.
  if (!ns_obj["metadata"].contains("deletionTimestamp")) {
    ns_obj["metadata"]["deletionTimestamp"] = FormatRfc3339(clock_.Now());
    ns_obj["metadata"]["deletionGracePeriodSeconds"] = 0;
    ns_obj["status"]["phase"] = "Terminating";
    Result<std::string> encoded = EncodeStoredObject(ns_obj);
    if (!encoded.ok()) return encoded.status();
    Result<storage::KeyValue> marked =
        store_.Update(current.key, std::move(*encoded), current.mod_revision);
    if (!marked.ok()) return ObjectError(ns_kind, name, marked.status());
    latest = *marked;
  }
  // 2. Empty it, as the namespace controller does (objects with finalizers are only marked).
  bool emptied = true;
  for (const api::KindInfo& kind : api::AllKinds()) {
    if (!kind.namespaced) continue;
    Result<json> deleted = DeleteCollection(kind, name, {});
    if (!deleted.ok()) return deleted.status();
    Result<int64_t> left = store_.Count(PrefixFor(kind, name));
    if (!left.ok()) return left.status();
    emptied = emptied && *left == 0;
  }
  // 3. Gone once empty, unless its own finalizers hold it.
  if (!emptied || HasFinalizers(ns_obj)) return Deleted{ToApiObject(latest), false};
  Result<storage::KeyValue> gone = store_.Delete(latest.key, latest.mod_revision);
  if (!gone.ok()) return ObjectError(ns_kind, name, gone.status());
  return Deleted{ToApiObject(*gone), true};
}

Result<CacheWatch> ObjectStore::Watch(const api::KindInfo& kind, WatchFilter filter,
                                      int64_t resource_version, bool initial_state) {
  if (!cache_)
    return Status::Unavailable("watches are served by the watch cache, which is not running");
  // A watch from a revision needs no wait: events after it come from the event
  // window, or live if the cache has not reached it yet.
  if (initial_state) SKIFF_RETURN_IF_ERROR(cache_->WaitFresh());
  return cache_->For(kind).Watch(std::move(filter), resource_version, initial_state);
}

void ObjectStore::Unwatch(const api::KindInfo& kind, const std::shared_ptr<CacheWatcher>& watcher) {
  if (cache_) cache_->For(kind).Unwatch(watcher);
}

}  // namespace skiff::apiserver
