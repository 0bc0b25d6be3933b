// Field paths and field errors, as Kubernetes' field.Path and field.Error.
//
// Validation and decoding report every problem they find, each with the path of
// the field ("spec.containers[0].ports[1].containerPort") and a type that maps to
// a metav1.StatusCause reason. ToInvalidStatus folds a list into one Invalid
// Status whose message reads like the API server's:
//   Pod "web" is invalid: spec.containers[0].name: Required value
// Values are plain data; no I/O, no exceptions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace skiff::api {

// An immutable path to a field. Child("a").Index(2).Key("x") renders a[2][x].
class FieldPath {
 public:
  FieldPath() = default;
  explicit FieldPath(std::string_view root) : path_(root) {}

  FieldPath Child(std::string_view name) const;
  FieldPath Index(size_t i) const;
  FieldPath Key(std::string_view key) const;
  const std::string& str() const { return path_; }
  bool empty() const { return path_.empty(); }

 private:
  std::string path_;
};

enum class FieldErrorType {
  kRequired,      // "Required value"
  kInvalid,       // "Invalid value"
  kNotSupported,  // "Unsupported value"
  kDuplicate,     // "Duplicate value"
  kForbidden,     // "Forbidden"
  kTooLong,       // "Too long"
  kTooMany,       // "Too many"
  kNotFound,      // "Not found"
  kTypeInvalid,   // "Invalid value" with a type mismatch
  kUnknownField,  // strict decoding: field not declared in the schema
};

struct FieldError {
  FieldErrorType type;
  std::string field;   // rendered path
  std::string value;   // the offending value, already rendered (quoted for strings); may be empty
  std::string detail;  // why, may be empty

  // "spec.replicas: Invalid value: -1: must be greater than or equal to 0"
  std::string ToString() const;
  // The metav1.StatusCause reason ("FieldValueRequired", ...).
  std::string_view Reason() const;
};

using FieldErrors = std::vector<FieldError>;

FieldError Required(const FieldPath& p, std::string detail = "");
FieldError Invalid(const FieldPath& p, std::string value, std::string detail);
FieldError NotSupported(const FieldPath& p, std::string value, const std::vector<std::string>& valid);
FieldError Duplicate(const FieldPath& p, std::string value);
FieldError Forbidden(const FieldPath& p, std::string detail);
FieldError TooLong(const FieldPath& p, size_t max_length);
FieldError TypeInvalid(const FieldPath& p, std::string value, std::string detail);
FieldError UnknownField(const FieldPath& p);

// Quotes a string value the way Kubernetes messages do: "abc" with escapes.
std::string QuoteValue(std::string_view s);

// One Invalid Status for kind/name with all errors as causes. errs must not be empty.
// Message: `<Kind> "<name>" is invalid: <err1>, <err2>` (a list in brackets if several).
Status ToInvalidStatus(std::string_view kind, std::string_view name, const FieldErrors& errs);

}  // namespace skiff::api
