#include "apiserver/apply/apply.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "api/field_error.h"
#include "api/json_body.h"
#include "api/utf8.h"
#include "apiserver/apply/managed_fields.h"
#include "apiserver/apply/object_fields.h"

namespace skiff::apiserver::apply {
namespace {

using nlohmann::json;

constexpr const char* kServerOwnedMetadata[] = {"name",
                                                "namespace",
                                                "uid",
                                                "creationTimestamp",
                                                "generation",
                                                "managedFields",
                                                "resourceVersion",
                                                "selfLink",
                                                "deletionTimestamp",
                                                "deletionGracePeriodSeconds"};
constexpr char kConflictCause[] = "FieldManagerConflict";
// kubectl's client-side apply annotation, and the manager of kubectl's server-side apply.
constexpr char kLastApplied[] = "kubectl.kubernetes.io/last-applied-configuration";
constexpr char kKubectlManager[] = "kubectl";

// The part of obj whose fields are owned (see the header).
json ManagedView(const api::KindInfo& kind, const json& obj, Scope scope) {
  if (!obj.is_object()) return json::object();
  if (scope == Scope::kStatus) {
    auto status = obj.find("status");
    return status == obj.end() ? json::object() : json{{"status", *status}};
  }
  json view = obj;
  view.erase("apiVersion");
  view.erase("kind");
  if (kind.has_status) view.erase("status");
  auto meta = view.find("metadata");
  if (meta != view.end() && meta->is_object()) {
    for (const char* field : kServerOwnedMetadata) meta->erase(field);
    if (meta->empty()) view.erase("metadata");
  }
  return view;
}

std::string SubresourceName(Scope scope) {
  switch (scope) {
    case Scope::kMain:
      return "";
    case Scope::kStatus:
      return "status";
    case Scope::kScale:
      return "scale";
  }
  return "";
}

ManagerEntries EntriesOf(const json& obj) {
  Result<ManagerEntries> entries = DecodeManagedFields(obj);
  return entries.ok() ? std::move(*entries) : ManagerEntries();
}

// The field lies inside a leaf of set (an atomic value owned whole).
bool InsideLeaf(const FieldSet& set, const FieldPath& path) {
  FieldPath prefix;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    prefix.push_back(path[i]);
    if (set.HasLeaf(prefix)) return true;
  }
  return false;
}

// The client-side apply annotation of obj ("" when absent).
std::string LastAppliedOf(const json& obj) {
  const json& meta = obj.value("metadata", json::object());
  if (!meta.is_object()) return "";
  const json& annotations = meta.value("annotations", json::object());
  if (!annotations.is_object()) return "";
  auto it = annotations.find(kLastApplied);
  return it != annotations.end() && it->is_string() ? it->get<std::string>() : "";
}

// The fields kubectl's client-side apply last applied (empty when unknown).
FieldSet LastAppliedFields(const api::KindInfo& kind, const json& live, const ObjectShape& shape) {
  json last = json::parse(LastAppliedOf(live), nullptr, /*allow_exceptions=*/false);
  if (!last.is_object()) return FieldSet();
  return FieldSetOf(ManagedView(kind, last, Scope::kMain), shape);
}

// kubectl's server-side apply keeps an existing client-side apply annotation
// current, so that a later client-side apply still computes the right patch.
void SyncLastApplied(json& merged, const json& config) {
  json last = config;
  auto meta = last.find("metadata");
  if (meta != last.end() && meta->is_object() && meta->contains("annotations") &&
      (*meta)["annotations"].is_object()) {
    (*meta)["annotations"].erase(kLastApplied);
    if ((*meta)["annotations"].empty()) meta->erase("annotations");
  }
  merged["metadata"]["annotations"][kLastApplied] = api::DumpJson(last);
}

struct Conflict {
  std::string manager;  // as DescribeManager prints it
  FieldPath path;
};

Status ConflictStatus(std::vector<Conflict> conflicts) {
  std::stable_sort(conflicts.begin(), conflicts.end(),
                   [](const Conflict& a, const Conflict& b) { return a.manager < b.manager; });
  std::vector<FieldCause> causes;
  for (const Conflict& c : conflicts)
    causes.push_back({PathString(c.path), kConflictCause, "conflict with " + c.manager});
  if (conflicts.size() == 1) {
    return Status::Conflict("Apply failed with 1 conflict: conflict with " + conflicts[0].manager +
                                ": " + PathString(conflicts[0].path),
                            std::move(causes));
  }
  std::string message = "Apply failed with " + std::to_string(conflicts.size()) + " conflicts: ";
  std::string last_manager;
  for (size_t i = 0; i < conflicts.size(); ++i) {
    if (i == 0 || conflicts[i].manager != last_manager) {
      if (i > 0) message += "\n";
      message += "conflicts with " + conflicts[i].manager + ":";
      last_manager = conflicts[i].manager;
    }
    message += "\n- " + PathString(conflicts[i].path);
  }
  return Status::Conflict(std::move(message), std::move(causes));
}

// Removes from obj what the manager applied last time and no longer applies,
// unless another manager owns it (or something below it).
void Prune(json& obj, const FieldSet& last, const FieldSet& applied, const FieldSet& others,
           const ObjectShape& shape) {
  for (const FieldPath& path : last.Difference(applied).Members()) {
    if (others.HasAtOrBelow(path) || applied.HasAtOrBelow(path) || InsideLeaf(applied, path))
      continue;
    RemoveField(obj, path, shape);
  }
}

// The conflicts that stand. kubectl's server-side apply of an object made by
// client-side apply may take over the fields the last client-side apply set
// (kube-apiserver's upgrade path): those are not conflicts for it.
std::vector<Conflict> StandingConflicts(const api::KindInfo& kind, const json& live,
                                        const std::string& manager, std::vector<Conflict> conflicts,
                                        const ObjectShape& shape) {
  if (manager != kKubectlManager) return conflicts;
  FieldSet allowed = LastAppliedFields(kind, live, shape);
  std::erase_if(conflicts, [&](const Conflict& c) { return allowed.Has(c.path); });
  return conflicts;
}

std::vector<ManagerEntry>::iterator Find(ManagerEntries& entries, const ManagerEntry& who) {
  return std::find_if(entries.begin(), entries.end(),
                      [&](const ManagerEntry& e) { return e.SameManager(who); });
}

// Records `me` (whose fields are final) in entries, keeping its time when
// nothing it owns or wrote changed.
void Upsert(ManagerEntries& entries, ManagerEntry me, bool object_changed) {
  auto it = Find(entries, me);
  if (it == entries.end()) {
    if (!me.fields.Empty()) entries.push_back(std::move(me));
    return;
  }
  if (!object_changed && it->fields == me.fields) return;
  *it = std::move(me);
}

}  // namespace

