// core/v1 PodStatus and ContainerStatus, written by skiff's node agent.
#include "api/schema/builder.h"

namespace skiff::api::schema_internal {

void DefineCorePodStatusTypes(SchemaBuilder& b) {
  b.Package("io.k8s.api.core.v1");

  b.Type("PodStatus", "Observed state of a pod.", kActed)
      .F("phase", "string", "Coarse lifecycle phase of the pod.")
      .E("Pending|Running|Succeeded|Failed|Unknown")
      .F("conditions", "[]PodCondition", "Current service state of the pod.")
      .F("message", "string", "Human-readable note on why the pod is in this state.")
      .F("reason", "string", "Brief CamelCase reason the pod is in this state.")
      .F("nominatedNodeName", "string", "Node the pod may run on once preemption finishes.")
      .F("hostIP", "string", "Primary IP address of the node the pod runs on.")
      .F("hostIPs", "[]HostIP", "IP addresses of the node the pod runs on.")
      .F("podIP", "string", "Primary IP address given to the pod.")
      .F("podIPs", "[]PodIP", "IP addresses given to the pod, at most one per family.")
      .F("startTime", "Time", "When the node agent acknowledged the pod.")
      .F("initContainerStatuses", "[]ContainerStatus", "Status of each init container.")
      .F("containerStatuses", "[]ContainerStatus", "Status of each app container.")
      .F("qosClass", "string", "Quality of service class from the resource requirements.")
      .E("Guaranteed|Burstable|BestEffort")
      .F("ephemeralContainerStatuses", "[]ContainerStatus", "Status of each ephemeral container.")
      .F("resize", "string", "State of an in-place resize of the pod's resources.")
      .E("Proposed|InProgress|Deferred|Infeasible")
      .F("resourceClaimStatuses", "[]PodResourceClaimStatus",
         "Names of the claims made for the pod.");

  b.Type("PodCondition", "One condition of a pod.", kActed)
      .F("type", "string", "Condition type, such as Ready or PodScheduled.")
      .F("status", "string", "Whether the condition holds.")
      .E("True|False|Unknown")
      .F("lastProbeTime", "Time", "When the condition was last probed.")
      .F("lastTransitionTime", "Time", "When status last changed.")
      .F("reason", "string", "CamelCase reason for the last transition.")
      .F("message", "string", "Human-readable details of the last transition.");

  b.Type("HostIP", "One IP address of the pod's node.", kActed).F("ip", "string", "The address.");

  b.Type("PodIP", "One IP address of the pod.", kActed).F("ip", "string", "The address.");

  b.Type("PodResourceClaimStatus", "The claim created for one of the pod's resource claims.",
         kActed)
      .F("name", "string", "Name of the entry in the pod's resourceClaims.")
      .F("resourceClaimName", "string", "Name of the ResourceClaim made for it.");

  b.Type("ContainerStatus", "Observed state of one container.", kActed)
      .F("name", "string", "Name of the container in the pod spec.")
      .F("state", "ContainerState", "Current state.")
      .F("lastState", "ContainerState", "State before the last restart.")
      .F("ready", "boolean", "Whether the readiness probe passes.")
      .F("restartCount", "int32", "Times the container has been restarted.")
      .F("image", "string", "Image the container runs.")
      .F("imageID", "string", "Content ID of that image.")
      .F("containerID", "string", "Runtime ID of the container, as <runtime>://<id>.")
      .F("started", "boolean", "Whether the startup probe has passed.")
      .F("allocatedResources", "map[Quantity]", "Resources the node allocated to the container.")
      .F("resources", "ResourceRequirements", "Resources actually configured for the container.")
      .F("volumeMounts", "[]VolumeMountStatus", "Status of each volume mount.")
      .F("user", "ContainerUser", "Identity the first process runs as.")
      .F("allocatedResourcesStatus", "[]ResourceStatus",
         "Health of the resources allocated to the container.");

  b.Type("ContainerState", "State of a container; one of the fields is set.", kActed)
      .F("waiting", "ContainerStateWaiting", "Not yet running.")
      .F("running", "ContainerStateRunning", "Running.")
      .F("terminated", "ContainerStateTerminated", "Exited.");

  b.Type("ContainerStateWaiting", "A container that is not running yet.", kActed)
      .F("reason", "string", "Why it is waiting, such as ImagePullBackOff.")
      .F("message", "string", "Details of why it is waiting.");

  b.Type("ContainerStateRunning", "A running container.", kActed)
      .F("startedAt", "Time", "When the container last started.");

  b.Type("ContainerStateTerminated", "A container that has exited.", kActed)
      .F("exitCode", "int32", "Exit status of the process.")
      .F("signal", "int32", "Signal that ended the process, if any.")
      .F("reason", "string", "Why it ended, such as Completed or OOMKilled.")
      .F("message", "string", "Details of why it ended.")
      .F("startedAt", "Time", "When the run started.")
      .F("finishedAt", "Time", "When the run ended.")
      .F("containerID", "string", "Runtime ID of the container, as <runtime>://<id>.");

  b.Type("VolumeMountStatus", "Observed state of one volume mount.", kActed)
      .F("name", "string", "Name of the volume mount.")
      .F("mountPath", "string", "Path in the container.")
      .F("readOnly", "boolean", "Whether it is mounted read-only.")
      .F("recursiveReadOnly", "string", "Whether read-only applies to submounts.")
      .E("Disabled|IfPossible|Enabled");

  b.Type("ContainerUser", "Identity of a container's first process.", kActed)
      .F("linux", "LinuxContainerUser", "Linux user and groups.");

  b.Type("LinuxContainerUser", "Linux user and groups of a process.", kActed)
      .F("uid", "int64", "User ID.")
      .F("gid", "int64", "Primary group ID.")
      .F("supplementalGroups", "[]int64", "Supplemental group IDs.");

  b.Type("ResourceStatus", "Health of the devices behind one resource.", kActed)
      .F("name", "string", "Name of the resource.")
      .F("resources", "[]ResourceHealth", "Health of each device.");

  b.Type("ResourceHealth", "Health of one device.", kActed)
      .F("resourceID", "string", "Unique ID of the device.")
      .F("health", "string", "Health of the device.")
      .E("Healthy|Unhealthy|Unknown");
}

}  // namespace skiff::api::schema_internal
