// core/v1 Node: spec, status and their parts. skiff's node agent registers and
// reports nodes, so all of it is acted on.
#include "api/schema/builder.h"

namespace skiff::api::schema_internal {

void DefineCoreNodeTypes(SchemaBuilder& b) {
  b.Package("io.k8s.api.core.v1");

  b.Type("Node", "A machine that runs pods.", kActed)
      .TopLevel()
      .F("spec", "NodeSpec", "How the node is configured.")
      .F("status", "NodeStatus", "Most recently observed state of the node.");

  b.Type("NodeSpec", "Configuration of a node.", kActed)
      .F("podCIDR", "string", "IP range assigned to the node's pods.")
      .F("podCIDRs", "[]string", "IP ranges assigned to the node's pods, at most one per family.")
      .F("providerID", "string", "ID of the node at its cloud provider.")
      .F("unschedulable", "boolean", "Keep new pods off the node.")
      .F("taints", "[]Taint", "Taints that repel pods which do not tolerate them.")
      .F("configSource", "NodeConfigSource", "Deprecated: dynamic kubelet configuration source.")
      .F("externalID", "string", "Deprecated; not used.");

  b.Type("Taint", "Marks a node so that pods without a matching toleration stay off.", kActed)
      .F("key", "string", "Taint key.")
      .F("value", "string", "Taint value.")
      .F("effect", "string", "What happens to pods that do not tolerate it.")
      .E("NoSchedule|PreferNoSchedule|NoExecute")
      .F("timeAdded", "Time", "When a NoExecute taint was added.");

  b.Type("NodeConfigSource", "Deprecated: where a node's configuration came from.", kActed)
      .F("configMap", "ConfigMapNodeConfigSource", "A ConfigMap holding the configuration.");

  b.Type("ConfigMapNodeConfigSource", "Deprecated: a ConfigMap holding node configuration.", kActed)
      .F("namespace", "string", "Namespace of the ConfigMap.")
      .F("name", "string", "Name of the ConfigMap.")
      .F("uid", "string", "UID of the ConfigMap.")
      .F("resourceVersion", "string", "Resource version of the ConfigMap.")
      .F("kubeletConfigKey", "string", "Key holding the kubelet configuration.");

  b.Type("NodeStatus", "Observed state of a node.", kActed)
      .F("capacity", "map[Quantity]", "Total resources of the node.")
      .F("allocatable", "map[Quantity]", "Resources available to pods.")
      .F("phase", "string", "Deprecated lifecycle phase.")
      .E("Pending|Running|Terminated")
      .F("conditions", "[]NodeCondition", "Current conditions, such as Ready.")
      .F("addresses", "[]NodeAddress", "Addresses the node is reachable at.")
      .F("daemonEndpoints", "NodeDaemonEndpoints", "Ports of daemons on the node.")
      .F("nodeInfo", "NodeSystemInfo", "Identity and versions of the node's software.")
      .F("images", "[]ContainerImage", "Images present on the node.")
      .F("volumesInUse", "[]string", "Attachable volumes in use by the node.")
      .F("volumesAttached", "[]AttachedVolume", "Volumes attached to the node.")
      .F("config", "NodeConfigStatus", "Deprecated: status of dynamic configuration.")
      .F("runtimeHandlers", "[]NodeRuntimeHandler", "Runtime handlers available on the node.")
      .F("features", "NodeFeatures", "Features the node implements.");

  b.Type("NodeCondition", "One condition of a node.", kActed)
      .F("type", "string", "Condition type, such as Ready or MemoryPressure.")
      .F("status", "string", "Whether the condition holds.")
      .E("True|False|Unknown")
      .F("lastHeartbeatTime", "Time", "When the condition was last reported.")
      .F("lastTransitionTime", "Time", "When status last changed.")
      .F("reason", "string", "CamelCase reason for the last transition.")
      .F("message", "string", "Human-readable details of the last transition.");

  b.Type("NodeAddress", "One address of a node.", kActed)
      .F("type", "string", "Kind of address.")
      .E("Hostname|InternalIP|ExternalIP|InternalDNS|ExternalDNS")
      .F("address", "string", "The address.");

  b.Type("NodeDaemonEndpoints", "Ports of the daemons on a node.", kActed)
      .F("kubeletEndpoint", "DaemonEndpoint", "Port of the node agent.");

  b.Type("DaemonEndpoint", "One daemon port.", kActed).F("Port", "int32", "Port number.");

  b.Type("NodeSystemInfo", "Identity and software versions of a node.", kActed)
      .F("machineID", "string", "Machine ID from /etc/machine-id.")
      .F("systemUUID", "string", "System UUID of the hardware.")
      .F("bootID", "string", "ID of the current boot.")
      .F("kernelVersion", "string", "Kernel version from uname -r.")
      .F("osImage", "string", "Operating system image, from /etc/os-release.")
      .F("containerRuntimeVersion", "string", "Container runtime and its version.")
      .F("kubeletVersion", "string", "Version of the node agent.")
      .F("kubeProxyVersion", "string", "Deprecated: version of the service proxy.")
      .F("operatingSystem", "string", "Operating system, such as linux.")
      .F("architecture", "string", "CPU architecture, such as amd64.");

  b.Type("ContainerImage", "An image present on a node.", kActed)
      .F("names", "[]string", "Names and digests of the image.")
      .F("sizeBytes", "int64", "Size of the image in bytes.");

  b.Type("AttachedVolume", "A volume attached to a node.", kActed)
      .F("name", "string", "Name of the volume.")
      .F("devicePath", "string", "Device path where it is available.");

  b.Type("NodeConfigStatus", "Deprecated: status of dynamic node configuration.", kActed)
      .F("assigned", "NodeConfigSource", "Configuration the node is asked to use.")
      .F("active", "NodeConfigSource", "Configuration the node is using.")
      .F("lastKnownGood", "NodeConfigSource", "Configuration the node falls back to.")
      .F("error", "string", "Problem applying the configuration.");

  b.Type("NodeRuntimeHandler", "A runtime handler of a node.", kActed)
      .F("name", "string", "Name of the handler; empty for the default one.")
      .F("features", "NodeRuntimeHandlerFeatures", "Features of the handler.");

  b.Type("NodeRuntimeHandlerFeatures", "Features a runtime handler supports.", kActed)
      .F("recursiveReadOnlyMounts", "boolean", "Supports recursive read-only mounts.")
      .F("userNamespaces", "boolean", "Supports user namespaces.");

  b.Type("NodeFeatures", "Features a node implements.", kActed)
      .F("supplementalGroupsPolicy", "boolean", "Supports the supplementalGroupsPolicy field.");
}

}  // namespace skiff::api::schema_internal
