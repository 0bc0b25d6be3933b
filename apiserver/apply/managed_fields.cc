#include "apiserver/apply/managed_fields.h"

namespace skiff::apiserver::apply {
namespace {

using nlohmann::json;

constexpr size_t kMaxManagerLength = 128;
constexpr char kFieldsV1[] = "FieldsV1";

const json* ManagedFieldsOf(const json& obj) {
  if (!obj.is_object()) return nullptr;
  auto meta = obj.find("metadata");
  if (meta == obj.end() || !meta->is_object()) return nullptr;
  auto fields = meta->find("managedFields");
  if (fields == meta->end() || fields->is_null()) return nullptr;
  return &*fields;
}

std::string StringField(const json& entry, const char* name) {
  auto it = entry.find(name);
  return it != entry.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<ManagerEntries> DecodeManagedFields(const json& obj) {
  ManagerEntries out;
  const json* fields = ManagedFieldsOf(obj);
  if (fields == nullptr) return out;
  if (!fields->is_array()) return Status::BadRequest("metadata.managedFields: must be a list");
  for (size_t i = 0; i < fields->size(); ++i) {
    const json& entry = (*fields)[i];
    std::string where = "metadata.managedFields[" + std::to_string(i) + "]";
    if (!entry.is_object()) return Status::BadRequest(where + ": must be an object");
    if (StringField(entry, "fieldsType") != kFieldsV1) {
      return Status::BadRequest(where + ".fieldsType: invalid fieldsType \"" + StringField(entry, "fieldsType") + "\"");
    }
    Result<FieldSet> set = FieldSet::FromFieldsV1(entry.value("fieldsV1", json::object()));
    if (!set.ok()) return set.status().WithContext(where);
    out.push_back({StringField(entry, "manager"), StringField(entry, "operation"), StringField(entry, "apiVersion"),
                   StringField(entry, "time"), StringField(entry, "subresource"), std::move(*set)});
  }
  return out;
}

json EncodeManagedFields(const ManagerEntries& entries) {
  json out = json::array();
  for (const ManagerEntry& e : entries) {
    if (e.fields.Empty()) continue;
    json entry = {{"manager", e.manager},
                  {"operation", e.operation},
                  {"apiVersion", e.api_version},
                  {"fieldsType", kFieldsV1},
                  {"fieldsV1", e.fields.ToFieldsV1()}};
    if (!e.time.empty()) entry["time"] = e.time;
    if (!e.subresource.empty()) entry["subresource"] = e.subresource;
    out.push_back(std::move(entry));
  }
  return out;
}

void StoreManagedFields(json& obj, const ManagerEntries& entries) {
  json encoded = EncodeManagedFields(entries);
  auto meta = obj.find("metadata");
  if (encoded.empty()) {
    if (meta != obj.end() && meta->is_object()) meta->erase("managedFields");
    return;
  }
  obj["metadata"]["managedFields"] = std::move(encoded);
}

bool IsResetRequest(const json& obj) {
  const json* fields = ManagedFieldsOf(obj);
  return fields != nullptr && fields->is_array() && fields->size() == 1 && (*fields)[0].is_object() &&
         (*fields)[0].empty();
}

api::FieldErrors ValidateManagedFields(const json& obj) {
  api::FieldErrors errs;
  const json* fields = ManagedFieldsOf(obj);
  if (fields == nullptr || !fields->is_array()) return errs;
  api::FieldPath list = api::FieldPath("metadata").Child("managedFields");
  for (size_t i = 0; i < fields->size(); ++i) {
    const json& entry = (*fields)[i];
    if (!entry.is_object()) continue;
    api::FieldPath at = list.Index(i);
    std::string operation = StringField(entry, "operation");
    if (operation != kOperationApply && operation != kOperationUpdate) {
      errs.push_back(api::Invalid(at.Child("operation"), api::QuoteValue(operation), "must be `Apply` or `Update`"));
    }
    if (StringField(entry, "manager").size() > kMaxManagerLength) {
      errs.push_back(api::TooLong(at.Child("manager"), kMaxManagerLength));
    }
  }
  return errs;
}

std::string DescribeManager(const ManagerEntry& entry) {
  std::string out = json(entry.manager).dump();
  if (!entry.subresource.empty()) out += " with subresource " + json(entry.subresource).dump();
  if (entry.operation == kOperationUpdate) out += " using " + entry.api_version;
  return out;
}

}  // namespace skiff::apiserver::apply
