// Protobuf field tables, apps/v1: Deployment.
//
// Field numbers from k8s.io/api apps/v1 generated.proto (release 1.32); JSON names,
// pointer-ness and omitempty from the Go types of the same release.
#include "api/protobuf/message_table.h"

namespace skiff::api::protobuf_internal {

const std::vector<MessageSpec>& AppsMessages() {
  using enum FieldKind;
  static const std::vector<MessageSpec> kMessages = {
      {"Deployment",
       {
           {1, "metadata", kMessage, "ObjectMeta"},
           {2, "spec", kMessage, "DeploymentSpec"},
           {3, "status", kMessage, "DeploymentStatus"},
       }},
      {"DeploymentSpec",
       {
           {1, "replicas", kInt32, {}, kPointer},
           {2, "selector", kMessage, "LabelSelector", kPointer},
           {3, "template", kMessage, "PodTemplateSpec"},
           {4, "strategy", kMessage, "DeploymentStrategy"},
           {5, "minReadySeconds", kInt32},
           {6, "revisionHistoryLimit", kInt32, {}, kPointer},
           {7, "paused", kBool},
           {9, "progressDeadlineSeconds", kInt32, {}, kPointer},
       }},
      {"DeploymentStatus",
       {
           {1, "observedGeneration", kInt64},
           {2, "replicas", kInt32},
           {3, "updatedReplicas", kInt32},
           {7, "readyReplicas", kInt32},
           {4, "availableReplicas", kInt32},
           {5, "unavailableReplicas", kInt32},
           {6, "conditions", kMessage, "DeploymentCondition", kRepeated},
           {8, "collisionCount", kInt32, {}, kPointer},
       }},
      {"DeploymentStrategy",
       {
           {1, "type", kString},
           {2, "rollingUpdate", kMessage, "RollingUpdateDeployment", kPointer},
       }},
      {"DeploymentCondition",
       {
           {1, "type", kString, {}, kAlways},
           {2, "status", kString, {}, kAlways},
           {6, "lastUpdateTime", kTime},
           {7, "lastTransitionTime", kTime},
           {4, "reason", kString},
           {5, "message", kString},
       }},
      {"RollingUpdateDeployment",
       {
           {1, "maxUnavailable", kIntOrString, {}, kPointer},
           {2, "maxSurge", kIntOrString, {}, kPointer},
       }},
  };
  return kMessages;
}

}  // namespace skiff::api::protobuf_internal
