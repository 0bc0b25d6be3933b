// Pod: metadata (DNS-subdomain name, namespaced) and spec; on update the spec
// rules of ValidatePodSpecUpdate.
#include "api/validation/field_validators.h"
#include "api/validation/json_access.h"
#include "api/validation/kind_validators.h"
#include "api/validation/object_meta.h"
#include "api/validation/pod_spec.h"

namespace skiff::api::validation {

void ValidatePod(const json& obj, FieldErrors& errs) {
  ValidateObjectMeta(jsonx::Member(obj, "metadata"), true, NameIsDns1123Subdomain,
                     FieldPath("metadata"), errs);
  ValidatePodSpec(jsonx::Member(obj, "spec"), FieldPath("spec"), errs);
}

void ValidatePodUpdate(const json& updated, const json& old, FieldErrors& errs) {
  ValidatePodSpecUpdate(jsonx::Member(updated, "spec"), jsonx::Member(old, "spec"),
                        FieldPath("spec"), errs);
}

}  // namespace skiff::api::validation
