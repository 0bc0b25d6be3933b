#include "api/fields/selectable_fields.h"

#include "api/field_error.h"

namespace skiff::api {
namespace {

using Fields = std::vector<SelectableField>;

SelectableField Str(std::string_view name, std::vector<std::string_view> path) {
  return {name, std::move(path), FieldType::kString, {}};
}

const Fields& ClusterMeta() {
  static const Fields f = {Str("metadata.name", {"metadata", "name"})};
  return f;
}

const Fields& NamespacedMeta() {
  static const Fields f = {Str("metadata.name", {"metadata", "name"}),
                           Str("metadata.namespace", {"metadata", "namespace"})};
  return f;
}

Fields With(const Fields& base, Fields extra) {
  Fields out = base;
  for (auto& f : extra) out.push_back(std::move(f));
  return out;
}

struct KindFields {
  std::string_view group;
  std::string_view kind;
  Fields fields;
};

// Kinds with their own field label conversion in the API server. Any other kind
// gets the default: metadata.name and, if namespaced, metadata.namespace.
const std::vector<KindFields>& Table() {
  static const std::vector<KindFields> table = {
      {"", "Pod",
       With(NamespacedMeta(), {Str("spec.nodeName", {"spec", "nodeName"}),
                               Str("spec.restartPolicy", {"spec", "restartPolicy"}),
                               Str("spec.schedulerName", {"spec", "schedulerName"}),
                               Str("spec.serviceAccountName", {"spec", "serviceAccountName"}),
                               {"spec.hostNetwork", {"spec", "hostNetwork"}, FieldType::kBool, {}},
                               Str("status.phase", {"status", "phase"}),
                               Str("status.podIP", {"status", "podIP"}),
                               Str("status.nominatedNodeName", {"status", "nominatedNodeName"})})},
      {"", "Node",
       With(ClusterMeta(),
            {{"spec.unschedulable", {"spec", "unschedulable"}, FieldType::kBool, {}}})},
      {"", "Namespace", With(ClusterMeta(), {Str("status.phase", {"status", "phase"})})},
      {"", "Secret", With(NamespacedMeta(), {Str("type", {"type"})})},
      {"", "Service",
       With(NamespacedMeta(),
            {Str("spec.clusterIP", {"spec", "clusterIP"}), Str("spec.type", {"spec", "type"})})},
      {"", "Event",
       With(NamespacedMeta(),
            {Str("involvedObject.kind", {"involvedObject", "kind"}),
             Str("involvedObject.namespace", {"involvedObject", "namespace"}),
             Str("involvedObject.name", {"involvedObject", "name"}),
             Str("involvedObject.uid", {"involvedObject", "uid"}),
             Str("involvedObject.apiVersion", {"involvedObject", "apiVersion"}),
             Str("involvedObject.resourceVersion", {"involvedObject", "resourceVersion"}),
             Str("involvedObject.fieldPath", {"involvedObject", "fieldPath"}),
             Str("reason", {"reason"}),
             Str("reportingComponent", {"reportingComponent"}),
             {"source", {"source", "component"}, FieldType::kString, {"reportingComponent"}},
             Str("type", {"type"})})},
      {"apps", "ReplicaSet",
       With(NamespacedMeta(), {{"status.replicas", {"status", "replicas"}, FieldType::kInt, {}}})},
  };
  return table;
}

const KindFields* Explicit(const KindInfo& kind) {
  for (const auto& k : Table()) {
    if (k.group == kind.group && k.kind == kind.kind) return &k;
  }
  return nullptr;
}

const nlohmann::json* Walk(const nlohmann::json& object,
                           const std::vector<std::string_view>& path) {
  const nlohmann::json* cur = &object;
  for (std::string_view step : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(step);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

std::string Render(const nlohmann::json* v, FieldType type) {
  if (v != nullptr) {
    if (v->is_string()) return v->get_ref<const std::string&>();
    if (v->is_boolean()) return v->get<bool>() ? "true" : "false";
    if (v->is_number_integer()) return std::to_string(v->get<int64_t>());
    if (v->is_number_unsigned()) return std::to_string(v->get<uint64_t>());
    if (v->is_number_float()) return v->dump();
  }
  switch (type) {
    case FieldType::kString:
      return "";
    case FieldType::kBool:
      return "false";
    case FieldType::kInt:
      return "0";
  }
  return "";
}

}  // namespace

const std::vector<SelectableField>& SelectableFieldsFor(const KindInfo& kind) {
  if (const KindFields* k = Explicit(kind)) return k->fields;
  return kind.namespaced ? NamespacedMeta() : ClusterMeta();
}

Result<const SelectableField*> FindSelectableField(const KindInfo& kind, std::string_view label) {
  const KindFields* k = Explicit(kind);
  // Old v1 clients send spec.host for a Pod's node.
  std::string_view name = label;
  if (k != nullptr && k->kind == "Pod" && label == "spec.host") name = "spec.nodeName";
  for (const auto& f : SelectableFieldsFor(kind)) {
    if (f.name == name) return &f;
  }
  if (k != nullptr) return Status::BadRequest("field label not supported: " + std::string(label));
  return Status::BadRequest(QuoteValue(label) +
                            " is not a known field selector: only \"metadata.name\", "
                            "\"metadata.namespace\"");
}

std::string ExtractFieldValue(const SelectableField& field, const nlohmann::json& object) {
  std::string v = Render(Walk(object, field.path), field.type);
  if (v.empty() && !field.fallback.empty()) v = Render(Walk(object, field.fallback), field.type);
  return v;
}

}  // namespace skiff::api
