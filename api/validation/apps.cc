// apps/v1 Deployment and ReplicaSet: selector vs template labels, replicas,
// strategy, history and deadlines; the template validated as a PodSpec under
// spec.template.spec. On update spec.selector is immutable.
#include <string>

#include "api/labels/label_selector.h"
#include "api/validation/field_validators.h"
#include "api/validation/json_access.h"
#include "api/validation/kind_validators.h"
#include "api/validation/object_meta.h"
#include "api/validation/pod_spec.h"

namespace skiff::api::validation {
namespace {

// Percent value of "25%", or nullopt when not a valid percent string.
std::optional<int64_t> PercentValue(const json& v) {
  if (!v.is_string()) return std::nullopt;
  const auto& s = v.get_ref<const std::string&>();
  if (!IsValidPercent(s).empty() || s.size() > 10) return std::nullopt;
  return std::stoll(s.substr(0, s.size() - 1));
}

// Upstream's getIntOrPercentValue: the percent, the int, or 0.
int64_t IntOrPercentValue(const json& v) {
  if (auto p = PercentValue(v)) return *p;
  return jsonx::AsInt(v).value_or(0);
}

void ValidatePositiveIntOrPercent(const json& v, const FieldPath& path, FieldErrors& errs) {
  if (v.is_string()) {
    AppendInvalid(errs, path, v.get_ref<const std::string&>(),
                  IsValidPercent(v.get_ref<const std::string&>()));
  } else if (auto i = jsonx::AsInt(v)) {
    ValidateNonnegative(*i, path, errs);
  } else {
    errs.push_back(WrongType(path, v, "integer or string"));
  }
}

void ValidateStrategy(const json& strategy, const FieldPath& path, FieldErrors& errs) {
  if (!strategy.is_object()) {
    if (!strategy.is_null()) errs.push_back(WrongType(path, strategy, "object"));
    return;
  }
  auto type = jsonx::GetOptString(strategy, "type");
  if (!type) return;  // not defaulted yet
  const json* rolling = jsonx::Get(strategy, "rollingUpdate");
  if (*type == "Recreate") {
    if (rolling) {
      errs.push_back(Forbidden(path.Child("rollingUpdate"),
                               "may not be specified when strategy `type` is 'Recreate'"));
    }
  } else if (*type == "RollingUpdate") {
    if (!rolling) {
      errs.push_back(
          Required(path.Child("rollingUpdate"), "this should be defaulted and never be nil"));
      return;
    }
    FieldPath rp = path.Child("rollingUpdate");
    const json* unavailable = jsonx::Get(*rolling, "maxUnavailable");
    const json* surge = jsonx::Get(*rolling, "maxSurge");
    if (unavailable) ValidatePositiveIntOrPercent(*unavailable, rp.Child("maxUnavailable"), errs);
    if (surge) ValidatePositiveIntOrPercent(*surge, rp.Child("maxSurge"), errs);
    if (unavailable && surge && IntOrPercentValue(*unavailable) == 0 &&
        IntOrPercentValue(*surge) == 0) {
      errs.push_back(Invalid(rp.Child("maxUnavailable"), jsonx::Render(*unavailable),
                             "may not be 0 when `maxSurge` is 0"));
    }
    if (unavailable) {
      if (auto pct = PercentValue(*unavailable); pct && *pct > 100) {
        errs.push_back(Invalid(rp.Child("maxUnavailable"), jsonx::Render(*unavailable),
                               "must not be greater than 100%"));
      }
    }
  } else {
    errs.push_back(NotSupported(path, QuoteValue(*type), {"Recreate", "RollingUpdate"}));
  }
}

// The parts shared by Deployment and ReplicaSet (upstream's
// ValidatePodTemplateSpecForReplicaSet and the selector checks).
void ValidateSelectorAndTemplate(const json& spec, const FieldPath& path, FieldErrors& errs) {
  const json* selector = jsonx::Get(spec, "selector");
  FieldPath sel_path = path.Child("selector");
  if (!selector) {
    errs.push_back(Required(sel_path, ""));
  } else {
    ValidateLabelSelector(*selector, sel_path, errs);
    if (jsonx::ArraySize(*selector, "matchExpressions") == 0 &&
        (!jsonx::GetObject(*selector, "matchLabels") ||
         jsonx::GetObject(*selector, "matchLabels")->empty())) {
      errs.push_back(
          Invalid(sel_path, jsonx::Render(*selector), "empty selector is invalid for deployment"));
    }
  }
  const json& tmpl = jsonx::Member(spec, "template");
  FieldPath tmpl_path = path.Child("template");
  if (tmpl.is_null()) {
    errs.push_back(Required(tmpl_path, ""));
    return;
  }
  if (selector) {
    auto parsed = LabelSelectorFromJson(*selector);
    if (parsed.ok() && !parsed->Empty()) {
      const json& labels = jsonx::Member(jsonx::Member(tmpl, "metadata"), "labels");
      if (!parsed->Matches(JsonLabels(labels))) {
        std::string rendered =
            labels.is_object() ? jsonx::Render(labels) : "map[string]string(nil)";
        errs.push_back(Invalid(tmpl_path.Child("metadata").Child("labels"), rendered,
                               "`selector` does not match template `labels`"));
      }
    }
  }
  ValidatePodTemplateSpec(tmpl, tmpl_path, errs);
  const json& pod_spec = jsonx::Member(tmpl, "spec");
  if (auto policy = jsonx::GetOptString(pod_spec, "restartPolicy"); policy && *policy != "Always") {
    errs.push_back(NotSupported(tmpl_path.Child("spec").Child("restartPolicy"), QuoteValue(*policy),
                                {"Always"}));
  }
  if (jsonx::Has(pod_spec, "activeDeadlineSeconds")) {
    errs.push_back(Forbidden(tmpl_path.Child("spec").Child("activeDeadlineSeconds"),
                             "activeDeadlineSeconds in ReplicaSet is not Supported"));
  }
}

void ValidateAppsCommon(const json& obj, bool deployment, FieldErrors& errs) {
  ValidateObjectMeta(jsonx::Member(obj, "metadata"), true, NameIsDns1123Subdomain,
                     FieldPath("metadata"), errs);
  const json& spec = jsonx::Member(obj, "spec");
  FieldPath path("spec");
  if (!spec.is_object()) {
    errs.push_back(spec.is_null() ? Required(path, "") : WrongType(path, spec, "object"));
    return;
  }
  if (auto replicas = CheckInt(spec, "replicas", path.Child("replicas"), errs)) {
    ValidateNonnegative(*replicas, path.Child("replicas"), errs);
  }
  if (!deployment) {
    if (auto min_ready = CheckInt(spec, "minReadySeconds", path.Child("minReadySeconds"), errs)) {
      ValidateNonnegative(*min_ready, path.Child("minReadySeconds"), errs);
    }
  }
  ValidateSelectorAndTemplate(spec, path, errs);
  if (!deployment) return;
  ValidateStrategy(jsonx::Member(spec, "strategy"), path.Child("strategy"), errs);
  auto min_ready = CheckInt(spec, "minReadySeconds", path.Child("minReadySeconds"), errs);
  if (min_ready) ValidateNonnegative(*min_ready, path.Child("minReadySeconds"), errs);
  if (auto limit =
          CheckInt(spec, "revisionHistoryLimit", path.Child("revisionHistoryLimit"), errs)) {
    ValidateNonnegative(*limit, path.Child("revisionHistoryLimit"), errs);
  }
  if (auto deadline =
          CheckInt(spec, "progressDeadlineSeconds", path.Child("progressDeadlineSeconds"), errs)) {
    ValidateNonnegative(*deadline, path.Child("progressDeadlineSeconds"), errs);
    if (*deadline <= min_ready.value_or(0)) {
      errs.push_back(Invalid(path.Child("progressDeadlineSeconds"), std::to_string(*deadline),
                             "must be greater than minReadySeconds"));
    }
  }
}

}  // namespace

void ValidateDeployment(const json& obj, FieldErrors& errs) { ValidateAppsCommon(obj, true, errs); }

void ValidateReplicaSet(const json& obj, FieldErrors& errs) {
  ValidateAppsCommon(obj, false, errs);
}

void ValidateAppsSelectorUpdate(const json& updated, const json& old, FieldErrors& errs) {
  ValidateImmutable(jsonx::Get(jsonx::Member(updated, "spec"), "selector"),
                    jsonx::Get(jsonx::Member(old, "spec"), "selector"),
                    FieldPath("spec").Child("selector"), errs);
}

}  // namespace skiff::api::validation
