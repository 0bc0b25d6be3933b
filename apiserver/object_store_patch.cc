// ObjectStore: PATCH of objects and of the scale subresource.
#include "api/patch/patch.h"
#include "apiserver/api_errors.h"
#include "apiserver/object_store.h"

namespace skiff::apiserver {
namespace {

using nlohmann::json;

constexpr int kPatchAttempts = 8;

Result<json> ApplyPatch(const api::KindInfo& kind, PatchType type, const json& live, const json& patch) {
  switch (type) {
    case PatchType::kMerge: return api::ApplyMergePatch(live, patch);
    case PatchType::kJson: return api::ApplyJsonPatch(live, patch);
    case PatchType::kStrategic:
    case PatchType::kApply: {
      const api::ObjectType* schema = api::TypeForKind(kind);
      if (!schema) return Status(Code::kUnsupportedMediaType, "strategic merge patch is not supported for " + kind.kind);
      return api::ApplyStrategicMergePatch(live, patch, *schema);
    }
  }
  return Status::BadRequest("unknown patch type");
}

bool NamesResourceVersion(const json& patch) {
  return patch.is_object() && patch.contains("metadata") && patch["metadata"].is_object() &&
         patch["metadata"].contains("resourceVersion");
}

}  // namespace

Result<Written> ObjectStore::Patch(const api::KindInfo& kind, const std::string& ns, const std::string& name,
                                   PatchType type, const json& patch, const WriteOptions& opts) {
  for (int attempt = 0; attempt < kPatchAttempts; ++attempt) {
    Result<json> live = Get(kind, ns, name);
    if (!live.ok()) {
      if (type == PatchType::kApply && live.status().code() == Code::kNotFound) {
        json body = patch;
        if (body.is_object() && !body.contains("metadata")) body["metadata"] = json::object();
        if (body.is_object() && body["metadata"].is_object()) body["metadata"]["name"] = name;
        return Create(kind, ns, body, opts);
      }
      return live.status();
    }
    Result<json> patched = ApplyPatch(kind, type, *live, patch);
    if (!patched.ok()) return patched.status();
    if (!patched->is_object()) return Status::BadRequest("the patch did not produce an object");
    json& meta = (*patched)["metadata"];
    if (!meta.is_object() || meta.value("name", "") != name) {
      return Status::BadRequest("metadata.name: the patch may not change the object's name");
    }
    if (!NamesResourceVersion(patch)) meta["resourceVersion"] = (*live)["metadata"]["resourceVersion"];
    Result<Written> written = Update(kind, ns, name, *patched, opts);
    bool lost_race = !written.ok() && written.status().code() == Code::kConflict && !NamesResourceVersion(patch);
    if (!lost_race) return written;
  }
  return ObjectModified(kind, name);
}

Result<Written> ObjectStore::PatchStatus(const api::KindInfo& kind, const std::string& ns, const std::string& name,
                                         PatchType type, const json& patch) {
  for (int attempt = 0; attempt < kPatchAttempts; ++attempt) {
    Result<json> live = Get(kind, ns, name);
    if (!live.ok()) return live.status();
    Result<json> patched = ApplyPatch(kind, type, *live, patch);
    if (!patched.ok()) return patched.status();
    if (!NamesResourceVersion(patch) && patched->is_object()) {
      (*patched)["metadata"]["resourceVersion"] = (*live)["metadata"]["resourceVersion"];
    }
    Result<Written> written = UpdateStatus(kind, ns, name, *patched);
    bool lost_race = !written.ok() && written.status().code() == Code::kConflict && !NamesResourceVersion(patch);
    if (!lost_race) return written;
  }
  return ObjectModified(kind, name);
}

Result<json> ObjectStore::PatchScale(const api::KindInfo& kind, const std::string& ns, const std::string& name,
                                     PatchType type, const json& patch) {
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
  return UpdateScale(kind, ns, name, *patched);
}

}  // namespace skiff::apiserver