Result<json> Apply(const api::KindInfo& kind, const json& live, const json& config,
                   const ApplyOptions& opts) {
  if (!config.is_object()) return Status::BadRequest("an apply patch must be an object");
  const json& config_meta = config.value("metadata", json::object());
  if (config_meta.is_object() && config_meta.contains("managedFields") &&
      !config_meta["managedFields"].is_null()) {
    return Status::BadRequest("metadata.managedFields must be nil");
  }
  ObjectShape shape = ObjectShape::ForKind(kind);
  ManagerEntries entries = EntriesOf(live);
  ManagerEntry me{opts.manager,
                  kOperationApply,
                  kind.ApiVersion(),
                  FormatRfc3339(opts.now),
                  "",
                  FieldSetOf(ManagedView(kind, config, Scope::kMain), shape)};

  json to_merge = config;
  auto to_merge_meta = to_merge.find("metadata");
  if (to_merge_meta != to_merge.end() && to_merge_meta->is_object())
    to_merge_meta->erase("resourceVersion");
  if (kind.has_status) to_merge.erase("status");
  json merged = MergeApplied(live, to_merge, shape);

  FieldSet last, others;
  for (const ManagerEntry& e : entries) {
    if (e.SameManager(me)) {
      last = e.fields;
    } else {
      others = others.Union(e.fields);
    }
  }
  Prune(merged, last, me.fields, others, shape);

  Comparison cmp = Compare(ManagedView(kind, live, Scope::kMain),
                           ManagedView(kind, merged, Scope::kMain), shape);
  FieldSet changed = cmp.added.Union(cmp.modified);
  std::vector<Conflict> conflicts;
  for (const ManagerEntry& e : entries) {
    if (e.SameManager(me)) continue;
    for (const FieldPath& path : e.fields.Intersection(changed).Members()) {
      conflicts.push_back({DescribeManager(e), path});
    }
  }
  if (!conflicts.empty() && !opts.force) {
    std::vector<Conflict> standing =
        StandingConflicts(kind, live, opts.manager, std::move(conflicts), shape);
    if (!standing.empty()) return ConflictStatus(std::move(standing));
  }

  for (ManagerEntry& e : entries) {
    if (!e.SameManager(me)) e.fields = e.fields.Difference(changed).Difference(cmp.removed);
  }
  Upsert(entries, std::move(me), !cmp.Empty());
  StoreManagedFields(merged, entries);
  if (opts.manager == kKubectlManager && !LastAppliedOf(live).empty())
    SyncLastApplied(merged, config);
  return merged;
}

