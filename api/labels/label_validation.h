// Syntax checks for label keys (qualified names) and label values: views of
// api/validation/names.h, which holds the one implementation.
//
// These are the rules of Kubernetes' IsQualifiedName / IsValidLabelValue, with
// the wording of Kubernetes 1.32 (the version skiff speaks; newer releases say
// "bytes" for "characters"), so a message we return reads like the API server's:
//   name part must consist of alphanumeric characters, '-', '_' or '.', and must
//   start and end with an alphanumeric character (e.g. 'MyName',  or ...)
// Each function returns every problem found (empty when the input is valid);
// callers turn them into FieldErrors or parse errors. Pure functions: thread-safe,
// no allocation on the valid path, no exceptions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/field_error.h"
#include "base/status.h"

namespace skiff::api {

// A label key: an optional DNS-1123 subdomain prefix and '/', then a name of at
// most 63 characters of [-A-Za-z0-9_.] starting and ending alphanumeric.
std::vector<std::string> LabelKeyProblems(std::string_view key);

// A label value: empty, or at most 63 characters of [-A-Za-z0-9_.] starting and
// ending alphanumeric.
std::vector<std::string> LabelValueProblems(std::string_view value);

// Fast predicates for the hot paths (no messages built).
bool IsValidLabelKey(std::string_view key);
bool IsValidLabelValue(std::string_view value);

// One Invalid Status carrying every error as a cause; the message is the single
// error's text, or "[e1, e2]" when there are several (Go's aggregate error).
// errs must not be empty.
Status FieldErrorsToStatus(const FieldErrors& errs);

}  // namespace skiff::api
