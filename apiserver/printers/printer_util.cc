// Tolerant JSON readers and the cell helpers several printers share.
#include <cmath>

#include "api/labels/label_selector.h"
#include "apiserver/printers/human_duration.h"
#include "apiserver/printers/printer.h"

namespace skiff::apiserver::printers {

using nlohmann::json;

const char kNameDescription[] =
    "The object's name, unique among objects of its kind in its namespace (or in the cluster "
    "for cluster-scoped kinds). Set at creation and never changed.";
const char kAgeDescription[] =
    "Time since metadata.creationTimestamp, the server time at which the object was created.";

ColumnDef NameColumn() { return {"Name", "string", "name", kNameDescription, 0}; }
ColumnDef AgeColumn() { return {"Age", "string", "", kAgeDescription, 0}; }

const json* Find(const json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

const json& Obj(const json& obj, std::string_view key) {
  static const json kEmpty = json::object();
  const json* v = Find(obj, key);
  return v != nullptr && v->is_object() ? *v : kEmpty;
}

const json& Arr(const json& obj, std::string_view key) {
  static const json kEmpty = json::array();
  const json* v = Find(obj, key);
  return v != nullptr && v->is_array() ? *v : kEmpty;
}

std::string Str(const json& obj, std::string_view key) {
  const json* v = Find(obj, key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

int64_t Int(const json& obj, std::string_view key, int64_t fallback) {
  const json* v = Find(obj, key);
  if (v == nullptr) return fallback;
  if (v->is_number_integer()) return v->get<int64_t>();
  if (v->is_number_unsigned()) return static_cast<int64_t>(v->get<uint64_t>());
  if (v->is_number_float()) {
    double d = v->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e18) {
      return static_cast<int64_t>(d);
    }
  }
  return fallback;
}

bool Bool(const json& obj, std::string_view key) {
  const json* v = Find(obj, key);
  return v != nullptr && v->is_boolean() && v->get<bool>();
}

int64_t Count(const json& obj, std::string_view key) {
  const json* v = Find(obj, key);
  if (v == nullptr || !(v->is_object() || v->is_array())) return 0;
  return static_cast<int64_t>(v->size());
}

std::string NameOf(const json& object) { return Str(Obj(object, "metadata"), "name"); }

std::string AgeOf(const json& object, const Clock& clock) {
  return TimestampSince(Find(Obj(object, "metadata"), "creationTimestamp"), clock);
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

namespace {

std::string JoinField(const json& containers, std::string_view field) {
  std::vector<std::string> parts;
  if (containers.is_array()) {
    for (const json& c : containers) parts.push_back(Str(c, field));
  }
  return Join(parts, ",");
}

}  // namespace

std::string ContainerNames(const json& containers) { return JoinField(containers, "name"); }
std::string ContainerImages(const json& containers) { return JoinField(containers, "image"); }

std::string SelectorString(const json* selector) {
  if (selector == nullptr) return "";
  auto parsed = api::LabelSelectorFromJson(*selector);
  if (!parsed.ok()) return "<invalid>";
  return parsed->ToString();
}

}  // namespace skiff::apiserver::printers
