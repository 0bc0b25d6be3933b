// Protobuf field tables, meta/v1: ObjectMeta and its parts, LabelSelector, Condition;
// and runtime.Unknown, the envelope every protobuf body comes in.
//
// Field numbers from k8s.io/apimachinery pkg/apis/meta/v1 generated.proto (release 1.32); JSON
// names, pointer-ness and omitempty from the Go types of the same release.
#include "api/protobuf/message_table.h"

namespace skiff::api::protobuf_internal {

const std::vector<MessageSpec>& MetaMessages() {
  using enum FieldKind;
  static const std::vector<MessageSpec> kMessages = {
      {"ObjectMeta",
       {
           {1, "name", kString},
           {2, "generateName", kString},
           {3, "namespace", kString},
           {4, "selfLink", kString},
           {5, "uid", kString},
           {6, "resourceVersion", kString},
           {7, "generation", kInt64},
           {8, "creationTimestamp", kTime},
           {9, "deletionTimestamp", kTime, {}, kPointer},
           {10, "deletionGracePeriodSeconds", kInt64, {}, kPointer},
           {11, "labels", kStringMap},
           {12, "annotations", kStringMap},
           {13, "ownerReferences", kMessage, "OwnerReference", kRepeated},
           {14, "finalizers", kString, {}, kRepeated},
           {17, "managedFields", kMessage, "ManagedFieldsEntry", kRepeated},
       }},
      {"OwnerReference",
       {
           {5, "apiVersion", kString, {}, kAlways},
           {1, "kind", kString, {}, kAlways},
           {3, "name", kString, {}, kAlways},
           {4, "uid", kString, {}, kAlways},
           {6, "controller", kBool, {}, kPointer},
           {7, "blockOwnerDeletion", kBool, {}, kPointer},
       }},
      {"ManagedFieldsEntry",
       {
           {1, "manager", kString},
           {2, "operation", kString},
           {3, "apiVersion", kString},
           {4, "time", kTime, {}, kPointer},
           {6, "fieldsType", kString},
           {7, "fieldsV1", kFieldsV1, {}, kPointer},
           {8, "subresource", kString},
       }},
      {"LabelSelector",
       {
           {1, "matchLabels", kStringMap},
           {2, "matchExpressions", kMessage, "LabelSelectorRequirement", kRepeated},
       }},
      {"Condition",
       {
           {1, "type", kString, {}, kAlways},
           {2, "status", kString, {}, kAlways},
           {3, "observedGeneration", kInt64},
           {4, "lastTransitionTime", kTime},
           {5, "reason", kString, {}, kAlways},
           {6, "message", kString, {}, kAlways},
       }},
      {"LabelSelectorRequirement",
       {
           {1, "key", kString, {}, kAlways},
           {2, "operator", kString, {}, kAlways},
           {3, "values", kString, {}, kRepeated},
       }},
      // k8s.io/apimachinery pkg/runtime generated.proto. The raw object is read as
      // bytes (base64 in the JSON) and decoded again as the message of its kind.
      {"Unknown",
       {
           {1, "typeMeta", kMessage, "TypeMeta"},
           {2, "raw", kBytes, {}, kAlways},
           {3, "contentEncoding", kString, {}, kAlways},
           {4, "contentType", kString, {}, kAlways},
       }},
      {"TypeMeta",
       {
           {1, "apiVersion", kString, {}, kAlways},
           {2, "kind", kString, {}, kAlways},
       }},
  };
  return kMessages;
}

}  // namespace skiff::api::protobuf_internal
