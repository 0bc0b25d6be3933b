// ObjectStore: PATCH of objects and of the scale subresource.
#include "api/json_body.h"
#include "api/patch/patch.h"
#include "apiserver/api_errors.h"
#include "apiserver/apply/apply.h"
#include "apiserver/object_store.h"

namespace skiff::apiserver {
namespace {

using nlohmann::json;

constexpr int kPatchAttempts = 8;

Result<json> ApplyPatch(const api::KindInfo& kind, PatchType type, const json& live,
                        const json& patch) {
  switch (type) {
    case PatchType::kMerge:
      return api::ApplyMergePatch(live, patch);
    case PatchType::kJson:
      return api::ApplyJsonPatch(live, patch);
    case PatchType::kStrategic:
    case PatchType::kApply: {
      const api::ObjectType* schema = api::TypeForKind(kind);
      if (!schema)
        return Status(Code::kUnsupportedMediaType,
                      "strategic merge patch is not supported for " + kind.kind);
      return api::ApplyStrategicMergePatch(live, patch, *schema);
    }
  }
  return Status::BadRequest("unknown patch type");
}

bool NamesResourceVersion(const json& patch) {
  return patch.is_object() && patch.contains("metadata") && patch["metadata"].is_object() &&
         patch["metadata"].contains("resourceVersion");
}

// The resourceVersion an object carries ("" when none, or not a string: decoding
// refuses that later).
std::string ResourceVersionIn(const json& obj) {
  if (!obj.is_object()) return "";
  auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->is_object()) return "";
  auto rv = meta->find("resourceVersion");
  return rv != meta->end() && rv->is_string() ? rv->get<std::string>() : "";
}

// A patch that leaves the object with a resourceVersion other than the one it
// was applied to has set it (a merge patch naming it, a JSON patch replacing
// it): as in kube-apiserver that is a precondition, and a stale one is a
// Conflict, never retried. A patch that leaves it alone (or removes it) is
// unconditional, and is retried against the new state when it loses a race.
// The patched object must also nest no deeper than any body may.
Status CheckPatched(const api::KindInfo& kind, const std::string& name, const json& patched,
                    const json& live) {
  SKIFF_RETURN_IF_ERROR(api::CheckNestingDepth(patched, "the patched object"));
  std::string rv = ResourceVersionIn(patched);
  std::string live_rv = ResourceVersionIn(live);
  if (!rv.empty() && rv != live_rv) return ObjectModified(kind, name);
  return Status::Ok();
}

// Server-side apply of config to live by the request's manager; the result
// carries its managed fields and the patch's resourceVersion precondition.
Result<json> ApplyConfig(const api::KindInfo& kind, const json& live, const json& config,
                         const WriteOptions& opts, Clock::TimePoint now) {
  Result<json> applied = apply::Apply(kind, live, config, {opts.field_manager, opts.force, now});
  if (!applied.ok()) return applied.status();
  if (NamesResourceVersion(config))
    (*applied)["metadata"]["resourceVersion"] = config["metadata"]["resourceVersion"];
  return applied;
}

// The object an apply starts from when there is none yet.
json AbsentObject(const api::KindInfo& kind, const std::string& ns, const std::string& name) {
  json obj = {
      {"apiVersion", kind.ApiVersion()}, {"kind", kind.kind}, {"metadata", {{"name", name}}}};
  if (kind.namespaced) obj["metadata"]["namespace"] = ns;
  return obj;
}

Status CheckName(const json& patched, const std::string& name) {
  if (!patched.is_object()) return Status::BadRequest("the patch did not produce an object");
  const json& meta = patched.value("metadata", json());
  if (!meta.is_object() || meta.value("name", "") != name) {
    return Status::BadRequest("metadata.name: the patch may not change the object's name");
  }
  return Status::Ok();
}

}  // namespace

