// ObjectStore: PATCH of objects and of the scale subresource.
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
      SKIFF_RETURN_IF_ERROR(CheckName(*created, name));
      Result<Written> written = Create(kind, ns, *created, write_opts);
      if (written.ok() || written.status().code() != Code::kAlreadyExists) return written;
      continue;  // created meanwhile: apply to it
    }
    Result<json> patched = applying ? ApplyConfig(kind, *live, patch, opts, clock_.Now())
                                    : ApplyPatch(kind, type, *live, patch);
    if (!patched.ok()) return patched.status();
    SKIFF_RETURN_IF_ERROR(CheckName(*patched, name));
    json& meta = (*patched)["metadata"];
    if (!NamesResourceVersion(patch))
      meta["resourceVersion"] = (*live)["metadata"]["resourceVersion"];
    Result<Written> written = Update(kind, ns, name, *patched, write_opts);
    bool lost_race = !written.ok() && written.status().code() == Code::kConflict &&
                     written.status().causes().empty() && !NamesResourceVersion(patch);
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
    if (!NamesResourceVersion(patch) && patched->is_object()) {
      (*patched)["metadata"]["resourceVersion"] = (*live)["metadata"]["resourceVersion"];
    }
    Result<Written> written = UpdateStatus(kind, ns, name, *patched, opts);
    bool lost_race =
        !written.ok() && written.status().code() == Code::kConflict && !NamesResourceVersion(patch);
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
  if (!NamesResourceVersion(patch) && patched->is_object() && patched->contains("metadata")) {
    (*patched)["metadata"].erase("resourceVersion");
  }
  return UpdateScale(kind, ns, name, *patched, opts);
}

}  // namespace skiff::apiserver
