// Reusable field-level checks that append FieldErrors, shared by the per-kind
// validators (upstream's ValidateLabels, ValidateAnnotations,
// ValidateLabelSelector, ValidateNonnegativeField, ValidateImmutableField, ...).
//
// Every function appends zero or more errors to `errs` and never throws; a JSON
// value of the wrong type is reported as an error or skipped, never accessed
// unchecked. Pure functions: thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/field_error.h"
#include "api/validation/names.h"

namespace skiff::api::validation {

using nlohmann::json;

inline constexpr size_t kTotalAnnotationSizeLimit = 256 * 1024;
inline constexpr std::string_view kFieldImmutable = "field is immutable";
inline constexpr std::string_view kNegativeError = "must be greater than or equal to 0";

// One Invalid(path, "value", message) per message.
void AppendInvalid(FieldErrors& errs, const FieldPath& path, std::string_view value,
                   const Messages& messages);

void ValidateDns1123Label(std::string_view value, const FieldPath& path, FieldErrors& errs);
void ValidateDns1123Subdomain(std::string_view value, const FieldPath& path, FieldErrors& errs);
void ValidateQualifiedName(std::string_view value, const FieldPath& path, FieldErrors& errs);

// value >= 0, else Invalid(path, value, "must be greater than or equal to 0").
void ValidateNonnegative(int64_t value, const FieldPath& path, FieldErrors& errs);
// An optional integer member: absent is fine, a non-integer is a type error.
// Returns the value when present and integral.
std::optional<int64_t> CheckInt(const json& parent, std::string_view key, const FieldPath& path,
                                FieldErrors& errs);
// An optional string member: absent is fine, a non-string is a type error.
std::optional<std::string> CheckString(const json& parent, std::string_view key,
                                       const FieldPath& path, FieldErrors& errs);

// A map of label keys to label values; errors are reported on `path` itself,
// as upstream does (metadata.labels: Invalid value: "bad key": ...).
void ValidateLabels(const json& labels, const FieldPath& path, FieldErrors& errs);
// Annotation keys are qualified names (checked lower-cased); the sum of key and
// value sizes must not exceed 256 KiB.
void ValidateAnnotations(const json& annotations, const FieldPath& path, FieldErrors& errs);
// A metav1.LabelSelector: matchLabels and matchExpressions (In, NotIn, Exists,
// DoesNotExist with the value rules of each).
void ValidateLabelSelector(const json& selector, const FieldPath& path, FieldErrors& errs);

// new == old, else Invalid(path, <new>, "field is immutable"). Absent and null
// are equal; nullptr means absent.
void ValidateImmutable(const json* updated, const json* old, const FieldPath& path,
                       FieldErrors& errs);
// Deep equality where absent == null.
bool SameValue(const json* a, const json* b);

// Not found, as upstream's field.NotFound ("Not found: \"x\"").
FieldError NotFoundError(const FieldPath& path, std::string value);
// "Invalid value: <value>: must be of type <type>" for a wrongly typed member.
FieldError WrongType(const FieldPath& path, const json& value, std::string_view type);

}  // namespace skiff::api::validation
