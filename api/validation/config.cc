// ConfigMap and Secret: data keys, total size, overlap between data bags,
// base64 payloads, per-type required keys; immutability on update.
#include <string>

#include "base/base64.h"
#include "api/validation/field_validators.h"
#include "api/validation/json_access.h"
#include "api/validation/kind_validators.h"
#include "api/validation/object_meta.h"

namespace skiff::api::validation {
namespace {

constexpr size_t kMaxDataSize = 1024 * 1024;
constexpr std::string_view kImmutableWhenSet = "field is immutable when `immutable` is set";
constexpr std::string_view kRedacted = "\"<secret contents redacted>\"";

const json& Bag(const json& obj, const char* name, FieldErrors& errs) {
  const json& bag = jsonx::Member(obj, name);
  if (!bag.is_null() && !bag.is_object()) {
    errs.push_back(WrongType(FieldPath(name), bag, "object"));
    static const json kNull;
    return kNull;
  }
  return bag;
}

// Decoded size of a base64 member value, reporting bad payloads.
size_t CheckBase64(const json& value, const FieldPath& path, FieldErrors& errs) {
  if (!value.is_string()) {
    errs.push_back(WrongType(path, value, "string"));
    return 0;
  }
  Base64Decoded r = Base64DecodeDetailed(value.get_ref<const std::string&>());
  if (!r.data) {
    errs.push_back(Invalid(path, std::string(kRedacted), r.Error()));
    return 0;
  }
  return r.data->size();
}

void CheckImmutableFlag(const json& updated, const json& old, FieldErrors& errs,
                        std::initializer_list<const char*> bags) {
  if (!jsonx::GetBool(old, "immutable").value_or(false)) return;
  if (!jsonx::GetBool(updated, "immutable").value_or(false)) {
    errs.push_back(Forbidden(FieldPath("immutable"), std::string(kImmutableWhenSet)));
  }
  for (const char* bag : bags) {
    const json* a = jsonx::Get(updated, bag);
    const json* b = jsonx::Get(old, bag);
    bool a_empty = !a || (a->is_object() && a->empty());
    bool b_empty = !b || (b->is_object() && b->empty());
    if (a_empty && b_empty) continue;
    if (!SameValue(a, b)) errs.push_back(Forbidden(FieldPath(bag), std::string(kImmutableWhenSet)));
  }
}

}  // namespace

void ValidateConfigMap(const json& obj, FieldErrors& errs) {
  ValidateObjectMeta(jsonx::Member(obj, "metadata"), true, NameIsDns1123Subdomain,
                     FieldPath("metadata"), errs);
  const json& data = Bag(obj, "data", errs);
  const json& binary = Bag(obj, "binaryData", errs);
  size_t total = 0;
  if (data.is_object()) {
    for (const auto& [key, value] : data.items()) {
      FieldPath p = FieldPath("data").Key(key);
      AppendInvalid(errs, p, key, IsConfigMapKey(key));
      if (jsonx::Has(binary, key)) {
        errs.push_back(Invalid(p, QuoteValue(key), "duplicate of key present in binaryData"));
      }
      if (value.is_string()) {
        total += value.get_ref<const std::string&>().size();
      } else {
        errs.push_back(WrongType(p, value, "string"));
      }
    }
  }
  if (binary.is_object()) {
    for (const auto& [key, value] : binary.items()) {
      FieldPath p = FieldPath("binaryData").Key(key);
      AppendInvalid(errs, p, key, IsConfigMapKey(key));
      if (jsonx::Has(data, key)) {
        errs.push_back(Invalid(p, QuoteValue(key), "duplicate of key present in data"));
      }
      total += CheckBase64(value, p, errs);
    }
  }
  if (total > kMaxDataSize) errs.push_back(TooLong(FieldPath(""), kMaxDataSize));
}

void ValidateConfigMapUpdate(const json& updated, const json& old, FieldErrors& errs) {
  CheckImmutableFlag(updated, old, errs, {"data", "binaryData"});
}

void ValidateSecret(const json& obj, FieldErrors& errs) {
  ValidateObjectMeta(jsonx::Member(obj, "metadata"), true, NameIsDns1123Subdomain,
                     FieldPath("metadata"), errs);
  const json& data = Bag(obj, "data", errs);
  const json& string_data = Bag(obj, "stringData", errs);
  FieldPath data_path("data");
  size_t total = 0;
  if (data.is_object()) {
    for (const auto& [key, value] : data.items()) {
      FieldPath p = data_path.Key(key);
      AppendInvalid(errs, p, key, IsConfigMapKey(key));
      size_t size = CheckBase64(value, p, errs);
      // stringData overrides data on write (upstream's conversion), so a key in
      // both counts once, with the stringData value.
      if (!jsonx::Has(string_data, key)) total += size;
    }
  }
  if (string_data.is_object()) {
    for (const auto& [key, value] : string_data.items()) {
      FieldPath p = FieldPath("stringData").Key(key);
      AppendInvalid(errs, p, key, IsConfigMapKey(key));
      if (value.is_string()) {
        total += value.get_ref<const std::string&>().size();
      } else {
        errs.push_back(WrongType(p, value, "string"));
      }
    }
  }
  if (total > kMaxDataSize) errs.push_back(TooLong(data_path, kMaxDataSize));
  auto has_key = [&](const char* key) {
    return jsonx::Has(data, key) || jsonx::Has(string_data, key);
  };
  std::string type = jsonx::GetString(obj, "type");
  if (type == "kubernetes.io/service-account-token") {
    const json& annotations = jsonx::Member(jsonx::Member(obj, "metadata"), "annotations");
    if (jsonx::GetString(annotations, "kubernetes.io/service-account.name").empty()) {
      errs.push_back(Required(
          FieldPath("metadata").Child("annotations").Key("kubernetes.io/service-account.name"),
          ""));
    }
  } else if (type == "kubernetes.io/dockercfg") {
    if (!has_key(".dockercfg")) errs.push_back(Required(data_path.Key(".dockercfg"), ""));
  } else if (type == "kubernetes.io/dockerconfigjson") {
    if (!has_key(".dockerconfigjson")) {
      errs.push_back(Required(data_path.Key(".dockerconfigjson"), ""));
    }
  } else if (type == "kubernetes.io/basic-auth") {
    if (!has_key("username") && !has_key("password")) {
      errs.push_back(Required(data_path.Key("username"), ""));
      errs.push_back(Required(data_path.Key("password"), ""));
    }
  } else if (type == "kubernetes.io/ssh-auth") {
    if (!has_key("ssh-privatekey")) errs.push_back(Required(data_path.Key("ssh-privatekey"), ""));
  } else if (type == "kubernetes.io/tls") {
    if (!has_key("tls.crt")) errs.push_back(Required(data_path.Key("tls.crt"), ""));
    if (!has_key("tls.key")) errs.push_back(Required(data_path.Key("tls.key"), ""));
  }
}

void ValidateSecretUpdate(const json& updated, const json& old, FieldErrors& errs) {
  ValidateImmutable(jsonx::Get(updated, "type"), jsonx::Get(old, "type"), FieldPath("type"), errs);
  CheckImmutableFlag(updated, old, errs, {"data"});
}

}  // namespace skiff::api::validation
