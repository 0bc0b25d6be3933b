// core/v1 Container and everything a container spec refers to: ports,
// environment, resources, mounts, probes, lifecycle hooks, security context.
#include "api/schema/builder.h"

namespace skiff::api::schema_internal {

namespace {

// Container and EphemeralContainer share their fields; ephemeral ones are never
// acted on because skiff does not run ephemeral containers.
void ContainerFields(TypeBuilder& t, bool acted) {
  auto act = [&](std::string_view n, std::string_view ty, std::string_view d) -> TypeBuilder& {
    return acted ? t.A(n, ty, d) : t.N(n, ty, d);
  };
  act("name", "string", "Name of the container, unique within the pod (a DNS label).");
  act("image", "string", "Container image reference, such as nginx:1.27.");
  act("command", "[]string", "Entrypoint; replaces the image's ENTRYPOINT when set.");
  act("args", "[]string", "Arguments to the entrypoint; replace the image's CMD when set.");
  act("workingDir", "string", "Working directory of the process; the image's default when empty.");
  act("ports", "[]ContainerPort", "Ports the container exposes, for information and naming.");
  act("envFrom", "[]EnvFromSource", "Sources whose keys all become environment variables.");
  act("env", "[]EnvVar", "Environment variables set in the container.");
  act("resources", "ResourceRequirements",
      "Compute resources requested and limited for the container.");
  t.N("resizePolicy", "[]ContainerResizePolicy", "How each resource may be resized in place.");
  t.N("restartPolicy", "string",
      "Per-container restart policy; Always makes an init container a sidecar.")
      .E("Always");
  act("volumeMounts", "[]VolumeMount", "Pod volumes mounted into the container's filesystem.");
  t.N("volumeDevices", "[]VolumeDevice", "Block devices from volumes exposed to the container.");
  act("livenessProbe", "Probe", "Check whose failure makes the container restart.");
  act("readinessProbe", "Probe", "Check whose failure removes the pod from service endpoints.");
  act("startupProbe", "Probe", "Check that must succeed before the other probes start.");
  t.N("lifecycle", "Lifecycle", "Hooks run after start and before stop.");
  t.N("terminationMessagePath", "string", "File whose contents become the termination message.");
  t.N("terminationMessagePolicy", "string", "Where the termination message is read from.")
      .E("File|FallbackToLogsOnError");
  act("imagePullPolicy", "string", "When the image is pulled.").E("Always|Never|IfNotPresent");
  act("securityContext", "SecurityContext", "Security settings of this container.");
  t.N("stdin", "boolean", "Allocate a buffer for standard input.");
  t.N("stdinOnce", "boolean", "Close standard input after the first attach ends.");
  t.N("tty", "boolean", "Allocate a terminal for the container.");
}

}  // namespace

void DefineCoreContainerTypes(SchemaBuilder& b) {
  b.Package("io.k8s.api.core.v1");

  TypeBuilder container = b.Type("Container", "One application container of a pod.");
  ContainerFields(container, true);

  TypeBuilder ephemeral =
      b.Type("EphemeralContainer", "A temporary container added to a running pod for debugging.");
  ContainerFields(ephemeral, false);
  ephemeral.N("targetContainerName", "string", "Container whose namespaces the debugger joins.");

  b.Type("ContainerPort", "A network port of a container.", kActed)
      .F("name", "string", "IANA service name of the port, unique in the pod.")
      .F("hostPort", "int32", "Port on the node to forward to the container port.")
      .F("containerPort", "int32", "Port number on the pod's IP address.")
      .F("protocol", "string", "Transport protocol.")
      .E("TCP|UDP|SCTP")
      .F("hostIP", "string", "Node address to bind the host port on.");

  b.Type("EnvFromSource", "A ConfigMap or Secret whose keys become environment variables.", kActed)
      .F("prefix", "string", "Prefix prepended to every key.")
      .F("configMapRef", "ConfigMapEnvSource", "The ConfigMap to read.")
      .F("secretRef", "SecretEnvSource", "The Secret to read.");

  b.Type("ConfigMapEnvSource", "A ConfigMap used as a source of environment variables.", kActed)
      .F("name", "string", "Name of the ConfigMap.")
      .F("optional", "boolean", "Start the container even if the ConfigMap is missing.");

  b.Type("SecretEnvSource", "A Secret used as a source of environment variables.", kActed)
      .F("name", "string", "Name of the Secret.")
      .F("optional", "boolean", "Start the container even if the Secret is missing.");

  b.Type("EnvVar", "One environment variable.", kActed)
      .F("name", "string", "Variable name.")
      .F("value", "string", "Literal value; $(VAR) references to earlier variables are expanded.")
      .F("valueFrom", "EnvVarSource", "Where to read the value from when value is empty.");

  b.Type("EnvVarSource", "Where an environment variable's value comes from.", kActed)
      .F("fieldRef", "ObjectFieldSelector", "A field of the pod, such as metadata.name.")
      .F("resourceFieldRef", "ResourceFieldSelector", "A resource limit or request of a container.")
      .F("configMapKeyRef", "ConfigMapKeySelector", "A key of a ConfigMap.")
      .F("secretKeyRef", "SecretKeySelector", "A key of a Secret.");

  b.Type("ObjectFieldSelector", "Selects a field of the pod.", kActed)
      .F("apiVersion", "string", "Version of the schema fieldPath is written in.")
      .F("fieldPath", "string", "Path of the field, such as status.podIP.");

  b.Type("ResourceFieldSelector", "Selects a container resource limit or request.", kActed)
      .F("containerName", "string", "Container to read; required for volumes.")
      .F("resource", "string", "Resource to read, such as limits.memory.")
      .F("divisor", "Quantity", "Unit the value is expressed in; defaults to 1.");

  b.Type("ConfigMapKeySelector", "Selects one key of a ConfigMap.", kActed)
      .F("name", "string", "Name of the ConfigMap.")
      .F("key", "string", "Key to read.")
      .F("optional", "boolean", "Allow the ConfigMap or key to be missing.");

  b.Type("SecretKeySelector", "Selects one key of a Secret.", kActed)
      .F("name", "string", "Name of the Secret.")
      .F("key", "string", "Key to read.")
      .F("optional", "boolean", "Allow the Secret or key to be missing.");

  b.Type("ResourceRequirements",
         "Compute resources: requests for placement, limits for enforcement.", kActed)
      .F("limits", "map[Quantity]", "Most of each resource the container may use.")
      .F("requests", "map[Quantity]",
         "Least of each resource the container needs; defaults to limits.")
      .N("claims", "[]ResourceClaim", "Dynamic resource claims of the pod this container uses.");

  b.Type("ResourceClaim", "A reference to one of the pod's resource claims.")
      .F("name", "string", "Name of an entry of the pod's resourceClaims.")
      .F("request", "string", "One request of the claim, if only that one is needed.");

  b.Type("ContainerResizePolicy", "How one resource of a container is resized in place.")
      .F("resourceName", "string", "Resource the policy applies to, such as cpu.")
      .F("restartPolicy", "string", "Whether resizing restarts the container.")
      .E("NotRequired|RestartContainer");

  b.Type("VolumeMount", "Where a pod volume appears inside a container.", kActed)
      .F("name", "string", "Name of the pod volume.")
      .F("readOnly", "boolean", "Mount read-only.")
      .N("recursiveReadOnly", "string", "Whether read-only also applies to submounts.")
      .E("Disabled|IfPossible|Enabled")
      .F("mountPath", "string", "Path in the container; must not contain ':'.")
      .F("subPath", "string", "Path inside the volume to mount instead of its root.")
      .N("mountPropagation", "string", "How mounts propagate between host and container.")
      .E("None|HostToContainer|Bidirectional")
      .N("subPathExpr", "string", "Like subPath, with $(VAR) expanded from the environment.");

  b.Type("VolumeDevice", "A raw block volume mapped into a container.")
      .F("name", "string", "Name of a persistentVolumeClaim volume of the pod.")
      .F("devicePath", "string", "Path of the device inside the container.");

  b.Type("Probe", "A periodic health check of a container.", kActed)
      .F("exec", "ExecAction", "Run a command; exit status 0 is success.")
      .F("httpGet", "HTTPGetAction", "HTTP GET; a status from 200 to 399 is success.")
      .F("tcpSocket", "TCPSocketAction", "Open a TCP connection; connecting is success.")
      .N("grpc", "GRPCAction", "Call the gRPC health checking service.")
      .F("initialDelaySeconds", "int32", "Seconds after start before the first probe.")
      .F("timeoutSeconds", "int32", "Seconds after which one probe times out.")
      .F("periodSeconds", "int32", "Seconds between probes.")
      .F("successThreshold", "int32", "Consecutive successes needed after a failure.")
      .F("failureThreshold", "int32", "Consecutive failures after which the probe has failed.")
      .N("terminationGracePeriodSeconds", "int64",
         "Grace period used when a failed probe kills the container.");

  b.Type("ExecAction", "A command run inside the container.", kActed)
      .F("command", "[]string", "Command line, run without a shell.");

  b.Type("HTTPGetAction", "An HTTP GET request.", kActed)
      .F("path", "string", "Path to request.")
      .F("port", "IntOrString", "Port number or name to connect to.")
      .F("host", "string", "Host to connect to; defaults to the pod IP.")
      .F("scheme", "string", "Scheme to use.")
      .E("HTTP|HTTPS")
      .F("httpHeaders", "[]HTTPHeader", "Extra request headers.");

  b.Type("HTTPHeader", "One HTTP header.", kActed)
      .F("name", "string", "Header name.")
      .F("value", "string", "Header value.");

  b.Type("TCPSocketAction", "A TCP connection attempt.", kActed)
      .F("port", "IntOrString", "Port number or name to connect to.")
      .F("host", "string", "Host to connect to; defaults to the pod IP.");

  b.Type("GRPCAction", "A call to the gRPC health checking protocol.")
      .F("port", "int32", "Port of the gRPC service.")
      .F("service", "string", "Service name sent in the health check request.");

  b.Type("Lifecycle", "Hooks the runtime runs on container lifecycle events.")
      .F("postStart", "LifecycleHandler", "Run right after the container is created.")
      .F("preStop", "LifecycleHandler", "Run before the container is stopped.");

  b.Type("LifecycleHandler", "One action of a lifecycle hook.")
      .F("exec", "ExecAction", "Run a command in the container.")
      .F("httpGet", "HTTPGetAction", "Send an HTTP GET.")
      .F("tcpSocket", "TCPSocketAction", "Deprecated; kept for compatibility.")
      .F("sleep", "SleepAction", "Wait a number of seconds.");

  b.Type("SleepAction", "A pause of fixed length.").F("seconds", "int64", "Seconds to sleep.");

  b.Type("SecurityContext", "Security settings of one container; they override the pod's.", kActed)
      .F("capabilities", "Capabilities", "Capabilities added to and dropped from the default set.")
      .F("privileged", "boolean", "Run with all capabilities and access to host devices.")
      .N("seLinuxOptions", "SELinuxOptions", "SELinux context of the container.")
      .N("windowsOptions", "WindowsSecurityContextOptions", "Windows-specific settings.")
      .F("runAsUser", "int64", "User ID of the entrypoint process.")
      .F("runAsGroup", "int64", "Primary group ID of the entrypoint process.")
      .F("runAsNonRoot", "boolean", "Refuse to start if the process would run as root.")
      .F("readOnlyRootFilesystem", "boolean", "Mount the container's root filesystem read-only.")
      .F("allowPrivilegeEscalation", "boolean",
         "Whether a process may gain more privileges than its parent.")
      .N("procMount", "string", "Which proc mount to use.")
      .E("Default|Unmasked")
      .N("seccompProfile", "SeccompProfile", "Seccomp profile of the container.")
      .N("appArmorProfile", "AppArmorProfile", "AppArmor profile of the container.");

  b.Type("Capabilities", "Linux capabilities to add and drop.", kActed)
      .F("add", "[]string", "Capabilities to add, such as NET_ADMIN.")
      .F("drop", "[]string", "Capabilities to drop; ALL drops every one.");
}

}  // namespace skiff::api::schema_internal
