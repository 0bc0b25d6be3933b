#include "api/decode.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <set>

#include "api/field_error.h"
#include "api/json_body.h"
#include "api/quantity.h"

namespace skiff::api {

namespace {

using nlohmann::json;

std::string Describe(const json& v) {
  switch (v.type()) {
    case json::value_t::string:
      return "string " + QuoteValue(v.get<std::string>());
    case json::value_t::boolean:
      return v.get<bool>() ? "boolean true" : "boolean false";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "number " + v.dump();
    case json::value_t::object:
      return "object";
    case json::value_t::array:
      return "array";
    case json::value_t::null:
      return "null";
    default:
      return "value";
  }
}

bool IsEmpty(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return true;
    case json::value_t::string:
      return v.get_ref<const std::string&>().empty();
    case json::value_t::boolean:
      return !v.get<bool>();
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return v.get<double>() == 0;
    case json::value_t::object:
    case json::value_t::array:
      return v.empty();
    default:
      return false;
  }
}

json ZeroValue(const TypeRef& t) {
  switch (t.kind) {
    case ValueKind::kInt32:
    case ValueKind::kInt64:
    case ValueKind::kNumber:
      return 0;
    case ValueKind::kBoolean:
      return false;
    case ValueKind::kArray:
      return json::array();
    case ValueKind::kObject:
    case ValueKind::kMap:
    case ValueKind::kFreeForm:
      return json::object();
    default:
      return "";
  }
}

bool Digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return false;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// RFC 3339 as Go's time.RFC3339 parser accepts it: date, 'T', time with optional
// fraction, then 'Z' or a ±hh:mm offset.
bool IsRfc3339(std::string_view s) {
  if (!Digits(s, 0, 4) || s.size() < 20 || s[4] != '-' || !Digits(s, 5, 2) || s[7] != '-' ||
      !Digits(s, 8, 2) || s[10] != 'T' || !Digits(s, 11, 2) || s[13] != ':' || !Digits(s, 14, 2) ||
      s[16] != ':' || !Digits(s, 17, 2)) {
    return false;
  }
  auto num = [&](size_t p) { return (s[p] - '0') * 10 + (s[p + 1] - '0'); };
  int month = num(5), day = num(8), hour = num(11), minute = num(14), second = num(17);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return false;
  }
  size_t p = 19;
  if (p < s.size() && s[p] == '.') {
    size_t start = ++p;
    while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) ++p;
    if (p == start) return false;
  }
  if (p < s.size() && s[p] == 'Z') return p + 1 == s.size();
  if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    return p + 6 == s.size() && Digits(s, p + 1, 2) && s[p + 3] == ':' && Digits(s, p + 4, 2);
  }
  return false;
}

// Base64 as Go's encoding/json decodes []byte: standard alphabet, padded,
// CR and LF ignored.
bool IsBase64(std::string_view s) {
  size_t n = 0, pad = 0;
  for (char c : s) {
    if (c == '\r' || c == '\n') continue;
    if (c == '=') {
      ++pad;
    } else {
      if (pad > 0) return false;
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/') return false;
    }
    ++n;
  }
  return n % 4 == 0 && pad <= 2;
}

class Walker {
 public:
  explicit Walker(FieldValidation mode) : mode_(mode) {}

