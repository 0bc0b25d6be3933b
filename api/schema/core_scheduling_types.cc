// core/v1 scheduling constraints: affinity, tolerations, topology spread.
// skiff places pods by nodeName and nodeSelector only, so none of these are
// acted on yet.
#include "api/schema/builder.h"

namespace skiff::api::schema_internal {

void DefineCoreSchedulingTypes(SchemaBuilder& b) {
  b.Package("io.k8s.api.core.v1");

  b.Type("Affinity", "Scheduling affinity rules of a pod.")
      .F("nodeAffinity", "NodeAffinity", "Rules about which nodes the pod may run on.")
      .F("podAffinity", "PodAffinity", "Rules to co-locate the pod with other pods.")
      .F("podAntiAffinity", "PodAntiAffinity", "Rules to keep the pod away from other pods.");

  b.Type("NodeAffinity", "Node affinity rules: required and preferred.")
      .F("requiredDuringSchedulingIgnoredDuringExecution", "NodeSelector",
         "Node requirements that must hold for the pod to be placed.")
      .F("preferredDuringSchedulingIgnoredDuringExecution", "[]PreferredSchedulingTerm",
         "Weighted node preferences the scheduler tries to satisfy.");

  b.Type("NodeSelector", "A node query: matches when any of its terms matches.")
      .F("nodeSelectorTerms", "[]NodeSelectorTerm", "The terms, combined with OR.");

  b.Type("NodeSelectorTerm", "Node requirements combined with AND.")
      .F("matchExpressions", "[]NodeSelectorRequirement", "Requirements on node labels.")
      .F("matchFields", "[]NodeSelectorRequirement", "Requirements on node fields.");

  b.Type("NodeSelectorRequirement", "One requirement on a node label or field.")
      .F("key", "string", "Label key or field name.")
      .F("operator", "string", "How key relates to values.")
      .E("In|NotIn|Exists|DoesNotExist|Gt|Lt")
      .F("values", "[]string", "Values compared against; one integer for Gt and Lt.");

  b.Type("PreferredSchedulingTerm", "A weighted node preference.")
      .F("weight", "int32", "Weight from 1 to 100 added to matching nodes' scores.")
      .F("preference", "NodeSelectorTerm", "The nodes preferred.");

  b.Type("PodAffinity", "Rules to place a pod near pods matching a query.")
      .F("requiredDuringSchedulingIgnoredDuringExecution", "[]PodAffinityTerm",
         "Terms that must all hold at scheduling time.")
      .F("preferredDuringSchedulingIgnoredDuringExecution", "[]WeightedPodAffinityTerm",
         "Weighted terms the scheduler tries to satisfy.");

  b.Type("PodAntiAffinity", "Rules to place a pod away from pods matching a query.")
      .F("requiredDuringSchedulingIgnoredDuringExecution", "[]PodAffinityTerm",
         "Terms that must all hold at scheduling time.")
      .F("preferredDuringSchedulingIgnoredDuringExecution", "[]WeightedPodAffinityTerm",
         "Weighted terms the scheduler tries to satisfy.");

  b.Type("PodAffinityTerm", "A set of pods and the topology domain they are counted in.")
      .F("labelSelector", "LabelSelector", "Pods the term is about.")
      .F("namespaces", "[]string",
         "Namespaces those pods are looked for in; the pod's own by default.")
      .F("topologyKey", "string", "Node label whose value defines the co-location domain.")
      .F("namespaceSelector", "LabelSelector",
         "Namespaces, by label, those pods are looked for in.")
      .F("matchLabelKeys", "[]string",
         "Label keys whose values from the incoming pod are added to the selector.")
      .F("mismatchLabelKeys", "[]string",
         "Label keys whose values must differ from the incoming pod's.");

  b.Type("WeightedPodAffinityTerm", "A pod affinity term with a weight.")
      .F("weight", "int32", "Weight from 1 to 100.")
      .F("podAffinityTerm", "PodAffinityTerm", "The term.");

  b.Type("Toleration", "Lets a pod be placed on, or stay on, nodes with a matching taint.")
      .F("key", "string", "Taint key matched; empty matches every key with operator Exists.")
      .F("operator", "string", "How key relates to value.")
      .E("Exists|Equal")
      .F("value", "string", "Taint value matched for operator Equal.")
      .F("effect", "string", "Taint effect matched; empty matches all effects.")
      .E("NoSchedule|PreferNoSchedule|NoExecute")
      .F("tolerationSeconds", "int64", "How long a NoExecute taint is tolerated before eviction.");

  b.Type("TopologySpreadConstraint", "How matching pods are spread across a topology.")
      .F("maxSkew", "int32", "Largest allowed difference in matching pods between two domains.")
      .F("topologyKey", "string", "Node label whose values are the domains.")
      .F("whenUnsatisfiable", "string", "What to do when the constraint cannot be met.")
      .E("DoNotSchedule|ScheduleAnyway")
      .F("labelSelector", "LabelSelector", "Pods counted in each domain.")
      .F("minDomains", "int32", "Least number of eligible domains.")
      .F("nodeAffinityPolicy", "string", "Whether node affinity limits the domains counted.")
      .E("Honor|Ignore")
      .F("nodeTaintsPolicy", "string", "Whether node taints limit the domains counted.")
      .E("Honor|Ignore")
      .F("matchLabelKeys", "[]string",
         "Label keys whose values from the incoming pod narrow the selector.");
}

}  // namespace skiff::api::schema_internal
