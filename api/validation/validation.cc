#include "api/validation/validation.h"

#include "api/validation/field_validators.h"
#include "api/validation/json_access.h"
#include "api/validation/kind_validators.h"
#include "api/validation/object_meta.h"

namespace skiff::api {

FieldErrors Validate(const KindInfo& kind, const nlohmann::json& object) {
  using namespace validation;
  FieldErrors errs;
  if (!object.is_object()) {
    errs.push_back(WrongType(FieldPath(), object, "object"));
    return errs;
  }
  const std::string& k = kind.kind;
  if (k == "Pod") {
    ValidatePod(object, errs);
  } else if (k == "Service") {
    ValidateService(object, errs);
  } else if (k == "Deployment") {
    ValidateDeployment(object, errs);
  } else if (k == "ReplicaSet") {
    ValidateReplicaSet(object, errs);
  } else if (k == "ConfigMap") {
    ValidateConfigMap(object, errs);
  } else if (k == "Secret") {
    ValidateSecret(object, errs);
  } else if (k == "Namespace") {
    ValidateNamespace(object, errs);
  } else if (k == "Node") {
    ValidateNode(object, errs);
  } else if (k == "Endpoints") {
    ValidateEndpoints(object, errs);
  } else if (k == "Event") {
    ValidateEvent(object, errs);
  } else if (k == "ServiceAccount") {
    ValidateServiceAccount(object, errs);
  } else if (k == "Lease") {
    ValidateLease(object, errs);
  } else {
    // A kind without its own rules still gets the metadata rules.
    const json* meta = jsonx::Get(object, "metadata");
    ValidateObjectMeta(meta ? *meta : json(), kind.namespaced, NameIsDns1123Subdomain,
                       FieldPath("metadata"), errs);
  }
  return errs;
}

FieldErrors ValidateUpdate(const KindInfo& kind, const nlohmann::json& updated,
                           const nlohmann::json& old) {
  using namespace validation;
  FieldErrors errs = Validate(kind, updated);
  if (!updated.is_object() || !old.is_object()) return errs;
  const json* new_meta = jsonx::Get(updated, "metadata");
  const json* old_meta = jsonx::Get(old, "metadata");
  ValidateObjectMetaUpdate(new_meta ? *new_meta : json(), old_meta ? *old_meta : json(),
                           FieldPath("metadata"), errs);
  const std::string& k = kind.kind;
  if (k == "Pod") {
    ValidatePodUpdate(updated, old, errs);
  } else if (k == "Service") {
    ValidateServiceUpdate(updated, old, errs);
  } else if (k == "Deployment" || k == "ReplicaSet") {
    ValidateAppsSelectorUpdate(updated, old, errs);
  } else if (k == "ConfigMap") {
    ValidateConfigMapUpdate(updated, old, errs);
  } else if (k == "Secret") {
    ValidateSecretUpdate(updated, old, errs);
  }
  return errs;
}

}  // namespace skiff::api