  void WalkObject(json& obj, const ObjectType& type, const FieldPath& path, bool warn_acted,
                  bool top_level) {
    std::vector<std::string> drop;
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      const std::string& key = it.key();
      FieldPath child = path.Child(key);
      const FieldSpec* f = type.FindField(key);
      if (f == nullptr) {
        unknown_.push_back(child.str());
        drop.push_back(key);
        continue;
      }
      json& v = it.value();
      if (v.is_null()) {
        drop.push_back(key);
        continue;
      }
      bool child_warn = warn_acted && !(top_level && key == "status");
      if (child_warn && !f->acted_on) {
        if (!IsEmpty(v)) Warn(child.str() + ": skiff does not act on this field yet");
        child_warn = false;
      }
      WalkValue(v, f->type, child, child_warn);
    }
    for (const auto& key : drop) obj.erase(key);
  }

  void WalkValue(json& v, const TypeRef& t, const FieldPath& path, bool warn_acted) {
    switch (t.kind) {
      case ValueKind::kString:
        if (!v.is_string()) TypeError(path, "string", v);
        return;
      case ValueKind::kInt32:
        CheckInteger(v, path, "int32", std::numeric_limits<int32_t>::min(),
                     std::numeric_limits<int32_t>::max());
        return;
      case ValueKind::kInt64:
        CheckInteger(v, path, "int64", std::numeric_limits<int64_t>::min(),
                     std::numeric_limits<int64_t>::max());
        return;
      case ValueKind::kNumber:
        if (!v.is_number()) TypeError(path, "number", v);
        return;
      case ValueKind::kBoolean:
        if (!v.is_boolean()) TypeError(path, "boolean", v);
        return;
      case ValueKind::kIntOrString:
        if (!v.is_string()) {
          CheckInteger(v, path, "int32 or string", std::numeric_limits<int32_t>::min(),
                       std::numeric_limits<int32_t>::max());
        }
        return;
      case ValueKind::kQuantity:
        CheckQuantity(v, path);
        return;
      case ValueKind::kTime:
      case ValueKind::kMicroTime:
        if (!v.is_string() || !IsRfc3339(v.get_ref<const std::string&>())) {
          TypeError(path, "RFC 3339 time", v);
        }
        return;
      case ValueKind::kBytes:
        if (!v.is_string() || !IsBase64(v.get_ref<const std::string&>())) {
          TypeError(path, "base64 bytes", v);
        }
        return;
      case ValueKind::kFreeForm:
        return;
      case ValueKind::kObject:
        if (!v.is_object()) {
          TypeError(path, "object", v);
          return;
        }
        if (t.object != nullptr) WalkObject(v, *t.object, path, warn_acted, false);
        return;
      case ValueKind::kArray:
        if (!v.is_array()) {
          TypeError(path, t.ToString(), v);
          return;
        }
        for (size_t i = 0; i < v.size(); ++i) {
          if (v[i].is_null()) v[i] = ZeroValue(*t.element);
          WalkValue(v[i], *t.element, path.Index(i), warn_acted);
        }
        return;
      case ValueKind::kMap:
        if (!v.is_object()) {
          TypeError(path, "map of " + t.element->ToString(), v);
          return;
        }
        for (auto it = v.begin(); it != v.end(); ++it) {
          if (it.value().is_null()) it.value() = ZeroValue(*t.element);
          WalkValue(it.value(), *t.element, path.Key(it.key()), warn_acted);
        }
        return;
    }
  }

  // The error, if any, without a kind prefix.
  Status Finish(std::vector<std::string>* warnings,
                const std::vector<std::string>& duplicates = {}) {
    if (!type_errors_.empty()) return Status::BadRequest(Join(type_errors_));
    if (!unknown_.empty() || !duplicates.empty()) {
      std::vector<std::string> msgs;
      for (const auto& p : unknown_) msgs.push_back("unknown field \"" + p + "\"");
      for (const auto& p : duplicates) msgs.push_back("duplicate field \"" + p + "\"");
      if (mode_ == FieldValidation::kStrict) {
        return Status::BadRequest("strict decoding error: " + Join(msgs));
      }
      if (mode_ == FieldValidation::kWarn) {
        warnings->insert(warnings->end(), msgs.begin(), msgs.end());
      }
    }
    warnings->insert(warnings->end(), warnings_.begin(), warnings_.end());
    return Status::Ok();
  }

 private:
  static std::string Join(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) {
      if (!out.empty()) out += ", ";
      out += p;
    }
    return out;
  }

  void Warn(std::string w) {
    if (warned_.insert(w).second) warnings_.push_back(std::move(w));
  }

  void TypeError(const FieldPath& path, std::string_view expected, const json& got,
                 std::string_view detail = "") {
    std::string m = path.str() + ": expected " + std::string(expected) + ", got " + Describe(got);
    if (!detail.empty()) m += " (" + std::string(detail) + ")";
    type_errors_.push_back(std::move(m));
  }

  void CheckInteger(json& v, const FieldPath& path, std::string_view name, int64_t lo, int64_t hi) {
    if (v.is_number_unsigned()) {
      if (v.get<uint64_t>() > static_cast<uint64_t>(hi)) TypeError(path, name, v, "out of range");
      return;
    }
    if (v.is_number_integer()) {
      int64_t n = v.get<int64_t>();
      if (n < lo || n > hi) TypeError(path, name, v, "out of range");
      return;
    }
    if (v.is_number_float()) {
      double d = v.get<double>();
      if (std::trunc(d) != d || !std::isfinite(d)) {
        TypeError(path, name, v);
      } else if (d < static_cast<double>(lo) || d >= -static_cast<double>(lo) ||
                 d > static_cast<double>(hi)) {
        TypeError(path, name, v, "out of range");
      } else {
        v = static_cast<int64_t>(d);
      }
      return;
    }
    TypeError(path, name, v);
  }

  void CheckQuantity(json& v, const FieldPath& path) {
    std::string text;
    if (v.is_string()) {
      text = v.get<std::string>();
    } else if (v.is_number()) {
      text = v.dump();
    } else {
      TypeError(path, "Quantity", v);
      return;
    }
    Result<Quantity> q = ParseQuantity(text);
    if (!q.ok()) {
      TypeError(path, "Quantity", v, q.status().message());
      return;
    }
    v = q->canonical;
  }

  FieldValidation mode_;
  std::vector<std::string> unknown_;
  std::vector<std::string> type_errors_;
  std::vector<std::string> warnings_;
  std::set<std::string> warned_;
};

