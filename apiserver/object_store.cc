#include "apiserver/object_store.h"

#include "api/defaults/defaults.h"
#include "api/field_error.h"
#include "api/fields/field_selector.h"
#include "api/labels/label_selector.h"
#include "api/validation/validation.h"
#include "apiserver/api_errors.h"
#include "apiserver/continue_token.h"
#include "apiserver/object_meta_stamp.h"

namespace skiff::apiserver {
namespace {

using nlohmann::json;

constexpr int kGenerateNameAttempts = 8;
const char* const kSystemNamespaces[] = {"default", "kube-system", "kube-public", "kube-node-lease"};

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
  std::erase_if(warnings, [&](const std::string& w) { return std::find(known.begin(), known.end(), w) != known.end(); });
}

bool HasFinalizers(const json& obj) {
  auto meta = obj.find("metadata");
  if (meta == obj.end()) return false;
  auto fin = meta->find("finalizers");
  return fin != meta->end() && fin->is_array() && !fin->empty();
}

}  // namespace

std::string ObjectStore::PrefixFor(const api::KindInfo& kind, const std::string& ns) {
  std::string prefix = "/" + (kind.group.empty() ? std::string("core") : kind.group) + "/" +
                       kind.resource + "/";
  if (kind.namespaced && !ns.empty()) prefix += ns + "/";
  return prefix;
}

