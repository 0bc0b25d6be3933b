// meta/v1: ObjectMeta, ListMeta, owner references, managed fields, label
// selectors and the generic Condition. skiff acts on all of them.
#include "api/schema/builder.h"

namespace skiff::api::schema_internal {

void DefineMetaTypes(SchemaBuilder& b) {
  b.Package("io.k8s.apimachinery.pkg.apis.meta.v1");

  b.Type("ObjectMeta", "Metadata every persisted object carries: identity, labels, ownership.",
         kActed)
      .F("name", "string",
         "Unique name of the object within its namespace (or cluster, if not namespaced).")
      .F("generateName", "string",
         "Prefix from which the server generates a unique name when name is empty.")
      .F("namespace", "string", "Namespace that scopes the name; empty for cluster-scoped objects.")
      .F("selfLink", "string", "Deprecated URL of the object; never set by the server any more.")
      .F("uid", "string", "Server-assigned identifier, unique in time and space; read-only.")
      .F("resourceVersion", "string",
         "Opaque version of the object used for optimistic concurrency and watches.")
      .F("generation", "int64",
         "Sequence number of the desired state, bumped by the server on spec changes.")
      .F("creationTimestamp", "Time", "When the server created the object; read-only.")
      .F("deletionTimestamp", "Time",
         "When graceful deletion was requested; set by the server, read-only.")
      .F("deletionGracePeriodSeconds", "int64",
         "Seconds the object is allowed to terminate gracefully before removal.")
      .F("labels", "map[string]", "Key/value pairs used to organise and select objects.")
      .F("annotations", "map[string]",
         "Unstructured key/value data kept for tools; not used for selection.")
      .F("ownerReferences", "[]OwnerReference",
         "Objects this one depends on; it is garbage-collected when they all go.")
      .F("finalizers", "[]string",
         "Tokens that must be removed before a deleting object is finally removed.")
      .F("managedFields", "[]ManagedFieldsEntry",
         "Which manager set which fields, kept for server-side apply.");

  b.Type("ListMeta", "Metadata of a list response: its version and paging token.", kActed)
      .F("selfLink", "string", "Deprecated URL of the list; never set by the server any more.")
      .F("resourceVersion", "string",
         "Version of the store the list was read at; start a watch from it.")
      .F("continue", "string", "Token to fetch the next page when the list was limited.")
      .F("remainingItemCount", "int64", "Estimated number of items after this page, when known.");

  b.Type("OwnerReference", "Identifies an owning object in the same namespace.", kActed)
      .F("apiVersion", "string", "API version of the owner.")
      .F("kind", "string", "Kind of the owner.")
      .F("name", "string", "Name of the owner.")
      .F("uid", "string", "UID of the owner; the reference holds only while it matches.")
      .F("controller", "boolean",
         "True when the owner is the managing controller; at most one such owner.")
      .F("blockOwnerDeletion", "boolean",
         "When true, foreground deletion of the owner waits for this object.");

  b.Type("ManagedFieldsEntry", "A set of fields owned by one manager, for server-side apply.",
         kActed)
      .F("manager", "string", "Name of the workflow that manages these fields.")
      .F("operation", "string", "The operation that set the fields: Apply or Update.")
      .E("Apply|Update")
      .F("apiVersion", "string", "API version the field set is expressed in.")
      .F("time", "Time", "When the entry was last changed.")
      .F("fieldsType", "string", "Format of the field set; only FieldsV1 exists.")
      .E("FieldsV1")
      .F("fieldsV1", "object", "The set of owned fields, as a trie of field keys.")
      .F("subresource", "string",
         "Subresource the fields were set through, empty for the main resource.");

  b.Type("LabelSelector", "A label query: all matchLabels and all matchExpressions must hold.",
         kActed)
      .F("matchLabels", "map[string]", "Labels that must be present with exactly these values.")
      .F("matchExpressions", "[]LabelSelectorRequirement",
         "Set-based requirements, all of which must hold.");

  b.Type("LabelSelectorRequirement", "One set-based label requirement: key, operator, values.",
         kActed)
      .F("key", "string", "Label key the requirement applies to.")
      .F("operator", "string", "How key relates to values.")
      .E("In|NotIn|Exists|DoesNotExist")
      .F("values", "[]string",
         "Values for In and NotIn; must be empty for Exists and DoesNotExist.");

  b.Type("Condition", "One aspect of an object's current state, with when and why it changed.",
         kActed)
      .F("type", "string", "Condition type in CamelCase, such as Available.")
      .F("status", "string", "Whether the condition holds.")
      .E("True|False|Unknown")
      .F("observedGeneration", "int64", "The metadata.generation the condition was computed from.")
      .F("lastTransitionTime", "Time", "When status last changed.")
      .F("reason", "string", "Machine-readable CamelCase reason for the last transition.")
      .F("message", "string", "Human-readable details of the last transition.");
}

}  // namespace skiff::api::schema_internal
