// apps/v1 Deployment and ReplicaSet defaults (upstream's SetDefaults_Deployment,
// SetDefaults_ReplicaSet), with the pod template defaulted like a PodSpec.
#include <string>

#include "api/defaults/kind_defaults.h"
#include "api/validation/json_access.h"

namespace skiff::api::defaults {
namespace {

constexpr int kDefaultRevisionHistoryLimit = 10;
constexpr int kDefaultProgressDeadlineSeconds = 600;

// spec as a mutable object (created when absent); nullptr for a non-object spec.
json* MutableSpec(json& obj) { return jsonx::MutableObject(obj, "spec"); }

void DefaultTemplate(json& spec) {
  if (jsonx::GetObject(spec, "template")) DefaultPodTemplate(spec["template"]);
}

}  // namespace

void DefaultDeployment(json& deployment) {
  json* spec = MutableSpec(deployment);
  if (!spec) return;
  jsonx::SetDefault(*spec, "replicas", 1);
  json* strategy = jsonx::MutableObject(*spec, "strategy");
  if (strategy) {
    jsonx::SetDefaultString(*strategy, "type", "RollingUpdate");
    if (jsonx::GetString(*strategy, "type") == "RollingUpdate") {
      if (json* rolling = jsonx::MutableObject(*strategy, "rollingUpdate")) {
        jsonx::SetDefault(*rolling, "maxUnavailable", "25%");
        jsonx::SetDefault(*rolling, "maxSurge", "25%");
      }
    }
  }
  jsonx::SetDefault(*spec, "revisionHistoryLimit", kDefaultRevisionHistoryLimit);
  jsonx::SetDefault(*spec, "progressDeadlineSeconds", kDefaultProgressDeadlineSeconds);
  DefaultTemplate(*spec);
}

void DefaultReplicaSet(json& replica_set) {
  json* spec = MutableSpec(replica_set);
  if (!spec) return;
  jsonx::SetDefault(*spec, "replicas", 1);
  DefaultTemplate(*spec);
}

}  // namespace skiff::api::defaults
