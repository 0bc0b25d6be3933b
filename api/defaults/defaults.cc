#include "api/defaults/defaults.h"

#include "api/defaults/kind_defaults.h"

namespace skiff::api {

void ApplyDefaults(const KindInfo& kind, nlohmann::json& object) {
  if (!object.is_object()) return;
  using namespace defaults;
  const std::string& k = kind.kind;
  if (k == "Pod") {
    DefaultPod(object);
  } else if (k == "Service") {
    DefaultService(object);
  } else if (k == "Deployment") {
    DefaultDeployment(object);
  } else if (k == "ReplicaSet") {
    DefaultReplicaSet(object);
  } else if (k == "Secret") {
    DefaultSecret(object);
  } else if (k == "Namespace") {
    DefaultNamespace(object);
  } else if (k == "Node") {
    DefaultNode(object);
  } else if (k == "Endpoints") {
    DefaultEndpoints(object);
  }
}

}  // namespace skiff::api
