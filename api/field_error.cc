#include "api/field_error.h"

namespace skiff::api {

FieldPath FieldPath::Child(std::string_view name) const {
  FieldPath p;
  p.path_ = path_.empty() ? std::string(name) : path_ + "." + std::string(name);
  return p;
}

FieldPath FieldPath::Index(size_t i) const {
  FieldPath p;
  p.path_ = path_ + "[" + std::to_string(i) + "]";
  return p;
}

FieldPath FieldPath::Key(std::string_view key) const {
  FieldPath p;
  p.path_ = path_ + "[" + std::string(key) + "]";
  return p;
}

namespace {
std::string_view Phrase(FieldErrorType t) {
  switch (t) {
    case FieldErrorType::kRequired: return "Required value";
    case FieldErrorType::kInvalid: return "Invalid value";
    case FieldErrorType::kNotSupported: return "Unsupported value";
    case FieldErrorType::kDuplicate: return "Duplicate value";
    case FieldErrorType::kForbidden: return "Forbidden";
    case FieldErrorType::kTooLong: return "Too long";
    case FieldErrorType::kTooMany: return "Too many";
    case FieldErrorType::kNotFound: return "Not found";
    case FieldErrorType::kTypeInvalid: return "Invalid value";
    case FieldErrorType::kUnknownField: return "unknown field";
  }
  return "Invalid value";
}
}  // namespace

std::string_view FieldError::Reason() const {
  switch (type) {
    case FieldErrorType::kRequired: return "FieldValueRequired";
    case FieldErrorType::kInvalid: return "FieldValueInvalid";
    case FieldErrorType::kNotSupported: return "FieldValueNotSupported";
    case FieldErrorType::kDuplicate: return "FieldValueDuplicate";
    case FieldErrorType::kForbidden: return "FieldValueForbidden";
    case FieldErrorType::kTooLong: return "FieldValueTooLong";
    case FieldErrorType::kTooMany: return "FieldValueTooMany";
    case FieldErrorType::kNotFound: return "FieldValueNotFound";
    case FieldErrorType::kTypeInvalid: return "FieldValueTypeInvalid";
    case FieldErrorType::kUnknownField: return "FieldValueInvalid";
  }
  return "FieldValueInvalid";
}

std::string FieldError::ToString() const {
  if (type == FieldErrorType::kUnknownField) return "unknown field \"" + field + "\"";
  std::string s = field.empty() ? std::string() : field + ": ";
  s += Phrase(type);
  if (!value.empty()) s += ": " + value;
  if (!detail.empty()) s += ": " + detail;
  return s;
}

FieldError Required(const FieldPath& p, std::string detail) {
  return {FieldErrorType::kRequired, p.str(), "", std::move(detail)};
}
FieldError Invalid(const FieldPath& p, std::string value, std::string detail) {
  return {FieldErrorType::kInvalid, p.str(), std::move(value), std::move(detail)};
}
FieldError NotSupported(const FieldPath& p, std::string value, const std::vector<std::string>& valid) {
  std::string detail;
  if (!valid.empty()) {
    detail = "supported values: ";
    for (size_t i = 0; i < valid.size(); ++i) {
      if (i) detail += ", ";
      detail += QuoteValue(valid[i]);
    }
  }
  return {FieldErrorType::kNotSupported, p.str(), std::move(value), std::move(detail)};
}
FieldError Duplicate(const FieldPath& p, std::string value) {
  return {FieldErrorType::kDuplicate, p.str(), std::move(value), ""};
}
FieldError Forbidden(const FieldPath& p, std::string detail) {
  return {FieldErrorType::kForbidden, p.str(), "", std::move(detail)};
}
FieldError TooLong(const FieldPath& p, size_t max_length) {
  return {FieldErrorType::kTooLong, p.str(), "", "may not be more than " + std::to_string(max_length) + " bytes"};
}
FieldError TypeInvalid(const FieldPath& p, std::string value, std::string detail) {
  return {FieldErrorType::kTypeInvalid, p.str(), std::move(value), std::move(detail)};
}
FieldError UnknownField(const FieldPath& p) { return {FieldErrorType::kUnknownField, p.str(), "", ""}; }

std::string QuoteValue(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  out += '"';
  return out;
}

Status ToInvalidStatus(std::string_view kind, std::string_view name, const FieldErrors& errs) {
  std::vector<FieldCause> causes;
  std::string joined;
  for (size_t i = 0; i < errs.size(); ++i) {
    causes.push_back({errs[i].field, std::string(errs[i].Reason()), errs[i].ToString()});
    if (i) joined += ", ";
    joined += errs[i].ToString();
  }
  std::string msg = std::string(kind) + " \"" + std::string(name) + "\" is invalid: ";
  msg += errs.size() == 1 ? joined : "[" + joined + "]";
  return Status::Invalid(std::move(msg), std::move(causes));
}

}  // namespace skiff::api
