#include "api/validation/field_validators.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "api/validation/json_access.h"

namespace skiff::api::validation {

void AppendInvalid(FieldErrors& errs, const FieldPath& path, std::string_view value,
                   const Messages& messages) {
  for (const auto& m : messages) errs.push_back(Invalid(path, QuoteValue(value), m));
}

void ValidateDns1123Label(std::string_view value, const FieldPath& path, FieldErrors& errs) {
  AppendInvalid(errs, path, value, IsDns1123Label(value));
}

void ValidateDns1123Subdomain(std::string_view value, const FieldPath& path, FieldErrors& errs) {
  AppendInvalid(errs, path, value, IsDns1123Subdomain(value));
}

void ValidateQualifiedName(std::string_view value, const FieldPath& path, FieldErrors& errs) {
  AppendInvalid(errs, path, value, IsQualifiedName(value));
}

void ValidateNonnegative(int64_t value, const FieldPath& path, FieldErrors& errs) {
  if (value < 0) errs.push_back(Invalid(path, std::to_string(value), std::string(kNegativeError)));
}

FieldError WrongType(const FieldPath& path, const json& value, std::string_view type) {
  return TypeInvalid(path, jsonx::Render(value), "must be of type " + std::string(type));
}

std::optional<int64_t> CheckInt(const json& parent, std::string_view key, const FieldPath& path,
                                FieldErrors& errs) {
  const json* v = jsonx::Get(parent, key);
  if (!v) return std::nullopt;
  auto i = jsonx::AsInt(*v);
  if (!i) errs.push_back(WrongType(path, *v, "integer"));
  return i;
}

std::optional<std::string> CheckString(const json& parent, std::string_view key,
                                       const FieldPath& path, FieldErrors& errs) {
  const json* v = jsonx::Get(parent, key);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    errs.push_back(WrongType(path, *v, "string"));
    return std::nullopt;
  }
  return v->get<std::string>();
}

void ValidateLabels(const json& labels, const FieldPath& path, FieldErrors& errs) {
  if (labels.is_null()) return;
  if (!labels.is_object()) {
    errs.push_back(WrongType(path, labels, "object"));
    return;
  }
  for (const auto& [k, v] : labels.items()) {
    AppendInvalid(errs, path, k, IsQualifiedName(k));
    if (!v.is_string()) {
      errs.push_back(WrongType(path.Key(k), v, "string"));
      continue;
    }
    const auto& value = v.get_ref<const std::string&>();
    AppendInvalid(errs, path, value, IsValidLabelValue(value));
  }
}

void ValidateAnnotations(const json& annotations, const FieldPath& path, FieldErrors& errs) {
  if (annotations.is_null()) return;
  if (!annotations.is_object()) {
    errs.push_back(WrongType(path, annotations, "object"));
    return;
  }
  size_t total = 0;
  for (const auto& [k, v] : annotations.items()) {
    std::string lower = k;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    AppendInvalid(errs, path, k, IsQualifiedName(lower));
    total += k.size();
    if (v.is_string()) {
      total += v.get_ref<const std::string&>().size();
    } else {
      errs.push_back(WrongType(path.Key(k), v, "string"));
    }
  }
  if (total > kTotalAnnotationSizeLimit) errs.push_back(TooLong(path, kTotalAnnotationSizeLimit));
}

void ValidateLabelSelector(const json& selector, const FieldPath& path, FieldErrors& errs) {
  if (selector.is_null()) return;
  if (!selector.is_object()) {
    errs.push_back(WrongType(path, selector, "object"));
    return;
  }
  if (const json* ml = jsonx::Get(selector, "matchLabels")) {
    ValidateLabels(*ml, path.Child("matchLabels"), errs);
  }
  const json* exprs = jsonx::Get(selector, "matchExpressions");
  if (!exprs) return;
  FieldPath exprs_path = path.Child("matchExpressions");
  if (!exprs->is_array()) {
    errs.push_back(WrongType(exprs_path, *exprs, "array"));
    return;
  }
  for (size_t i = 0; i < exprs->size(); ++i) {
    const json& req = (*exprs)[i];
    FieldPath p = exprs_path.Index(i);
    std::string op = jsonx::GetString(req, "operator");
    const json* values = jsonx::GetArray(req, "values");
    size_t nvalues = values ? values->size() : 0;
    if (op == "In" || op == "NotIn") {
      if (nvalues == 0) {
        errs.push_back(
            Required(p.Child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
      }
    } else if (op == "Exists" || op == "DoesNotExist") {
      if (nvalues > 0) {
        errs.push_back(Forbidden(p.Child("values"),
                                 "may not be specified when `operator` is 'Exists' or "
                                 "'DoesNotExist'"));
      }
    } else {
      errs.push_back(Invalid(p.Child("operator"), QuoteValue(op), "not a valid selector operator"));
    }
    std::string key = jsonx::GetString(req, "key");
    AppendInvalid(errs, p.Child("key"), key, IsQualifiedName(key));
    for (size_t j = 0; j < nvalues; ++j) {
      const json& v = (*values)[j];
      if (!v.is_string()) {
        errs.push_back(WrongType(p.Child("values").Index(j), v, "string"));
        continue;
      }
      AppendInvalid(errs, p.Child("values").Index(j), v.get_ref<const std::string&>(),
                    IsValidLabelValue(v.get_ref<const std::string&>()));
    }
  }
}

bool SameValue(const json* a, const json* b) {
  bool a_absent = a == nullptr || a->is_null();
  bool b_absent = b == nullptr || b->is_null();
  if (a_absent || b_absent) return a_absent == b_absent;
  return *a == *b;
}

void ValidateImmutable(const json* updated, const json* old, const FieldPath& path,
                       FieldErrors& errs) {
  if (SameValue(updated, old)) return;
  std::string rendered = updated && !updated->is_null() ? jsonx::Render(*updated) : "null";
  if (updated && updated->is_string() && updated->get_ref<const std::string&>().empty()) {
    rendered = "\"\"";
  }
  errs.push_back(Invalid(path, rendered, std::string(kFieldImmutable)));
}

FieldError NotFoundError(const FieldPath& path, std::string value) {
  return {FieldErrorType::kNotFound, path.str(), std::move(value), ""};
}

}  // namespace skiff::api::validation