std::string Excerpt(const json& doc) {
  constexpr size_t kMax = 1024;
  std::string s = doc.dump();
  if (s.size() > kMax) s = s.substr(0, kMax) + "...";
  return s;
}

}  // namespace

Result<FieldValidation> ParseFieldValidation(std::string_view value) {
  if (value == "Strict") return FieldValidation::kStrict;
  if (value == "Warn" || value.empty()) return FieldValidation::kWarn;
  if (value == "Ignore") return FieldValidation::kIgnore;
  return Status::BadRequest("fieldValidation must be one of Ignore, Warn, Strict; got " +
                            QuoteValue(value));
}

Result<Decoded> Decode(const nlohmann::json& doc, FieldValidation mode) {
  return Decode(doc, mode, {});
}

Result<Decoded> Decode(const nlohmann::json& doc, FieldValidation mode,
                       const std::vector<std::string>& duplicate_fields) {
  if (!doc.is_object()) {
    return Status::BadRequest("expected a JSON object, got " + Describe(doc));
  }
  auto kind_it = doc.find("kind");
  if (kind_it == doc.end() || !kind_it->is_string() || kind_it->get<std::string>().empty()) {
    return Status::BadRequest("Object 'Kind' is missing in '" + Excerpt(doc) + "'");
  }
  auto version_it = doc.find("apiVersion");
  if (version_it == doc.end() || !version_it->is_string() ||
      version_it->get<std::string>().empty()) {
    return Status::BadRequest("Object 'apiVersion' is missing in '" + Excerpt(doc) + "'");
  }
  const std::string& kind_name = kind_it->get_ref<const std::string&>();
  const std::string& api_version = version_it->get_ref<const std::string&>();
  const KindInfo* kind = FindKind(api_version, kind_name);
  const ObjectType* type = kind == nullptr ? nullptr : TypeForKind(*kind);
  if (type == nullptr) {
    return Status::BadRequest("no kind " + QuoteValue(kind_name) + " is registered for version " +
                              QuoteValue(api_version) + " in scheme \"skiff\"");
  }
  Decoded out;
  out.kind = kind;
  try {
    out.object = doc;
    Walker walker(mode);
    walker.WalkObject(out.object, *type, FieldPath(), /*warn_acted=*/true, /*top_level=*/true);
    Status s = walker.Finish(&out.warnings, duplicate_fields);
    if (!s.ok()) {
      return Status::BadRequest(kind_name + " in version " + QuoteValue(kind->version) +
                                " cannot be handled as a " + kind_name + ": " + s.message());
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::BadRequest(std::string("decoding ") + kind_name + ": " + e.what());
  }
  return out;
}

Result<Decoded> DecodeAsType(const nlohmann::json& value, const ObjectType& type,
                             FieldValidation mode, std::string_view path) {
  if (!value.is_object()) {
    std::string where = path.empty() ? "" : std::string(path) + ": ";
    return Status::BadRequest(where + "expected object, got " + Describe(value));
  }
  Decoded out;
  try {
    out.object = value;
    Walker walker(mode);
    walker.WalkObject(out.object, type, FieldPath(path), /*warn_acted=*/true, /*top_level=*/false);
    SKIFF_RETURN_IF_ERROR(walker.Finish(&out.warnings));
  } catch (const nlohmann::json::exception& e) {
    return Status::BadRequest(std::string("decoding ") + type.name + ": " + e.what());
  }
  return out;
}

Result<nlohmann::json> ParseJson(std::string_view body) {
  Result<JsonBody> parsed = ParseJsonBody(body);
  if (!parsed.ok()) return parsed.status();
  return std::move(parsed->value);
}

}  // namespace skiff::api