std::string ObjectStore::KeyFor(const api::KindInfo& kind, const std::string& ns, const std::string& name) {
  return PrefixFor(kind, kind.namespaced ? ns : std::string()) + name;
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

Status ObjectStore::CheckNamespaceAccepts(const api::KindInfo& kind, const std::string& ns) {
  if (!kind.namespaced) return Status::Ok();
  const api::KindInfo* ns_kind = api::FindKind("v1", "Namespace");
  Result<storage::KeyValue> found = store_.Get(KeyFor(*ns_kind, "", ns));
  if (!found.ok()) {
    if (found.status().code() == Code::kNotFound) return Status::NotFound("namespaces \"" + ns + "\" not found");
    return found.status();
  }
  json ns_obj = json::parse(found->value);
  if (ns_obj["metadata"].contains("deletionTimestamp")) {
    return Status(Code::kForbidden, kind.resource + " is forbidden: unable to create new content in namespace " +
                                        ns + " because it is being terminated");
  }
  return Status::Ok();
}

Result<api::Decoded> ObjectStore::DecodeBody(const api::KindInfo& kind, const std::string& ns,
                                             const json& body, const WriteOptions& opts) {
  Result<api::Decoded> decoded = api::Decode(body, opts.field_validation);
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
      return Status::BadRequest("the namespace of the provided object does not match the namespace sent on the request");
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

Result<Written> ObjectStore::Create(const api::KindInfo& kind, const std::string& ns, const json& body,
                                    const WriteOptions& opts) {
  Result<api::Decoded> decoded = DecodeBody(kind, ns, body, opts);
  if (!decoded.ok()) return decoded.status();
  json& obj = decoded->object;
  if (obj["metadata"].contains("resourceVersion")) {
    return Status::BadRequest("resourceVersion should not be set on objects to be created");
  }
  SKIFF_RETURN_IF_ERROR(CheckNamespaceAccepts(kind, ns));
  StampNewObject(kind, obj);
  KindHooks* hooks = HooksFor(kind);
  if (hooks) SKIFF_RETURN_IF_ERROR(hooks->BeforeCreate(obj));
  Result<json> stored = StoreNew(kind, ns, obj, opts.dry_run);
  if (hooks && (!stored.ok() || opts.dry_run)) hooks->CreateFailed(obj);
  if (!stored.ok()) return stored.status();
  return Written{std::move(*stored), std::move(decoded->warnings)};
}

Result<json> ObjectStore::StoreNew(const api::KindInfo& kind, const std::string& ns, json& obj, bool dry_run) {
  json& meta = obj["metadata"];
  std::string generate = meta.value("generateName", std::string());
  bool generated = meta.value("name", std::string()).empty() && !generate.empty();
  for (int attempt = 0; attempt < kGenerateNameAttempts; ++attempt) {
    if (generated) meta["name"] = GenerateName(generate);
    std::string name = meta.value("name", std::string());
    api::FieldErrors errs = api::Validate(kind, obj);
    if (!errs.empty()) return api::ToInvalidStatus(kind.kind, name, errs);
    if (dry_run) return obj;
    Result<storage::KeyValue> stored = store_.Create(KeyFor(kind, ns, name), obj.dump());
    if (stored.ok()) return ToApiObject(*stored);
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

Result<json> ObjectStore::Get(const api::KindInfo& kind, const std::string& ns, const std::string& name) {
  Result<storage::KeyValue> kv = store_.Get(KeyFor(kind, ns, name));
  if (!kv.ok()) {
    if (kv.status().code() == Code::kNotFound) return ObjectNotFound(kind, name);
    return kv.status();
  }
  return ToApiObject(*kv);
}

Result<json> ObjectStore::List(const api::KindInfo& kind, const std::string& ns, const ListQuery& q) {
  Result<api::LabelSelector> labels = api::ParseLabelSelector(q.label_selector);
  if (!labels.ok()) return labels.status();
  Result<api::FieldSelector> fields = api::ParseFieldSelector(q.field_selector, kind);
  if (!fields.ok()) return fields.status();

  storage::ListOptions opts;
  if (!q.continue_token.empty()) {
    Result<ContinueToken> token = DecodeContinueToken(q.continue_token);
    if (!token.ok()) return token.status();
    opts.revision = token->revision;
    opts.start_after = token->last_key;
  }
  json items = json::array();
  int64_t read_revision = 0;
  std::string last_key;
  bool more = false;
  // Page through storage until the selected items fill the limit.
  while (true) {
    opts.limit = q.limit > 0 ? q.limit - static_cast<int64_t>(items.size()) : 0;
    Result<storage::ListResult> page = store_.List(PrefixFor(kind, ns), opts);
    if (!page.ok()) {
      if (page.status().code() == Code::kGone && !q.continue_token.empty()) {
        return Status::Gone("The provided continue parameter is too old to display a consistent list result. "
                            "You can start a new list without the continue parameter.");
      }
      return page.status();
    }
    read_revision = page->revision;
    for (const auto& kv : page->items) {
      last_key = kv.key;
      json obj = ToApiObject(kv);
      if (labels->MatchesObject(obj) && fields->Matches(obj)) items.push_back(std::move(obj));
    }
    more = page->more;
    if (!more || (q.limit > 0 && static_cast<int64_t>(items.size()) >= q.limit)) break;
    opts.revision = read_revision;
    opts.start_after = last_key;
  }
  json list = {{"apiVersion", kind.ApiVersion()},
               {"kind", kind.kind + "List"},
               {"metadata", {{"resourceVersion", std::to_string(read_revision)}}},
               {"items", std::move(items)}};
  if (more) list["metadata"]["continue"] = EncodeContinueToken({read_revision, last_key});
  return list;
}

Result<Written> ObjectStore::Update(const api::KindInfo& kind, const std::string& ns, const std::string& name,
                                    const json& body, const WriteOptions& opts) {
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

Result<json> ObjectStore::StoreUpdate(const api::KindInfo& kind, const storage::KeyValue& current, json& obj,
                                      const json& old_obj, bool dry_run) {
  std::string name = obj["metadata"].value("name", "");
  api::FieldErrors errs = api::ValidateUpdate(kind, obj, old_obj);
  if (!errs.empty()) return api::ToInvalidStatus(kind.kind, name, errs);
  if (dry_run || obj == old_obj) return ToApiObject(current);
  if (obj["metadata"].contains("deletionTimestamp") && !HasFinalizers(obj)) {
    Result<storage::KeyValue> gone = store_.Delete(current.key, current.mod_revision);
    if (!gone.ok()) return ObjectError(kind, name, gone.status());
    if (KindHooks* hooks = HooksFor(kind)) hooks->Deleted(old_obj);
    return ToApiObject(*gone);
  }
  Result<storage::KeyValue> stored = store_.Update(current.key, obj.dump(), current.mod_revision);
  if (!stored.ok()) return ObjectError(kind, name, stored.status());
  return ToApiObject(*stored);
}

Result<Deleted> ObjectStore::Delete(const api::KindInfo& kind, const std::string& ns, const std::string& name,
                                    const DeleteOptions& opts) {
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
    return Status::Conflict("Precondition failed: ResourceVersion in precondition: " +
                            *opts.precondition_resource_version +
                            ", ResourceVersion in object meta: " + std::to_string(current->mod_revision));
  }
  if (kind.kind == "Namespace") return DeleteNamespace(*current, std::move(obj));
  if (HasFinalizers(obj)) {
    if (!meta.contains("deletionTimestamp")) {
      meta["deletionTimestamp"] = FormatRfc3339(clock_.Now());
      meta["deletionGracePeriodSeconds"] = 0;
      Result<storage::KeyValue> marked = store_.Update(current->key, obj.dump(), current->mod_revision);
      if (!marked.ok()) return marked.status().code() == Code::kConflict ? ObjectModified(kind, name) : marked.status();
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
    Result<storage::KeyValue> marked = store_.Update(current.key, ns_obj.dump(), current.mod_revision);
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

Result<std::optional<json>> ObjectStore::ValueAt(const std::string& key, int64_t revision) {
  storage::ListOptions opts;
  opts.revision = revision;
  opts.limit = 1;  // the key itself sorts first among the keys it prefixes
  Result<storage::ListResult> found = store_.List(key, opts);
  if (!found.ok()) return found.status();
  if (found->items.empty() || found->items[0].key != key) return std::optional<json>();
  return std::optional<json>(ToApiObject(found->items[0]));
}

Result<std::unique_ptr<storage::Watcher>> ObjectStore::Watch(const api::KindInfo& kind, const std::string& ns,
                                                             int64_t resource_version) {
  return store_.Watch(PrefixFor(kind, ns), resource_version);
}

}  // namespace skiff::apiserver
