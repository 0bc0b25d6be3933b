// Type-tolerant accessors over nlohmann::json for defaulting and validation.
//
// Objects reach defaulting and validation as raw JSON in the Kubernetes wire
// shape. The schema decoder type-checks them first, but these helpers must still
// never throw: a member of the wrong type is treated as absent (nullptr,
// std::nullopt or ""), and lookups on a non-object return absent. Rendering helpers
// print values the way Kubernetes' field errors print Go values (strings quoted,
// map[string]string{"k":"v"} for label maps).
//
// Header-only, pure functions: thread-safe, no exceptions.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/field_error.h"

namespace skiff::api::jsonx {

using nlohmann::json;

// The member `key` of obj, or nullptr when obj is not an object, the key is
// absent, or the value is null.
inline const json* Get(const json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

// The member `key` of obj, or a shared null when absent (for passing on to
// validators that report a missing value themselves).
inline const json& Member(const json& obj, std::string_view key) {
  static const json kNull;
  const json* v = Get(obj, key);
  return v ? *v : kNull;
}

inline bool Has(const json& obj, std::string_view key) { return Get(obj, key) != nullptr; }

inline const json* GetObject(const json& obj, std::string_view key) {
  const json* v = Get(obj, key);
  return v && v->is_object() ? v : nullptr;
}

inline const json* GetArray(const json& obj, std::string_view key) {
  const json* v = Get(obj, key);
  return v && v->is_array() ? v : nullptr;
}

// "" when absent or not a string.
inline std::string GetString(const json& obj, std::string_view key) {
  const json* v = Get(obj, key);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

inline std::optional<std::string> GetOptString(const json& obj, std::string_view key) {
  const json* v = Get(obj, key);
  if (!v || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

// Integers only (a float with an integral value counts, as JSON from YAML may
// carry 1.0); nullopt when absent or of another type.
inline std::optional<int64_t> AsInt(const json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (d >= -9.2e18 && d <= 9.2e18 && static_cast<double>(static_cast<int64_t>(d)) == d) {
      return static_cast<int64_t>(d);
    }
  }
  return std::nullopt;
}

inline std::optional<int64_t> GetInt(const json& obj, std::string_view key) {
  const json* v = Get(obj, key);
  return v ? AsInt(*v) : std::nullopt;
}

inline std::optional<bool> GetBool(const json& obj, std::string_view key) {
  const json* v = Get(obj, key);
  if (!v || !v->is_boolean()) return std::nullopt;
  return v->get<bool>();
}

// Size of an array member; 0 when absent or not an array.
inline size_t ArraySize(const json& obj, std::string_view key) {
  const json* v = GetArray(obj, key);
  return v ? v->size() : 0;
}

// Mutable access for defaulting: the member `key` of obj as an object, created
// when absent or null. Returns nullptr (and changes nothing) when obj is not an
// object or the member has another type.
inline json* MutableObject(json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    json& slot = obj[std::string(key)];
    slot = json::object();
    return &slot;
  }
  return it->is_object() ? &*it : nullptr;
}

// Sets obj[key] = value when the member is absent or null. Returns whether it set.
inline bool SetDefault(json& obj, std::string_view key, const json& value) {
  if (!obj.is_object()) return false;
  auto it = obj.find(key);
  if (it != obj.end() && !it->is_null()) return false;
  obj[std::string(key)] = value;
  return true;
}

// Like SetDefault, but also replaces an empty string (Go's zero value of a
// string field, which upstream defaulting treats as unset).
inline bool SetDefaultString(json& obj, std::string_view key, std::string_view value) {
  if (!obj.is_object()) return false;
  auto it = obj.find(key);
  if (it != obj.end() && !it->is_null() &&
      !(it->is_string() && it->get_ref<const std::string&>().empty())) {
    return false;
  }
  obj[std::string(key)] = std::string(value);
  return true;
}

// A value as Kubernetes' field errors print it: strings quoted, integers plain,
// a map of strings as Go's %#v prints map[string]string, anything else as JSON.
inline std::string Render(const json& v) {
  if (v.is_string()) return QuoteValue(v.get_ref<const std::string&>());
  if (v.is_object()) {
    bool all_strings = true;
    for (const auto& [k, e] : v.items()) {
      if (!e.is_string()) all_strings = false;
    }
    if (all_strings) {
      std::string out = "map[string]string{";
      bool first = true;
      for (const auto& [k, e] : v.items()) {
        if (!first) out += ", ";
        first = false;
        out += QuoteValue(k) + ":" + QuoteValue(e.get_ref<const std::string&>());
      }
      return out + "}";
    }
  }
  if (v.is_null()) return "null";
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace skiff::api::jsonx
