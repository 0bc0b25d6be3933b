#include "api/labels/label_validation.h"

#include "api/validation/names.h"

namespace skiff::api {

// The rules and messages live in api/validation/names.h (one implementation of
// Kubernetes' IsQualifiedName / IsValidLabelValue); these are its label views.
std::vector<std::string> LabelKeyProblems(std::string_view key) { return validation::IsQualifiedName(key); }

std::vector<std::string> LabelValueProblems(std::string_view value) { return validation::IsValidLabelValue(value); }

// The valid path builds no message, so these allocate nothing for valid input.
bool IsValidLabelKey(std::string_view key) { return validation::IsQualifiedName(key).empty(); }

bool IsValidLabelValue(std::string_view value) { return validation::IsValidLabelValue(value).empty(); }

Status FieldErrorsToStatus(const FieldErrors& errs) {
  std::vector<FieldCause> causes;
  std::string msg;
  for (const auto& e : errs) {
    causes.push_back({e.field, std::string(e.Reason()), e.ToString()});
    if (!msg.empty()) msg += ", ";
    msg += e.ToString();
  }
  if (errs.size() > 1) msg = "[" + msg + "]";
  return Status::Invalid(std::move(msg), std::move(causes));
}

}  // namespace skiff::api
