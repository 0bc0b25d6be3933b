// core/v1 Pod, PodSpec, PodTemplateSpec and the pod-level helper types.
// skiff acts on the fields it needs to run containers on one node; scheduling
// refinements, security policies and DNS tuning are stored only.
#include "api/schema/builder.h"

namespace skiff::api::schema_internal {

void DefineCorePodTypes(SchemaBuilder& b) {
  b.Package("io.k8s.api.core.v1");

  b.Type("Pod",
         "A group of containers that run together on one node and share network and volumes.")
      .TopLevel()
      .A("spec", "PodSpec", "Desired behaviour of the pod.")
      .A("status", "PodStatus",
         "Most recently observed state of the pod; written by the node agent.");

  b.Type("PodTemplateSpec", "The pod a controller creates: its metadata and spec.", kActed)
      .F("metadata", "ObjectMeta", "Metadata given to each pod created from the template.")
      .F("spec", "PodSpec", "Spec of each pod created from the template.");

  b.Type("PodSpec", "Desired state of a pod: containers, volumes and how to place and run them.")
      .A("volumes", "[]Volume", "Volumes that containers of the pod can mount.")
      .F("initContainers", "[]Container",
         "Containers run to completion, one after another, before the app containers.")
      .A("containers", "[]Container", "The application containers of the pod; at least one.")
      .F("ephemeralContainers", "[]EphemeralContainer",
         "Debugging containers added to a running pod.")
      .A("restartPolicy", "string", "When containers are restarted after they exit.")
      .E("Always|OnFailure|Never")
      .A("terminationGracePeriodSeconds", "int64",
         "Seconds between the stop signal and the kill on deletion.")
      .F("activeDeadlineSeconds", "int64", "Seconds the pod may be active before it is failed.")
      .A("dnsPolicy", "string", "How the pod's DNS resolver is set up.")
      .E("ClusterFirstWithHostNet|ClusterFirst|Default|None")
      .A("nodeSelector", "map[string]", "Labels a node must have for the pod to be placed on it.")
      .A("serviceAccountName", "string", "Service account whose identity the pod runs as.")
      .F("serviceAccount", "string", "Deprecated alias of serviceAccountName.")
      .F("automountServiceAccountToken", "boolean",
         "Whether a service account token is mounted automatically.")
      .A("nodeName", "string", "Node the pod is bound to; set by the scheduler or by hand.")
      .A("hostNetwork", "boolean", "Run in the node's network namespace instead of a pod network.")
      .F("hostPID", "boolean", "Share the node's process ID namespace.")
      .F("hostIPC", "boolean", "Share the node's IPC namespace.")
      .F("shareProcessNamespace", "boolean", "One process namespace for all containers of the pod.")
      .F("securityContext", "PodSecurityContext",
         "Security attributes that apply to every container of the pod.")
      .F("imagePullSecrets", "[]LocalObjectReference",
         "Secrets holding registry credentials for pulling images.")
      .A("hostname", "string", "Hostname of the pod; defaults to the pod's name.")
      .F("subdomain", "string",
         "Subdomain giving the pod a fully qualified name under a headless service.")
      .F("affinity", "Affinity", "Node and inter-pod affinity rules for scheduling.")
      .F("schedulerName", "string", "Scheduler responsible for placing the pod.")
      .F("tolerations", "[]Toleration", "Node taints the pod tolerates.")
      .F("hostAliases", "[]HostAlias", "Extra entries for the pod's /etc/hosts.")
      .F("priorityClassName", "string", "Name of the PriorityClass giving the pod's priority.")
      .F("priority", "int32", "Priority value resolved from priorityClassName by admission.")
      .F("dnsConfig", "PodDNSConfig",
         "Extra DNS resolver settings merged into the generated configuration.")
      .F("readinessGates", "[]PodReadinessGate",
         "Extra conditions that must be true for the pod to be ready.")
      .F("runtimeClassName", "string",
         "RuntimeClass selecting the container runtime configuration.")
      .F("enableServiceLinks", "boolean",
         "Whether service addresses are injected as environment variables.")
      .F("preemptionPolicy", "string", "Whether this pod may preempt lower-priority pods.")
      .E("PreemptLowerPriority|Never")
      .F("overhead", "map[Quantity]", "Resources the pod's sandbox consumes beyond its containers.")
      .F("topologySpreadConstraints", "[]TopologySpreadConstraint",
         "How pods are spread across topology domains.")
      .F("setHostnameAsFQDN", "boolean",
         "Make the kernel hostname the pod's fully qualified domain name.")
      .F("os", "PodOS", "Operating system the pod's containers need.")
      .F("hostUsers", "boolean",
         "Whether to use the host's user namespace; false gives the pod its own.")
      .F("schedulingGates", "[]PodSchedulingGate",
         "Gates that hold the pod back from scheduling while present.")
      .F("resourceClaims", "[]PodResourceClaim",
         "Dynamic resource claims the pod's containers may use.")
      .F("resources", "ResourceRequirements",
         "Resources for the pod as a whole, shared by its containers.");

  b.Type("PodOS", "The operating system a pod needs.")
      .F("name", "string", "Operating system name.")
      .E("linux|windows");

  b.Type("PodSchedulingGate", "A named gate that keeps a pod from being scheduled.")
      .F("name", "string", "Name of the gate; unique within the pod.");

  b.Type("PodResourceClaim", "A resource claim the pod refers to by a local name.")
      .F("name", "string", "Name containers use to refer to this claim.")
      .F("resourceClaimName", "string", "Existing ResourceClaim in the pod's namespace.")
      .F("resourceClaimTemplateName", "string",
         "ResourceClaimTemplate from which a claim is made for the pod.");

  b.Type("PodReadinessGate", "An extra condition that gates pod readiness.")
      .F("conditionType", "string", "Type of a pod condition that must be True.");

  b.Type("PodDNSConfig", "DNS resolver settings added to those the DNS policy generates.")
      .F("nameservers", "[]string", "Extra name server addresses.")
      .F("searches", "[]string", "Extra search domains.")
      .F("options", "[]PodDNSConfigOption", "Resolver options.");

  b.Type("PodDNSConfigOption", "One resolver option.")
      .F("name", "string", "Option name, such as ndots.")
      .F("value", "string", "Option value, if it takes one.");

  b.Type("HostAlias", "An IP address and hostnames added to the pod's /etc/hosts.")
      .F("ip", "string", "IP address of the entry.")
      .F("hostnames", "[]string", "Hostnames for the address.");

  b.Type("LocalObjectReference", "Names an object in the same namespace.", kActed)
      .F("name", "string", "Name of the referent.");

  b.Type("PodSecurityContext", "Security settings for all containers of a pod.")
      .F("seLinuxOptions", "SELinuxOptions", "SELinux context applied to all containers.")
      .F("windowsOptions", "WindowsSecurityContextOptions", "Windows-specific settings.")
      .F("runAsUser", "int64", "User ID the container processes run as.")
      .F("runAsGroup", "int64", "Primary group ID of the container processes.")
      .F("runAsNonRoot", "boolean", "Refuse to start a container whose user would be root.")
      .F("supplementalGroups", "[]int64", "Extra group IDs of the first process of each container.")
      .F("supplementalGroupsPolicy", "string",
         "How supplemental groups of the first process are computed.")
      .E("Merge|Strict")
      .F("fsGroup", "int64", "Group that owns volumes and is added to every container's processes.")
      .F("sysctls", "[]Sysctl", "Namespaced kernel parameters set for the pod.")
      .F("fsGroupChangePolicy", "string", "When volume ownership is changed to fsGroup.")
      .E("OnRootMismatch|Always")
      .F("seccompProfile", "SeccompProfile", "Seccomp profile for all containers.")
      .F("appArmorProfile", "AppArmorProfile", "AppArmor profile for all containers.")
      .F("seLinuxChangePolicy", "string",
         "How the SELinux label is applied to volumes: by mount option or relabel.");

  b.Type("SELinuxOptions", "SELinux labels applied to a container.")
      .F("user", "string", "SELinux user label.")
      .F("role", "string", "SELinux role label.")
      .F("type", "string", "SELinux type label.")
      .F("level", "string", "SELinux level label.");

  b.Type("WindowsSecurityContextOptions", "Windows-specific security settings.")
      .F("gmsaCredentialSpecName", "string", "Name of the GMSA credential spec resource.")
      .F("gmsaCredentialSpec", "string", "Inline GMSA credential spec contents.")
      .F("runAsUserName", "string", "Windows user name the entrypoint runs as.")
      .F("hostProcess", "boolean", "Run as a Windows host process container.");

  b.Type("Sysctl", "A kernel parameter to set.")
      .F("name", "string", "Name of the parameter.")
      .F("value", "string", "Value of the parameter.");

  b.Type("SeccompProfile", "The seccomp profile to apply.")
      .F("type", "string", "Kind of profile.")
      .E("Localhost|RuntimeDefault|Unconfined")
      .F("localhostProfile", "string", "Path of a profile on the node, for type Localhost.");

  b.Type("AppArmorProfile", "The AppArmor profile to apply.")
      .F("type", "string", "Kind of profile.")
      .E("Localhost|RuntimeDefault|Unconfined")
      .F("localhostProfile", "string", "Name of a profile loaded on the node, for type Localhost.");
}

}  // namespace skiff::api::schema_internal
