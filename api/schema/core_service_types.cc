// core/v1 Service and Endpoints, and ObjectReference which they and Event use.
#include "api/schema/builder.h"

namespace skiff::api::schema_internal {

void DefineCoreServiceTypes(SchemaBuilder& b) {
  b.Package("io.k8s.api.core.v1");

  b.Type("Service", "A stable name and address for the pods a label selector picks.")
      .TopLevel()
      .A("spec", "ServiceSpec", "Desired behaviour of the service.")
      .A("status", "ServiceStatus", "Most recently observed state of the service.");

  b.Type("ServiceSpec", "How a service exposes its pods.")
      .A("ports", "[]ServicePort", "Ports the service exposes.")
      .A("selector", "map[string]", "Labels of the pods traffic is routed to.")
      .A("clusterIP", "string", "Virtual IP of the service; None makes it headless.")
      .A("clusterIPs", "[]string", "Virtual IPs of the service, at most one per family.")
      .A("type", "string", "How the service is exposed.")
      .E("ClusterIP|NodePort|LoadBalancer|ExternalName")
      .F("externalIPs", "[]string", "Extra IPs on which nodes accept traffic for the service.")
      .A("sessionAffinity", "string", "Whether a client keeps reaching the same pod.")
      .E("ClientIP|None")
      .F("loadBalancerIP", "string", "Deprecated: requested load balancer IP.")
      .F("loadBalancerSourceRanges", "[]string", "Client CIDRs allowed through the load balancer.")
      .F("externalName", "string", "DNS name returned as a CNAME for type ExternalName.")
      .F("externalTrafficPolicy", "string",
         "Whether external traffic may leave the receiving node.")
      .E("Cluster|Local")
      .F("healthCheckNodePort", "int32",
         "Node port for load balancer health checks with Local policy.")
      .F("publishNotReadyAddresses", "boolean", "Publish addresses of pods that are not ready.")
      .F("sessionAffinityConfig", "SessionAffinityConfig", "Settings of session affinity.")
      .F("ipFamilies", "[]string", "IP families of the service, in order.")
      .E("IPv4|IPv6")
      .F("ipFamilyPolicy", "string", "Whether the service is single- or dual-stack.")
      .E("SingleStack|PreferDualStack|RequireDualStack")
      .F("allocateLoadBalancerNodePorts", "boolean",
         "Whether node ports are allocated for a LoadBalancer.")
      .F("loadBalancerClass", "string", "Load balancer implementation to use.")
      .F("internalTrafficPolicy", "string",
         "Whether in-cluster traffic may leave the receiving node.")
      .E("Cluster|Local")
      .F("trafficDistribution", "string", "Preference for how traffic is spread over endpoints.");

  b.Type("ServicePort", "One port of a service.", kActed)
      .F("name", "string", "Name of the port; required when there are several.")
      .F("protocol", "string", "Transport protocol.")
      .E("TCP|UDP|SCTP")
      .N("appProtocol", "string", "Application protocol, as a hint to implementations.")
      .F("port", "int32", "Port the service listens on.")
      .F("targetPort", "IntOrString",
         "Number or name of the pod port traffic goes to; port by default.")
      .F("nodePort", "int32", "Port opened on every node for NodePort and LoadBalancer services.");

  b.Type("SessionAffinityConfig", "Settings of session affinity.")
      .F("clientIP", "ClientIPConfig", "Settings of client IP affinity.");

  b.Type("ClientIPConfig", "Settings of client IP affinity.")
      .F("timeoutSeconds", "int32", "Seconds a client sticks to its pod.");

  b.Type("ServiceStatus", "Observed state of a service.", kActed)
      .F("loadBalancer", "LoadBalancerStatus", "The load balancer, if any.")
      .F("conditions", "[]Condition", "Current conditions of the service.");

  b.Type("LoadBalancerStatus", "The state of a load balancer.", kActed)
      .F("ingress", "[]LoadBalancerIngress", "Entry points of the load balancer.");

  b.Type("LoadBalancerIngress", "One entry point of a load balancer.", kActed)
      .F("ip", "string", "IP address of the entry point.")
      .F("hostname", "string", "DNS name of the entry point.")
      .F("ipMode", "string", "How traffic to the IP reaches the service.")
      .E("VIP|Proxy")
      .F("ports", "[]PortStatus", "Status of each port.");

  b.Type("PortStatus", "Status of one service port.", kActed)
      .F("port", "int32", "Port number.")
      .F("protocol", "string", "Transport protocol.")
      .E("TCP|UDP|SCTP")
      .F("error", "string", "Why the port failed, in CamelCase, if it did.");

  b.Type("Endpoints", "The addresses that implement a service.", kActed)
      .TopLevel()
      .F("subsets", "[]EndpointSubset", "Groups of addresses that share the same ports.");

  b.Type("EndpointSubset", "Addresses and the ports they all serve.", kActed)
      .F("addresses", "[]EndpointAddress", "Ready addresses.")
      .F("notReadyAddresses", "[]EndpointAddress", "Addresses that are not ready yet.")
      .F("ports", "[]EndpointPort", "Ports served at every address.");

  b.Type("EndpointAddress", "One address of an endpoint.", kActed)
      .F("ip", "string", "IP address.")
      .F("hostname", "string", "Hostname of the endpoint.")
      .F("nodeName", "string", "Node hosting the endpoint.")
      .F("targetRef", "ObjectReference", "Object behind the endpoint, usually a pod.");

  b.Type("EndpointPort", "One port of an endpoint.", kActed)
      .F("name", "string", "Name of the matching service port.")
      .F("port", "int32", "Port number.")
      .F("protocol", "string", "Transport protocol.")
      .E("TCP|UDP|SCTP")
      .F("appProtocol", "string", "Application protocol of the port.");

  b.Type("ObjectReference", "A reference to any object, or a field within it.", kActed)
      .F("kind", "string", "Kind of the referent.")
      .F("namespace", "string", "Namespace of the referent.")
      .F("name", "string", "Name of the referent.")
      .F("uid", "string", "UID of the referent.")
      .F("apiVersion", "string", "API version of the referent.")
      .F("resourceVersion", "string", "Resource version the reference was made at.")
      .F("fieldPath", "string", "Field of the referent meant, such as spec.containers{web}.");
}

}  // namespace skiff::api::schema_internal
