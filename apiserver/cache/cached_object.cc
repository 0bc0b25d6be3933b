#include "apiserver/cache/cached_object.h"

#include "api/fields/selectable_fields.h"

namespace skiff::apiserver {
namespace {

using nlohmann::json;

// Sets the value at path in doc, creating the objects on the way.
void SetPath(json& doc, const std::vector<std::string_view>& path, const json& value) {
  json* at = &doc;
  for (std::string_view part : path) at = &(*at)[std::string(part)];
  *at = value;
}

const json* FindPath(const json& object, const std::vector<std::string_view>& path) {
  const json* at = &object;
  for (std::string_view part : path) {
    if (!at->is_object()) return nullptr;
    auto it = at->find(part);
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at;
}

json SelectableOf(const api::KindInfo& kind, const json& object) {
  json doc = json::object();
  const json& meta = object["metadata"];
  json& out_meta = doc["metadata"];
  out_meta = json::object();
  for (const char* field : {"name", "namespace", "labels"}) {
    if (auto it = meta.find(field); it != meta.end()) out_meta[field] = *it;
  }
  for (const api::SelectableField& field : api::SelectableFieldsFor(kind)) {
    for (const auto* path : {&field.path, &field.fallback}) {
      if (path->empty()) continue;
      if (const json* value = FindPath(object, *path)) SetPath(doc, *path, *value);
    }
  }
  return doc;
}

std::string NamespaceOf(const json& meta) {
  auto it = meta.find("namespace");
  return it != meta.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string NameOf(const json& meta) {
  auto it = meta.find("name");
  return it != meta.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

CachedObjectPtr MakeCachedObject(const api::KindInfo& kind, const std::string& key, json object,
                                 int64_t revision) {
  auto out = std::make_shared<CachedObject>();
  json& meta = object["metadata"];
  if (!meta.is_object()) meta = json::object();
  meta["resourceVersion"] = std::to_string(revision);
  out->key = key;
  out->namespace_ = NamespaceOf(meta);
  out->name = NameOf(meta);
  out->mod_revision = revision;
  out->deleting = meta.contains("deletionTimestamp");
  out->labels = api::Labels::OfObject(object);
  out->selectable = SelectableOf(kind, object);
  out->text = object.dump();
  return out;
}

Result<CachedObjectPtr> MakeCachedObject(const api::KindInfo& kind, const storage::KeyValue& kv) {
  json object = json::parse(kv.value, nullptr, /*allow_exceptions=*/false);
  if (!object.is_object()) return Status::Internal("stored value of " + kv.key + " is not a JSON object");
  return MakeCachedObject(kind, kv.key, std::move(object), kv.mod_revision);
}

json ParseCached(const CachedObject& obj) { return json::parse(obj.text); }

}  // namespace skiff::apiserver
