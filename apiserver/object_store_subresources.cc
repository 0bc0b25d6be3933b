// ObjectStore: subresources (status, scale, binding) and deletecollection.
#include "api/validation/validation.h"
#include "apiserver/api_errors.h"
#include "apiserver/apply/apply.h"
#include "apiserver/object_store.h"
#include "apiserver/storage/guaranteed_update.h"
#include "apiserver/stored_object.h"

namespace skiff::apiserver {
namespace {

using nlohmann::json;

std::string ResourceVersionOf(const json& obj) {
  auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->is_object()) return "";
  auto rv = meta->find("resourceVersion");
  return rv != meta->end() && rv->is_string() ? rv->get<std::string>() : "";
}

// autoscaling/v1 Scale of an object with spec.replicas and a label selector.
json ScaleOf(const json& obj) {
  const json& meta = obj["metadata"];
  json scale_meta = {{"name", meta["name"]}, {"namespace", meta.value("namespace", "")}};
  for (const char* f : {"uid", "resourceVersion", "creationTimestamp"}) {
    if (meta.contains(f)) scale_meta[f] = meta[f];
  }
  std::string selector;
  const json& match =
      obj["spec"].value("selector", json::object()).value("matchLabels", json::object());
  for (auto it = match.begin(); it != match.end(); ++it) {
    if (!selector.empty()) selector += ",";
    selector += it.key() + "=" + it.value().get<std::string>();
  }
  const json& status = obj.value("status", json::object());
  return {{"kind", "Scale"},
          {"apiVersion", "autoscaling/v1"},
          {"metadata", scale_meta},
          {"spec", {{"replicas", obj["spec"].value("replicas", 0)}}},
          {"status", {{"replicas", status.value("replicas", 0)}, {"selector", selector}}}};
}

}  // namespace

Result<storage::KeyValue> ObjectStore::Modify(const api::KindInfo& kind, const std::string& ns,
                                              const std::string& name,
                                              const std::string& precondition_rv,
                                              const std::function<Status(json&)>& change) {
  auto mutate = [&](const storage::KeyValue& current) -> Result<std::string> {
    if (!precondition_rv.empty() && precondition_rv != std::to_string(current.mod_revision)) {
      return ObjectModified(kind, name);
    }
    json obj = json::parse(current.value);
    SKIFF_RETURN_IF_ERROR(change(obj));
    return EncodeStoredObject(obj);
  };
  Result<storage::KeyValue> written =
      storage::GuaranteedUpdate(store_, KeyFor(kind, ns, name), mutate);
  if (!written.ok()) return ObjectError(kind, name, written.status());
  return written;
}

Result<json> ObjectStore::DeleteCollection(const api::KindInfo& kind, const std::string& ns,
                                           const ListQuery& q) {
  Result<Listed> selected = ListObjects(kind, ns, q);
  if (!selected.ok()) return selected.status();
  json deleted = json::array();
  for (const CachedObjectPtr& obj : selected->items) {
    Result<Deleted> gone = Delete(kind, obj->namespace_, obj->name, {});
    if (!gone.ok() && gone.status().code() != Code::kNotFound) return gone.status();
    if (gone.ok()) deleted.push_back(gone->object);
  }
  return ListObject(kind, *selected, std::move(deleted));
}

Result<Written> ObjectStore::UpdateStatus(const api::KindInfo& kind, const std::string& ns,
                                          const std::string& name, const json& body,
                                          const WriteOptions& opts) {
  Result<api::Decoded> decoded = DecodeBody(kind, ns, body, {});
  if (!decoded.ok()) return decoded.status();
  const json& incoming = decoded->object;
  if (incoming["metadata"].value("name", "") != name) {
    return Status::BadRequest("the name of the object does not match the name on the URL (" + name +
                              ")");
  }
  json new_status = incoming.value("status", json::object());
  Result<storage::KeyValue> written =
      Modify(kind, ns, name, ResourceVersionOf(body), [&](json& obj) -> Status {
        json old = obj;
        obj["status"] = new_status;
        api::FieldErrors errs = api::ValidateUpdate(kind, obj, old);
        if (!errs.empty()) return api::ToInvalidStatus(kind.kind, name, errs);
        return apply::RecordUpdate(kind, old, obj, opts.field_manager, apply::Scope::kStatus,
                                   clock_.Now());
      });
  if (!written.ok()) return written.status();
  return Written{ToApiObject(*written), decoded->warnings};
}

Result<json> ObjectStore::GetScale(const api::KindInfo& kind, const std::string& ns,
                                   const std::string& name) {
  if (!kind.has_scale) return Status::NotFound("the server could not find the requested resource");
  Result<json> obj = Get(kind, ns, name);
  if (!obj.ok()) return obj.status();
  return ScaleOf(*obj);
}

Result<json> ObjectStore::UpdateScale(const api::KindInfo& kind, const std::string& ns,
                                      const std::string& name, const json& scale,
                                      const WriteOptions& opts) {
  if (!kind.has_scale) return Status::NotFound("the server could not find the requested resource");
  const json spec = scale.is_object() ? scale.value("spec", json::object()) : json::object();
  auto replicas = spec.find("replicas");
  if (replicas == spec.end() || !replicas->is_number_integer() || replicas->get<int64_t>() < 0 ||
      replicas->get<int64_t>() > INT32_MAX) {
    return api::ToInvalidStatus("Scale", name,
                                {api::Invalid(api::FieldPath("spec.replicas"),
                                              replicas == spec.end() ? "null" : replicas->dump(),
                                              "must be greater than or equal to 0")});
  }
  int64_t want = replicas->get<int64_t>();
  Result<storage::KeyValue> written =
      Modify(kind, ns, name, ResourceVersionOf(scale), [&](json& obj) -> Status {
        if (obj["spec"].value("replicas", int64_t{-1}) != want) {
          json old = obj;
          obj["spec"]["replicas"] = want;
          obj["metadata"]["generation"] = obj["metadata"].value("generation", 0) + 1;
          return apply::RecordUpdate(kind, old, obj, opts.field_manager, apply::Scope::kScale,
                                     clock_.Now());
        }
        return Status::Ok();
      });
  if (!written.ok()) return written.status();
  return ScaleOf(ToApiObject(*written));
}

Status ObjectStore::BindPod(const std::string& ns, const std::string& name, const json& binding) {
  const api::KindInfo& pods = *api::FindKind("v1", "Pod");
  std::string node;
  if (binding.is_object() && binding.contains("target") && binding["target"].is_object()) {
    node = binding["target"].value("name", "");
  }
  if (node.empty()) {
    return api::ToInvalidStatus("Binding", name, {api::Required(api::FieldPath("target.name"))});
  }
  Result<storage::KeyValue> written = Modify(pods, ns, name, "", [&](json& pod) -> Status {
    if (pod["metadata"].contains("deletionTimestamp")) {
      return Status::Conflict("pod " + name + " is being deleted, cannot be assigned to a host");
    }
    std::string current = pod["spec"].value("nodeName", "");
    if (!current.empty()) {
      return Status::Conflict("pod " + name + " is already assigned to node \"" + current + "\"");
    }
    pod["spec"]["nodeName"] = node;
    json& conditions = pod["status"]["conditions"];
    if (!conditions.is_array()) conditions = json::array();
    conditions.push_back({{"type", "PodScheduled"},
                          {"status", "True"},
                          {"lastProbeTime", nullptr},
                          {"lastTransitionTime", FormatRfc3339(clock_.Now())}});
    return Status::Ok();
  });
  return written.ok() ? Status::Ok() : written.status();
}

}  // namespace skiff::apiserver
