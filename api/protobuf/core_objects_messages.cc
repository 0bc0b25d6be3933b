// Protobuf field tables, core/v1 top-level kinds other than pods: ConfigMap, Secret, Namespace,
// Service, ServiceAccount.
//
// Field numbers from k8s.io/api core/v1 generated.proto (release 1.32); JSON names,
// pointer-ness and omitempty from the Go types of the same release.
#include "api/protobuf/message_table.h"

namespace skiff::api::protobuf_internal {

const std::vector<MessageSpec>& CoreObjectMessages() {
  using enum FieldKind;
  static const std::vector<MessageSpec> kMessages = {
      {"Service",
       {
           {1, "metadata", kMessage, "ObjectMeta"},
           {2, "spec", kMessage, "ServiceSpec"},
           {3, "status", kMessage, "ServiceStatus"},
       }},
      {"ConfigMap",
       {
           {1, "metadata", kMessage, "ObjectMeta"},
           {4, "immutable", kBool, {}, kPointer},
           {2, "data", kStringMap},
           {3, "binaryData", kBytesMap},
       }},
      {"Secret",
       {
           {1, "metadata", kMessage, "ObjectMeta"},
           {5, "immutable", kBool, {}, kPointer},
           {2, "data", kBytesMap},
           {4, "stringData", kStringMap},
           {3, "type", kString},
       }},
      {"ServiceAccount",
       {
           {1, "metadata", kMessage, "ObjectMeta"},
           {2, "secrets", kMessage, "ObjectReference", kRepeated},
           {3, "imagePullSecrets", kMessage, "LocalObjectReference", kRepeated},
           {4, "automountServiceAccountToken", kBool, {}, kPointer},
       }},
      {"ObjectReference",
       {
           {1, "kind", kString},
           {2, "namespace", kString},
           {3, "name", kString},
           {4, "uid", kString},
           {5, "apiVersion", kString},
           {6, "resourceVersion", kString},
           {7, "fieldPath", kString},
       }},
      {"Namespace",
       {
           {1, "metadata", kMessage, "ObjectMeta"},
           {2, "spec", kMessage, "NamespaceSpec"},
           {3, "status", kMessage, "NamespaceStatus"},
       }},
      {"ServiceSpec",
       {
           {1, "ports", kMessage, "ServicePort", kRepeated},
           {2, "selector", kStringMap},
           {3, "clusterIP", kString},
           {18, "clusterIPs", kString, {}, kRepeated},
           {4, "type", kString},
           {5, "externalIPs", kString, {}, kRepeated},
           {7, "sessionAffinity", kString},
           {8, "loadBalancerIP", kString},
           {9, "loadBalancerSourceRanges", kString, {}, kRepeated},
           {10, "externalName", kString},
           {11, "externalTrafficPolicy", kString},
           {12, "healthCheckNodePort", kInt32},
           {13, "publishNotReadyAddresses", kBool},
           {14, "sessionAffinityConfig", kMessage, "SessionAffinityConfig", kPointer},
           {19, "ipFamilies", kString, {}, kRepeated},
           {17, "ipFamilyPolicy", kString, {}, kPointer},
           {20, "allocateLoadBalancerNodePorts", kBool, {}, kPointer},
           {21, "loadBalancerClass", kString, {}, kPointer},
           {22, "internalTrafficPolicy", kString, {}, kPointer},
           {23, "trafficDistribution", kString, {}, kPointer},
       }},
      {"ServiceStatus",
       {
           {1, "loadBalancer", kMessage, "LoadBalancerStatus"},
           {2, "conditions", kMessage, "Condition", kRepeated},
       }},
      {"NamespaceSpec",
       {
           {1, "finalizers", kString, {}, kRepeated},
       }},
      {"NamespaceStatus",
       {
           {1, "phase", kString},
           {2, "conditions", kMessage, "NamespaceCondition", kRepeated},
       }},
      {"ServicePort",
       {
           {1, "name", kString},
           {2, "protocol", kString},
           {6, "appProtocol", kString, {}, kPointer},
           {3, "port", kInt32, {}, kAlways},
           {4, "targetPort", kIntOrString},
           {5, "nodePort", kInt32},
       }},
      {"SessionAffinityConfig",
       {
           {1, "clientIP", kMessage, "ClientIPConfig", kPointer},
       }},
      {"LoadBalancerStatus",
       {
           {1, "ingress", kMessage, "LoadBalancerIngress", kRepeated},
       }},
      {"NamespaceCondition",
       {
           {1, "type", kString, {}, kAlways},
           {2, "status", kString, {}, kAlways},
           {4, "lastTransitionTime", kTime},
           {5, "reason", kString},
           {6, "message", kString},
       }},
      {"ClientIPConfig",
       {
           {1, "timeoutSeconds", kInt32, {}, kPointer},
       }},
      {"LoadBalancerIngress",
       {
           {1, "ip", kString},
           {2, "hostname", kString},
           {3, "ipMode", kString, {}, kPointer},
           {4, "ports", kMessage, "PortStatus", kRepeated},
       }},
      {"PortStatus",
       {
           {1, "port", kInt32, {}, kAlways},
           {2, "protocol", kString, {}, kAlways},
           {3, "error", kString, {}, kPointer},
       }},
  };
  return kMessages;
}

}  // namespace skiff::api::protobuf_internal
