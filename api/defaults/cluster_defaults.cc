// Secret, Namespace, Node and Endpoints defaults.
#include <string>

#include "api/defaults/kind_defaults.h"
#include "base/base64.h"
#include "api/validation/json_access.h"

namespace skiff::api::defaults {

void DefaultSecret(json& secret) {
  jsonx::SetDefaultString(secret, "type", "Opaque");
  // stringData is write-only: upstream's conversion folds it into data (its
  // values winning) before anything is stored.
  const json* string_data = jsonx::GetObject(secret, "stringData");
  if (!string_data) return;
  bool all_strings = true;
  for (const auto& [k, v] : string_data->items()) {
    if (!v.is_string()) all_strings = false;
  }
  json* data = jsonx::MutableObject(secret, "data");
  if (!all_strings || !data) return;  // validation reports the bad shape
  for (const auto& [k, v] : string_data->items()) {
    (*data)[k] = Base64Encode(v.get_ref<const std::string&>());
  }
  secret.erase("stringData");
}

void DefaultNamespace(json& ns) {
  // Every named namespace carries its name as a label (kubernetes.io/metadata.name).
  if (json* meta = jsonx::GetObject(ns, "metadata") ? &ns["metadata"] : nullptr) {
    std::string name = jsonx::GetString(*meta, "name");
    if (!name.empty()) {
      if (json* labels = jsonx::MutableObject(*meta, "labels")) {
        (*labels)["kubernetes.io/metadata.name"] = name;
      }
    }
  }
  // The namespace registry adds the "kubernetes" finalizer on create. Only an
  // absent list is filled, so a namespace whose finalizers were cleared (an
  // empty list) is not given them back; nor is one being deleted.
  bool deleting = jsonx::Has(jsonx::Member(ns, "metadata"), "deletionTimestamp");
  if (json* spec = jsonx::MutableObject(ns, "spec"); spec && !deleting) {
    jsonx::SetDefault(*spec, "finalizers", json::array({"kubernetes"}));
  }
  if (json* status = jsonx::MutableObject(ns, "status")) {
    jsonx::SetDefaultString(*status, "phase", "Active");
  }
}

void DefaultNode(json& node) {
  // Allocatable defaults to capacity.
  json* status = jsonx::GetObject(node, "status") ? &node["status"] : nullptr;
  if (!status) return;
  if (const json* capacity = jsonx::GetObject(*status, "capacity")) {
    jsonx::SetDefault(*status, "allocatable", *capacity);
  }
}

void DefaultEndpoints(json& endpoints) {
  if (!jsonx::GetArray(endpoints, "subsets")) return;
  for (json& subset : endpoints["subsets"]) {
    if (!jsonx::GetArray(subset, "ports")) continue;
    for (json& port : subset["ports"]) {
      if (port.is_object()) jsonx::SetDefaultString(port, "protocol", "TCP");
    }
  }
}

}  // namespace skiff::api::defaults