Status RecordUpdate(const api::KindInfo& kind, const json& old_obj, json& new_obj,
                    const std::string& manager, Scope scope, Clock::TimePoint now) {
  if (!new_obj.is_object()) return Status::Ok();
  if (scope == Scope::kMain) {
    if (IsResetRequest(new_obj)) {
      new_obj["metadata"].erase("managedFields");
      return Status::Ok();
    }
    api::FieldErrors errs = ValidateManagedFields(new_obj);
    if (!errs.empty()) {
      return api::ToInvalidStatus(kind.kind, new_obj["metadata"].value("name", std::string()),
                                  errs);
    }
  }
  ManagerEntries entries = scope == Scope::kMain ? EntriesOf(new_obj) : ManagerEntries();
  if (entries.empty()) entries = EntriesOf(old_obj);
  if (manager.empty()) {
    StoreManagedFields(new_obj, entries);
    return Status::Ok();
  }

  ObjectShape shape = ObjectShape::ForKind(kind);
  Comparison cmp =
      Compare(ManagedView(kind, old_obj, scope), ManagedView(kind, new_obj, scope), shape);
  FieldSet changed = cmp.added.Union(cmp.modified);
  ManagerEntry me{
      manager,   kOperationUpdate, kind.ApiVersion(), FormatRfc3339(now), SubresourceName(scope),
      FieldSet()};
  for (ManagerEntry& e : entries) {
    if (e.SameManager(me)) {
      me.fields = e.fields;
    } else {
      e.fields = e.fields.Difference(changed).Difference(cmp.removed);
    }
  }
  me.fields = me.fields.Union(changed).Difference(cmp.removed);
  Upsert(entries, std::move(me), !cmp.Empty());
  StoreManagedFields(new_obj, entries);
  return Status::Ok();
}

std::string FieldManagerOf(const std::string& field_manager_param, const std::string& user_agent) {
  // Headers and query parameters are bytes: as in Go, those that are not UTF-8
  // reach the managedFields entry as U+FFFD.
  if (!field_manager_param.empty()) return api::ReplaceInvalidUtf8(field_manager_param);
  return api::ReplaceInvalidUtf8(user_agent.substr(0, user_agent.find('/')));
}

}  // namespace skiff::apiserver::apply