Result<Written> ObjectStore::Patch(const api::KindInfo& kind, const std::string& ns,
                                   const std::string& name, PatchType type, const json& patch,
                                   const WriteOptions& opts) {
  bool applying = type == PatchType::kApply;
  // An apply records its own managed fields (operation Apply); the write after it records none.
  WriteOptions write_opts = opts;
  if (applying) write_opts.field_manager.clear();
  for (int attempt = 0; attempt < kPatchAttempts; ++attempt) {
    Result<json> live = Get(kind, ns, name);
    if (!live.ok()) {
      if (!applying || live.status().code() != Code::kNotFound) return live.status();
      Result<json> created =
          ApplyConfig(kind, AbsentObject(kind, ns, name), patch, opts, clock_.Now());
      if (!created.ok()) return created.status();
      SKIFF_RETURN_IF_ERROR(api::CheckNestingDepth(*created, "the patched object"));
      SKIFF_RETURN_IF_ERROR(CheckName(*created, name));
      Result<Written> written = Create(kind, ns, *created, write_opts);
      if (written.ok() || written.status().code() != Code::kAlreadyExists) return written;
      continue;  // created meanwhile: apply to it
    }
    Result<json> patched = applying ? ApplyConfig(kind, *live, patch, opts, clock_.Now())
                                    : ApplyPatch(kind, type, *live, patch);
    if (!patched.ok()) return patched.status();
    SKIFF_RETURN_IF_ERROR(CheckPatched(kind, name, *patched, *live));
    SKIFF_RETURN_IF_ERROR(CheckName(*patched, name));
    json& meta = (*patched)["metadata"];
    if (!meta.contains("resourceVersion"))
      meta["resourceVersion"] = (*live)["metadata"]["resourceVersion"];
    // A lost race is tried again on the new state; a patch that set the
    // resourceVersion it lost with then fails CheckPatched.
    Result<Written> written = Update(kind, ns, name, *patched, write_opts);
    bool lost_race = !written.ok() && written.status().code() == Code::kConflict &&
                     written.status().causes().empty();
    if (!lost_race) return written;
  }
  return ObjectModified(kind, name);
}

Result<Written> ObjectStore::PatchStatus(const api::KindInfo& kind, const std::string& ns,
                                         const std::string& name, PatchType type, const json& patch,
                                         const WriteOptions& opts) {
  for (int attempt = 0; attempt < kPatchAttempts; ++attempt) {
    Result<json> live = Get(kind, ns, name);
    if (!live.ok()) return live.status();
    Result<json> patched = ApplyPatch(kind, type, *live, patch);
    if (!patched.ok()) return patched.status();
    SKIFF_RETURN_IF_ERROR(CheckPatched(kind, name, *patched, *live));
    if (ResourceVersionIn(*patched).empty() && patched->is_object()) {
      (*patched)["metadata"]["resourceVersion"] = (*live)["metadata"]["resourceVersion"];
    }
    Result<Written> written = UpdateStatus(kind, ns, name, *patched, opts);
    bool lost_race = !written.ok() && written.status().code() == Code::kConflict;
    if (!lost_race) return written;
  }
  return ObjectModified(kind, name);
}

Result<json> ObjectStore::PatchScale(const api::KindInfo& kind, const std::string& ns,
                                     const std::string& name, PatchType type, const json& patch,
                                     const WriteOptions& opts) {
  if (type == PatchType::kStrategic || type == PatchType::kApply) {
    type = PatchType::kMerge;  // Scale has no merge keys: a strategic patch is a merge patch
  }
  Result<json> scale = GetScale(kind, ns, name);
  if (!scale.ok()) return scale.status();
  Result<json> patched = ApplyPatch(kind, type, *scale, patch);
  if (!patched.ok()) return patched.status();
  SKIFF_RETURN_IF_ERROR(CheckPatched(kind, name, *patched, *scale));
  // Unchanged, it is no precondition: the scale is written to the latest state.
  if (ResourceVersionIn(*patched) == ResourceVersionIn(*scale) && patched->contains("metadata")) {
    (*patched)["metadata"].erase("resourceVersion");
  }
  return UpdateScale(kind, ns, name, *patched, opts);
}

}  // namespace skiff::apiserver
