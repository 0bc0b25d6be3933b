// KindHooks: per-kind steps the generic ObjectStore runs around writes, for the
// few kinds that own cluster-wide resources (Service cluster IPs and node ports).
//
// BeforeCreate may change the object (fill allocated fields) or reject it;
// whatever it reserved is given back by CreateFailed when the write does not
// happen, and by Deleted once the object is gone. Rebuild is called once at
// start with every stored object of the kind. Implementations are thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "base/status.h"

namespace skiff::apiserver {

class KindHooks {
 public:
  virtual ~KindHooks() = default;
  virtual void Rebuild(const std::vector<nlohmann::json>& objects) = 0;
  virtual Status BeforeCreate(nlohmann::json& object) = 0;
  virtual void CreateFailed(const nlohmann::json& object) = 0;
  // On update: may reserve what the new object asks for (e.g. type changed to
  // NodePort); UpdateFailed gives it back, UpdateDone releases what old held only.
  virtual Status BeforeUpdate(nlohmann::json& object, const nlohmann::json& old) = 0;
  virtual void UpdateFailed(const nlohmann::json& object, const nlohmann::json& old) = 0;
  virtual void UpdateDone(const nlohmann::json& object, const nlohmann::json& old) = 0;
  virtual void Deleted(const nlohmann::json& object) = 0;
};

}  // namespace skiff::apiserver
