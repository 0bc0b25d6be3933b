// Deployment: NAME READY UP-TO-DATE AVAILABLE AGE [CONTAINERS IMAGES SELECTOR].
// ReplicaSet: NAME DESIRED CURRENT READY AGE [CONTAINERS IMAGES SELECTOR].
//
// READY of a Deployment is "readyReplicas/spec.replicas"; the counts are
// integer cells. spec.replicas defaults to 1 when absent (the API default).
#include "apiserver/printers/printer.h"

namespace skiff::apiserver::printers {
namespace {

using nlohmann::json;

const json& TemplateContainers(const json& spec) {
  return Arr(Obj(Obj(spec, "template"), "spec"), "containers");
}

ColumnDef ContainersColumn() {
  return {"Containers", "string", "", "Names of each container in the template.", 1};
}
ColumnDef ImagesColumn() {
  return {"Images", "string", "", "Images referenced by each container in the template.", 1};
}
ColumnDef SelectorColumn() {
  return {"Selector", "string", "", "Label query over pods that should match the replica count.",
          1};
}

PrintedRow PrintDeployment(const json& d, const PrintContext& ctx) {
  const json& spec = Obj(d, "spec");
  const json& status = Obj(d, "status");
  const int64_t desired = Int(spec, "replicas", 1);
  const int64_t ready = Int(status, "readyReplicas");
  const json& containers = TemplateContainers(spec);
  PrintedRow row;
  row.cells = {NameOf(d),
               std::to_string(ready) + "/" + std::to_string(desired),
               Int(status, "updatedReplicas"),
               Int(status, "availableReplicas"),
               AgeOf(d, ctx.clock),
               ContainerNames(containers),
               ContainerImages(containers),
               SelectorString(Find(spec, "selector"))};
  return row;
}

PrintedRow PrintReplicaSet(const json& rs, const PrintContext& ctx) {
  const json& spec = Obj(rs, "spec");
  const json& status = Obj(rs, "status");
  const json& containers = TemplateContainers(spec);
  PrintedRow row;
  row.cells = {NameOf(rs),
               Int(spec, "replicas", 1),
               Int(status, "replicas"),
               Int(status, "readyReplicas"),
               AgeOf(rs, ctx.clock),
               ContainerNames(containers),
               ContainerImages(containers),
               SelectorString(Find(spec, "selector"))};
  return row;
}

}  // namespace

KindPrinter DeploymentPrinter() {
  return {{NameColumn(),
           {"Ready", "string", "", "Number of the pod with ready state", 0},
           {"Up-to-date", "string", "",
            "Total number of non-terminated pods targeted by this deployment that have the "
            "desired template spec.",
            0},
           {"Available", "string", "",
            "Total number of available pods (ready for at least minReadySeconds) targeted by this "
            "deployment.",
            0},
           AgeColumn(),
           ContainersColumn(),
           ImagesColumn(),
           SelectorColumn()},
          PrintDeployment};
}

KindPrinter ReplicaSetPrinter() {
  return {{NameColumn(),
           {"Desired", "integer", "", "Number of desired pods.", 0},
           {"Current", "integer", "", "The most recently observed number of replicas.", 0},
           {"Ready", "integer", "",
            "The number of pods targeted by this ReplicaSet with a Ready "
            "Condition.",
            0},
           AgeColumn(),
           ContainersColumn(),
           ImagesColumn(),
           SelectorColumn()},
          PrintReplicaSet};
}

}  // namespace skiff::apiserver::printers
