// Protobuf field tables, core/v1 PodTemplateSpec and PodSpec with its scheduling and security
// parts.
//
// Field numbers from k8s.io/api core/v1 generated.proto (release 1.32); JSON names,
// pointer-ness and omitempty from the Go types of the same release.
#include "api/protobuf/message_table.h"

namespace skiff::api::protobuf_internal {

const std::vector<MessageSpec>& CorePodMessages() {
  using enum FieldKind;
  static const std::vector<MessageSpec> kMessages = {
      {"PodTemplateSpec",
       {
           {1, "metadata", kMessage, "ObjectMeta"},
           {2, "spec", kMessage, "PodSpec"},
       }},
      {"PodSpec",
       {
           {1, "volumes", kMessage, "Volume", kRepeated},
           {20, "initContainers", kMessage, "Container", kRepeated},
           {2, "containers", kMessage, "Container", kRepeated},
           {34, "ephemeralContainers", kMessage, "EphemeralContainer", kRepeated},
           {3, "restartPolicy", kString},
           {4, "terminationGracePeriodSeconds", kInt64, {}, kPointer},
           {5, "activeDeadlineSeconds", kInt64, {}, kPointer},
           {6, "dnsPolicy", kString},
           {7, "nodeSelector", kStringMap},
           {8, "serviceAccountName", kString},
           {9, "serviceAccount", kString},
           {21, "automountServiceAccountToken", kBool, {}, kPointer},
           {10, "nodeName", kString},
           {11, "hostNetwork", kBool},
           {12, "hostPID", kBool},
           {13, "hostIPC", kBool},
           {27, "shareProcessNamespace", kBool, {}, kPointer},
           {14, "securityContext", kMessage, "PodSecurityContext", kPointer},
           {15, "imagePullSecrets", kMessage, "LocalObjectReference", kRepeated},
           {16, "hostname", kString},
           {17, "subdomain", kString},
           {18, "affinity", kMessage, "Affinity", kPointer},
           {19, "schedulerName", kString},
           {22, "tolerations", kMessage, "Toleration", kRepeated},
           {23, "hostAliases", kMessage, "HostAlias", kRepeated},
           {24, "priorityClassName", kString},
           {25, "priority", kInt32, {}, kPointer},
           {26, "dnsConfig", kMessage, "PodDNSConfig", kPointer},
           {28, "readinessGates", kMessage, "PodReadinessGate", kRepeated},
           {29, "runtimeClassName", kString, {}, kPointer},
           {30, "enableServiceLinks", kBool, {}, kPointer},
           {31, "preemptionPolicy", kString, {}, kPointer},
           {32, "overhead", kQuantityMap},
           {33, "topologySpreadConstraints", kMessage, "TopologySpreadConstraint", kRepeated},
           {35, "setHostnameAsFQDN", kBool, {}, kPointer},
           {36, "os", kMessage, "PodOS", kPointer},
           {37, "hostUsers", kBool, {}, kPointer},
           {38, "schedulingGates", kMessage, "PodSchedulingGate", kRepeated},
           {39, "resourceClaims", kMessage, "PodResourceClaim", kRepeated},
           {40, "resources", kMessage, "ResourceRequirements", kPointer},
       }},
      {"PodSecurityContext",
       {
           {1, "seLinuxOptions", kMessage, "SELinuxOptions", kPointer},
           {8, "windowsOptions", kMessage, "WindowsSecurityContextOptions", kPointer},
           {2, "runAsUser", kInt64, {}, kPointer},
           {6, "runAsGroup", kInt64, {}, kPointer},
           {3, "runAsNonRoot", kBool, {}, kPointer},
           {4, "supplementalGroups", kInt64, {}, kRepeated},
           {12, "supplementalGroupsPolicy", kString, {}, kPointer},
           {5, "fsGroup", kInt64, {}, kPointer},
           {7, "sysctls", kMessage, "Sysctl", kRepeated},
           {9, "fsGroupChangePolicy", kString, {}, kPointer},
           {10, "seccompProfile", kMessage, "SeccompProfile", kPointer},
           {11, "appArmorProfile", kMessage, "AppArmorProfile", kPointer},
           {13, "seLinuxChangePolicy", kString, {}, kPointer},
       }},
      {"LocalObjectReference",
       {
           {1, "name", kString},
       }},
      {"Affinity",
       {
           {1, "nodeAffinity", kMessage, "NodeAffinity", kPointer},
           {2, "podAffinity", kMessage, "PodAffinity", kPointer},
           {3, "podAntiAffinity", kMessage, "PodAntiAffinity", kPointer},
       }},
      {"Toleration",
       {
           {1, "key", kString},
           {2, "operator", kString},
           {3, "value", kString},
           {4, "effect", kString},
           {5, "tolerationSeconds", kInt64, {}, kPointer},
       }},
      {"HostAlias",
       {
           {1, "ip", kString, {}, kAlways},
           {2, "hostnames", kString, {}, kRepeated},
       }},
      {"PodDNSConfig",
       {
           {1, "nameservers", kString, {}, kRepeated},
           {2, "searches", kString, {}, kRepeated},
           {3, "options", kMessage, "PodDNSConfigOption", kRepeated},
       }},
      {"PodReadinessGate",
       {
           {1, "conditionType", kString, {}, kAlways},
       }},
      {"TopologySpreadConstraint",
       {
           {1, "maxSkew", kInt32, {}, kAlways},
           {2, "topologyKey", kString, {}, kAlways},
           {3, "whenUnsatisfiable", kString, {}, kAlways},
           {4, "labelSelector", kMessage, "LabelSelector", kPointer},
           {5, "minDomains", kInt32, {}, kPointer},
           {6, "nodeAffinityPolicy", kString, {}, kPointer},
           {7, "nodeTaintsPolicy", kString, {}, kPointer},
           {8, "matchLabelKeys", kString, {}, kRepeated},
       }},
      {"PodOS",
       {
           {1, "name", kString, {}, kAlways},
       }},
      {"PodSchedulingGate",
       {
           {1, "name", kString, {}, kAlways},
       }},
      {"PodResourceClaim",
       {
           {1, "name", kString, {}, kAlways},
           {3, "resourceClaimName", kString, {}, kPointer},
           {4, "resourceClaimTemplateName", kString, {}, kPointer},
       }},
      {"Sysctl",
       {
           {1, "name", kString, {}, kAlways},
           {2, "value", kString, {}, kAlways},
       }},
      {"NodeAffinity",
       {
           {1, "requiredDuringSchedulingIgnoredDuringExecution", kMessage, "NodeSelector",
            kPointer},
           {2, "preferredDuringSchedulingIgnoredDuringExecution", kMessage,
            "PreferredSchedulingTerm", kRepeated},
       }},
      {"PodAffinity",
       {
           {1, "requiredDuringSchedulingIgnoredDuringExecution", kMessage, "PodAffinityTerm",
            kRepeated},
           {2, "preferredDuringSchedulingIgnoredDuringExecution", kMessage,
            "WeightedPodAffinityTerm", kRepeated},
       }},
      {"PodAntiAffinity",
       {
           {1, "requiredDuringSchedulingIgnoredDuringExecution", kMessage, "PodAffinityTerm",
            kRepeated},
           {2, "preferredDuringSchedulingIgnoredDuringExecution", kMessage,
            "WeightedPodAffinityTerm", kRepeated},
       }},
      {"PodDNSConfigOption",
       {
           {1, "name", kString},
           {2, "value", kString, {}, kPointer},
       }},
      {"NodeSelector",
       {
           {1, "nodeSelectorTerms", kMessage, "NodeSelectorTerm", kRepeated},
       }},
      {"PreferredSchedulingTerm",
       {
           {1, "weight", kInt32, {}, kAlways},
           {2, "preference", kMessage, "NodeSelectorTerm"},
       }},
      {"PodAffinityTerm",
       {
           {1, "labelSelector", kMessage, "LabelSelector", kPointer},
           {2, "namespaces", kString, {}, kRepeated},
           {3, "topologyKey", kString, {}, kAlways},
           {4, "namespaceSelector", kMessage, "LabelSelector", kPointer},
           {5, "matchLabelKeys", kString, {}, kRepeated},
           {6, "mismatchLabelKeys", kString, {}, kRepeated},
       }},
      {"WeightedPodAffinityTerm",
       {
           {1, "weight", kInt32, {}, kAlways},
           {2, "podAffinityTerm", kMessage, "PodAffinityTerm"},
       }},
      {"NodeSelectorTerm",
       {
           {1, "matchExpressions", kMessage, "NodeSelectorRequirement", kRepeated},
           {2, "matchFields", kMessage, "NodeSelectorRequirement", kRepeated},
       }},
      {"NodeSelectorRequirement",
       {
           {1, "key", kString, {}, kAlways},
           {2, "operator", kString, {}, kAlways},
           {3, "values", kString, {}, kRepeated},
       }},
  };
  return kMessages;
}

}  // namespace skiff::api::protobuf_internal
