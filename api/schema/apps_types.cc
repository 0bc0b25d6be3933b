// apps/v1 Deployment and ReplicaSet.
#include "api/schema/builder.h"

namespace skiff::api::schema_internal {

void DefineAppsTypes(SchemaBuilder& b) {
  b.Package("io.k8s.api.apps.v1");

  b.Type("Deployment", "Declarative updates of a set of identical pods through ReplicaSets.",
         kActed)
      .TopLevel()
      .F("spec", "DeploymentSpec", "Desired state of the deployment.")
      .F("status", "DeploymentStatus", "Most recently observed state of the deployment.");

  b.Type("DeploymentSpec", "Desired state of a deployment.", kActed)
      .F("replicas", "int32", "Number of pods wanted; 1 by default.")
      .F("selector", "LabelSelector", "Label query over the pods the deployment manages.")
      .F("template", "PodTemplateSpec", "Pods to create; its labels must match the selector.")
      .F("strategy", "DeploymentStrategy", "How old pods are replaced by new ones.")
      .F("minReadySeconds", "int32",
         "Seconds a new pod must be ready before it counts as available.")
      .F("revisionHistoryLimit", "int32", "Old ReplicaSets kept for rollback; 10 by default.")
      .F("paused", "boolean", "Stop rolling out changes to the template.")
      .F("progressDeadlineSeconds", "int32",
         "Seconds without progress after which the rollout has failed.");

  b.Type("DeploymentStrategy", "How a deployment replaces its pods.", kActed)
      .F("type", "string", "Strategy kind.")
      .E("Recreate|RollingUpdate")
      .F("rollingUpdate", "RollingUpdateDeployment", "Parameters of a rolling update.");

  b.Type("RollingUpdateDeployment", "Limits that pace a rolling update.", kActed)
      .F("maxUnavailable", "IntOrString", "Pods, or percent of replicas, that may be unavailable.")
      .F("maxSurge", "IntOrString",
         "Pods, or percent of replicas, created above the desired count.");

  b.Type("DeploymentStatus", "Observed state of a deployment.", kActed)
      .F("observedGeneration", "int64", "Generation of the spec this status reflects.")
      .F("replicas", "int32", "Pods targeted by the deployment.")
      .F("updatedReplicas", "int32", "Pods running the current template.")
      .F("readyReplicas", "int32", "Pods that are ready.")
      .F("availableReplicas", "int32", "Pods ready for at least minReadySeconds.")
      .F("unavailableReplicas", "int32", "Pods still needed for full availability.")
      .F("conditions", "[]DeploymentCondition", "Current conditions of the deployment.")
      .F("collisionCount", "int32", "Hash collisions seen when naming ReplicaSets.");

  b.Type("DeploymentCondition", "One condition of a deployment.", kActed)
      .F("type", "string", "Condition type.")
      .E("Available|Progressing|ReplicaFailure")
      .F("status", "string", "Whether the condition holds.")
      .E("True|False|Unknown")
      .F("lastUpdateTime", "Time", "When the condition was last updated.")
      .F("lastTransitionTime", "Time", "When status last changed.")
      .F("reason", "string", "CamelCase reason for the last transition.")
      .F("message", "string", "Human-readable details of the last transition.");

  b.Type("ReplicaSet", "Keeps a given number of identical pods running.", kActed)
      .TopLevel()
      .F("spec", "ReplicaSetSpec", "Desired state of the replica set.")
      .F("status", "ReplicaSetStatus", "Most recently observed state of the replica set.");

  b.Type("ReplicaSetSpec", "Desired state of a replica set.", kActed)
      .F("replicas", "int32", "Number of pods wanted; 1 by default.")
      .F("minReadySeconds", "int32",
         "Seconds a new pod must be ready before it counts as available.")
      .F("selector", "LabelSelector", "Label query over the pods the replica set owns.")
      .F("template", "PodTemplateSpec", "Pods to create when too few exist.");

  b.Type("ReplicaSetStatus", "Observed state of a replica set.", kActed)
      .F("replicas", "int32", "Pods currently owned.")
      .F("fullyLabeledReplicas", "int32", "Pods whose labels match the template's.")
      .F("readyReplicas", "int32", "Pods that are ready.")
      .F("availableReplicas", "int32", "Pods ready for at least minReadySeconds.")
      .F("observedGeneration", "int64", "Generation of the spec this status reflects.")
      .F("conditions", "[]ReplicaSetCondition", "Current conditions of the replica set.");

  b.Type("ReplicaSetCondition", "One condition of a replica set.", kActed)
      .F("type", "string", "Condition type.")
      .E("ReplicaFailure")
      .F("status", "string", "Whether the condition holds.")
      .E("True|False|Unknown")
      .F("lastTransitionTime", "Time", "When status last changed.")
      .F("reason", "string", "CamelCase reason for the last transition.")
      .F("message", "string", "Human-readable details of the last transition.");
}

}  // namespace skiff::api::schema_internal
