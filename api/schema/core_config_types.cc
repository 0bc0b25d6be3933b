// core/v1 Namespace, ConfigMap, Secret, Event and ServiceAccount. skiff acts on
// all of their fields.
#include "api/schema/builder.h"

namespace skiff::api::schema_internal {

void DefineCoreConfigTypes(SchemaBuilder& b) {
  b.Package("io.k8s.api.core.v1");

  b.Type("Namespace", "A scope for names; deleting it deletes everything in it.", kActed)
      .TopLevel()
      .F("spec", "NamespaceSpec", "How the namespace is configured.")
      .F("status", "NamespaceStatus", "Most recently observed state of the namespace.");

  b.Type("NamespaceSpec", "Configuration of a namespace.", kActed)
      .F("finalizers", "[]string", "Tokens that must be removed before the namespace is deleted.");

  b.Type("NamespaceStatus", "Observed state of a namespace.", kActed)
      .F("phase", "string", "Whether the namespace is in use or being removed.")
      .E("Active|Terminating")
      .F("conditions", "[]NamespaceCondition", "Current conditions of the namespace.");

  b.Type("NamespaceCondition", "One condition of a namespace.", kActed)
      .F("type", "string", "Condition type, such as NamespaceContentRemaining.")
      .F("status", "string", "Whether the condition holds.")
      .E("True|False|Unknown")
      .F("lastTransitionTime", "Time", "When status last changed.")
      .F("reason", "string", "CamelCase reason for the last transition.")
      .F("message", "string", "Human-readable details of the last transition.");

  b.Type("ConfigMap", "Non-secret configuration as key/value pairs.", kActed)
      .TopLevel()
      .F("immutable", "boolean", "When true, data cannot change after creation.")
      .F("data", "map[string]", "UTF-8 values by key.")
      .F("binaryData", "map[bytes]", "Binary values by key, base64 in JSON.");

  b.Type("Secret", "Sensitive data, such as passwords or keys, by key.", kActed)
      .TopLevel()
      .F("immutable", "boolean", "When true, data cannot change after creation.")
      .F("data", "map[bytes]", "Values by key, base64 in JSON.")
      .F("stringData", "map[string]", "Write-only plain-text values merged into data on write.")
      .F("type", "string", "Type that says how the data is used, such as kubernetes.io/tls.");

  b.Type("Event", "A report of something that happened to an object.", kActed)
      .TopLevel()
      .F("involvedObject", "ObjectReference", "The object the event is about.")
      .F("reason", "string", "Short CamelCase reason, such as Pulled.")
      .F("message", "string", "Human-readable description of what happened.")
      .F("source", "EventSource", "Component that reported the event.")
      .F("firstTimestamp", "Time", "When the event was first recorded.")
      .F("lastTimestamp", "Time", "When the event was most recently recorded.")
      .F("count", "int32", "How many times the event has occurred.")
      .F("type", "string", "Severity of the event.")
      .E("Normal|Warning")
      .F("eventTime", "MicroTime", "When the event first happened, with microseconds.")
      .F("series", "EventSeries", "Data about a series of repeated events.")
      .F("action", "string", "What was done, or failed, to the object.")
      .F("related", "ObjectReference", "A second object involved, if any.")
      .F("reportingComponent", "string",
         "Controller that emitted the event, such as skiff.io/agent.")
      .F("reportingInstance", "string", "Instance of that controller, such as a node name.");

  b.Type("EventSource", "The component that reported an event.", kActed)
      .F("component", "string", "Name of the component.")
      .F("host", "string", "Node the component runs on.");

  b.Type("EventSeries", "A series of repeated events.", kActed)
      .F("count", "int32", "Occurrences in the series so far.")
      .F("lastObservedTime", "MicroTime", "When the last occurrence happened.");

  b.Type("ServiceAccount", "An identity for processes running in pods.", kActed)
      .TopLevel()
      .F("secrets", "[]ObjectReference", "Secrets pods of this account may use.")
      .F("imagePullSecrets", "[]LocalObjectReference",
         "Registry credentials added to pods of this account.")
      .F("automountServiceAccountToken", "boolean", "Whether pods get a token mounted by default.");
}

}  // namespace skiff::api::schema_internal
