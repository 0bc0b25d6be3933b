// PodSpec-level rules, pod templates, and the pod update rules.
#include "api/validation/pod_spec.h"

#include <algorithm>
#include <string>

#include "api/validation/field_validators.h"
#include "api/validation/json_access.h"
#include "api/validation/object_meta.h"

namespace skiff::api::validation {
namespace {

constexpr int64_t kMaxInt32 = 2147483647;

void ValidateDnsPolicy(const json& spec, const FieldPath& path, FieldErrors& errs) {
  auto policy = CheckString(spec, "dnsPolicy", path.Child("dnsPolicy"), errs);
  if (!policy) return;
  static const std::vector<std::string> kPolicies = {"ClusterFirst", "ClusterFirstWithHostNet",
                                                     "Default", "None"};
  if (policy->empty()) {
    errs.push_back(Required(path.Child("dnsPolicy"), ""));
  } else if (std::find(kPolicies.begin(), kPolicies.end(), *policy) == kPolicies.end()) {
    errs.push_back(NotSupported(path.Child("dnsPolicy"), QuoteValue(*policy), kPolicies));
  } else if (*policy == "None") {
    const json* config = jsonx::GetObject(spec, "dnsConfig");
    if (!config) {
      errs.push_back(
          Required(path.Child("dnsConfig"), "must provide `dnsConfig` when `dnsPolicy` is None"));
    } else if (jsonx::ArraySize(*config, "nameservers") == 0) {
      errs.push_back(Required(path.Child("dnsConfig").Child("nameservers"),
                              "must provide at least one DNS nameserver when `dnsPolicy` is None"));
    }
  }
}

}  // namespace

void ValidateTolerations(const json& tolerations, const FieldPath& path, FieldErrors& errs) {
  if (!tolerations.is_array()) {
    errs.push_back(WrongType(path, tolerations, "array"));
    return;
  }
  for (size_t i = 0; i < tolerations.size(); ++i) {
    const json& t = tolerations[i];
    FieldPath p = path.Index(i);
    std::string key = jsonx::GetString(t, "key");
    if (!key.empty()) ValidateQualifiedName(key, p.Child("key"), errs);
    std::string op = jsonx::GetString(t, "operator");
    if (key.empty() && op != "Exists") {
      errs.push_back(Invalid(p.Child("operator"), QuoteValue(op),
                             "operator must be Exists when `key` is empty, which means \"match all "
                             "values and all keys\""));
    }
    std::string effect = jsonx::GetString(t, "effect");
    if (jsonx::Has(t, "tolerationSeconds") && effect != "NoExecute") {
      errs.push_back(Invalid(p.Child("effect"), QuoteValue(effect),
                             "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    std::string value = jsonx::GetString(t, "value");
    if (op.empty() || op == "Equal") {
      AppendInvalid(errs, p.Child("operator"), value, IsValidLabelValue(value));
    } else if (op == "Exists") {
      if (!value.empty()) {
        errs.push_back(Invalid(p.Child("operator"), QuoteValue(value),
                               "value must be empty when `operator` is 'Exists'"));
      }
    } else {
      errs.push_back(NotSupported(p.Child("operator"), QuoteValue(op), {"Equal", "Exists"}));
    }
    if (!effect.empty() && effect != "NoSchedule" && effect != "PreferNoSchedule" &&
        effect != "NoExecute") {
      errs.push_back(NotSupported(p.Child("effect"), QuoteValue(effect),
                                  {"NoExecute", "NoSchedule", "PreferNoSchedule"}));
    }
  }
}

void ValidatePodSpec(const json& spec, const FieldPath& path, FieldErrors& errs) {
  if (!spec.is_object()) {
    if (spec.is_null()) {
      errs.push_back(Required(path.Child("containers"), ""));
    } else {
      errs.push_back(WrongType(path, spec, "object"));
    }
    return;
  }
  std::set<std::string> volumes;
  if (const json* v = jsonx::Get(spec, "volumes")) {
    volumes = ValidateVolumes(*v, path.Child("volumes"), errs);
  }
  bool host_network = jsonx::GetBool(spec, "hostNetwork").value_or(false);
  std::set<std::string> container_names;
  const json* containers = jsonx::Get(spec, "containers");
  if (!containers || (containers->is_array() && containers->empty())) {
    errs.push_back(Required(path.Child("containers"), ""));
  } else {
    ValidateContainers(*containers, path.Child("containers"), volumes, false, host_network,
                       container_names, errs);
  }
  if (const json* init = jsonx::Get(spec, "initContainers")) {
    ValidateContainers(*init, path.Child("initContainers"), volumes, true, host_network,
                       container_names, errs);
  }
  if (auto policy = CheckString(spec, "restartPolicy", path.Child("restartPolicy"), errs)) {
    if (policy->empty()) {
      errs.push_back(Required(path.Child("restartPolicy"), ""));
    } else if (*policy != "Always" && *policy != "OnFailure" && *policy != "Never") {
      errs.push_back(NotSupported(path.Child("restartPolicy"), QuoteValue(*policy),
                                  {"Always", "OnFailure", "Never"}));
    }
  }
  ValidateDnsPolicy(spec, path, errs);
  if (const json* selector = jsonx::Get(spec, "nodeSelector")) {
    ValidateLabels(*selector, path.Child("nodeSelector"), errs);
  }
  if (auto sa = CheckString(spec, "serviceAccountName", path.Child("serviceAccountName"), errs);
      sa && !sa->empty()) {
    ValidateDns1123Subdomain(*sa, path.Child("serviceAccountName"), errs);
  }
  if (auto node = CheckString(spec, "nodeName", path.Child("nodeName"), errs);
      node && !node->empty()) {
    ValidateDns1123Subdomain(*node, path.Child("nodeName"), errs);
  }
  for (const char* field : {"hostname", "subdomain"}) {
    if (auto v = CheckString(spec, field, path.Child(field), errs); v && !v->empty()) {
      ValidateDns1123Label(*v, path.Child(field), errs);
    }
  }
  if (auto ads =
          CheckInt(spec, "activeDeadlineSeconds", path.Child("activeDeadlineSeconds"), errs)) {
    if (*ads < 1 || *ads > kMaxInt32) {
      errs.push_back(Invalid(path.Child("activeDeadlineSeconds"), std::to_string(*ads),
                             InclusiveRangeError(1, kMaxInt32)));
    }
  }
  if (auto grace = CheckInt(spec, "terminationGracePeriodSeconds",
                            path.Child("terminationGracePeriodSeconds"), errs)) {
    ValidateNonnegative(*grace, path.Child("terminationGracePeriodSeconds"), errs);
  }
  if (const json* tolerations = jsonx::Get(spec, "tolerations")) {
    ValidateTolerations(*tolerations, path.Child("tolerations"), errs);
  }
  if (const json* secrets = jsonx::GetArray(spec, "imagePullSecrets")) {
    for (size_t i = 0; i < secrets->size(); ++i) {
      if (jsonx::GetString((*secrets)[i], "name").empty()) {
        errs.push_back(Required(path.Child("imagePullSecrets").Index(i).Child("name"), ""));
      }
    }
  }
}

void ValidatePodTemplateSpec(const json& tmpl, const FieldPath& path, FieldErrors& errs) {
  if (!tmpl.is_object()) {
    if (tmpl.is_null()) {
      errs.push_back(Required(path, ""));
    } else {
      errs.push_back(WrongType(path, tmpl, "object"));
    }
    return;
  }
  if (const json* meta = jsonx::Get(tmpl, "metadata")) {
    ValidateTemplateObjectMeta(*meta, path.Child("metadata"), errs);
  }
  const json* spec = jsonx::Get(tmpl, "spec");
  ValidatePodSpec(spec ? *spec : json(), path.Child("spec"), errs);
  if (spec && jsonx::Has(*spec, "ephemeralContainers")) {
    errs.push_back(Forbidden(path.Child("spec").Child("ephemeralContainers"),
                             "ephemeral containers not allowed in pod template"));
  }
}

namespace {

// Whether the toleration `t` is in `list`, ignoring tolerationSeconds (which an
// update may change).
bool HasToleration(const json& list, const json& t) {
  auto strip = [](json v) {
    if (v.is_object()) v.erase("tolerationSeconds");
    return v;
  };
  json want = strip(t);
  for (const json& u : list) {
    if (strip(u) == want) return true;
  }
  return false;
}

// Copies each container's image from `from` into `into` when the lists have the
// same length, so images drop out of the comparison.
void MungeImages(json& into, const json& from, const char* field) {
  json* dst = into.contains(field) ? &into[field] : nullptr;
  const json* src = jsonx::GetArray(from, field);
  if (!dst || !dst->is_array() || !src || dst->size() != src->size()) return;
  for (size_t i = 0; i < dst->size(); ++i) {
    json& c = (*dst)[i];
    if (!c.is_object()) continue;
    if (const json* image = jsonx::Get((*src)[i], "image")) {
      c["image"] = *image;
    } else {
      c.erase("image");
    }
  }
}

void SetOrErase(json& obj, const char* key, const json* value) {
  if (value) {
    obj[key] = *value;
  } else {
    obj.erase(key);
  }
}

}  // namespace

void ValidatePodSpecUpdate(const json& updated, const json& old, const FieldPath& path,
                           FieldErrors& errs) {
  if (!updated.is_object() || !old.is_object()) {
    if (updated != old) errs.push_back(Forbidden(path, std::string(kPodUpdateForbidden)));
    return;
  }
  // Images may change but not be cleared.
  for (const char* field : {"containers", "initContainers"}) {
    const json* list = jsonx::GetArray(updated, field);
    if (!list) continue;
    for (size_t i = 0; i < list->size(); ++i) {
      if (jsonx::GetString((*list)[i], "image").empty()) {
        FieldPath p = path.Child(field).Index(i).Child("image");
        bool reported = std::any_of(errs.begin(), errs.end(),
                                    [&](const FieldError& e) { return e.field == p.str(); });
        if (!reported) errs.push_back(Required(p, ""));
      }
    }
  }
  // activeDeadlineSeconds may be set or lowered, never raised or removed.
  auto new_ads = jsonx::GetInt(updated, "activeDeadlineSeconds");
  auto old_ads = jsonx::GetInt(old, "activeDeadlineSeconds");
  if (old_ads && !new_ads) {
    errs.push_back(Invalid(path.Child("activeDeadlineSeconds"), "null",
                           "must not update from a positive integer to nil value"));
  } else if (old_ads && new_ads && *new_ads > *old_ads) {
    errs.push_back(Invalid(path.Child("activeDeadlineSeconds"), std::to_string(*new_ads),
                           "must be less than or equal to previous value"));
  }
  // Tolerations may only be added (tolerationSeconds of existing ones may change).
  const json* new_tol = jsonx::GetArray(updated, "tolerations");
  const json* old_tol = jsonx::GetArray(old, "tolerations");
  if (old_tol) {
    for (const json& t : *old_tol) {
      if (!new_tol || !HasToleration(*new_tol, t)) {
        errs.push_back(Forbidden(path.Child("tolerations"),
                                 "existing toleration can not be modified except its "
                                 "tolerationSeconds"));
        break;
      }
    }
  }
  json munged = updated;
  MungeImages(munged, old, "containers");
  MungeImages(munged, old, "initContainers");
  SetOrErase(munged, "activeDeadlineSeconds", jsonx::Get(old, "activeDeadlineSeconds"));
  SetOrErase(munged, "tolerations", jsonx::Get(old, "tolerations"));
  auto new_grace = jsonx::GetInt(updated, "terminationGracePeriodSeconds");
  auto old_grace = jsonx::GetInt(old, "terminationGracePeriodSeconds");
  if (old_grace && new_grace && *old_grace < 0 && *new_grace == 1) {
    munged["terminationGracePeriodSeconds"] = *old_grace;
  }
  // Compare with absent == null at the top level.
  json a = munged, b = old;
  for (json* o : {&a, &b}) {
    for (auto it = o->begin(); it != o->end();) {
      it = it->is_null() ? o->erase(it) : std::next(it);
    }
  }
  if (a != b) errs.push_back(Forbidden(path, std::string(kPodUpdateForbidden)));
}

}  // namespace skiff::api::validation
