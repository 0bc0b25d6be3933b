// Syntax validators for names, keys and identifiers, as Kubernetes 1.32's
// k8s.io/apimachinery/pkg/util/validation.
//
// Each function returns every message upstream returns for the value, in the
// same order and wording (kubectl users read them), or an empty list when the
// value is valid. Callers wrap each message in a FieldError with their path:
//   for (auto& m : IsDns1123Label(name)) errs.push_back(Invalid(path, QuoteValue(name), m));
// Pure functions: thread-safe, no exceptions.
//
// These live in skiff::api::validation (not skiff::api) because api/labels has
// boolean predicates of the same names for its hot paths.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace skiff::api::validation {

using Messages = std::vector<std::string>;

inline constexpr size_t kDns1123LabelMaxLength = 63;
inline constexpr size_t kDns1123SubdomainMaxLength = 253;
inline constexpr size_t kDns1035LabelMaxLength = 63;
inline constexpr size_t kQualifiedNameMaxLength = 63;
inline constexpr size_t kLabelValueMaxLength = 63;

// "must be no more than N characters"
std::string MaxLenError(size_t length);
// "must be non-empty"
std::string EmptyError();
// "<msg> (e.g. 'a',  or 'b', regex used for validation is '<fmt>')", upstream's
// exact shape (including its double space).
std::string RegexError(std::string_view msg, std::string_view fmt,
                       const std::vector<std::string_view>& examples);
// "must be between lo and hi, inclusive"
std::string InclusiveRangeError(int64_t lo, int64_t hi);

// [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63 characters. A valid subdomain that
// is not a label gets "must not contain dots".
Messages IsDns1123Label(std::string_view value);
// Dot-separated DNS-1123 labels, at most 253 characters.
Messages IsDns1123Subdomain(std::string_view value);
// [a-z]([-a-z0-9]*[a-z0-9])?, at most 63 characters (Service names).
Messages IsDns1035Label(std::string_view value);
// A label or annotation key: optional DNS-1123 subdomain prefix and '/', then a
// name of at most 63 characters of [-A-Za-z0-9_.] starting and ending alphanumeric.
Messages IsQualifiedName(std::string_view value);
// Empty, or a qualified name part of at most 63 characters.
Messages IsValidLabelValue(std::string_view value);
// [A-Za-z_][A-Za-z0-9_]* (strict C identifier).
Messages IsCIdentifier(std::string_view value);
// Environment variable names as Kubernetes 1.32 checks them
// (RelaxedEnvironmentVariableValidation, on by default): non-empty, printable
// ASCII other than '='.
Messages IsEnvVarName(std::string_view value);
// ConfigMap and Secret data keys: [-._a-zA-Z0-9]+, at most 253, not '.', '..' or '..'-prefixed.
Messages IsConfigMapKey(std::string_view value);
// [0-9]+%
Messages IsValidPercent(std::string_view value);

// Name validators for ObjectMeta: `prefix` is true when validating a
// generateName, whose trailing '-' is then tolerated (upstream's maskTrailingDash).
Messages NameIsDns1123Subdomain(std::string_view name, bool prefix);
Messages NameIsDns1123Label(std::string_view name, bool prefix);
Messages NameIsDns1035Label(std::string_view name, bool prefix);

}  // namespace skiff::api::validation
