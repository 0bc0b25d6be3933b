// Shared fixtures for the defaulting and validation tests: realistic valid
// objects of each kind and helpers to look for one error in a list.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "api/field_error.h"
#include "api/kinds.h"

namespace skiff::api::testing {

using nlohmann::json;

inline const KindInfo& Kind(std::string_view name) {
  for (const auto& k : AllKinds()) {
    if (k.kind == name) return k;
  }
  throw std::logic_error("unknown kind in test: " + std::string(name));
}

inline std::string Dump(const FieldErrors& errs) {
  std::string out;
  for (const auto& e : errs) out += "  " + e.ToString() + "  [" + std::string(e.Reason()) + "]\n";
  return out.empty() ? "  (no errors)\n" : out;
}

inline bool Has(const FieldErrors& errs, FieldErrorType type, std::string_view field) {
  for (const auto& e : errs) {
    if (e.type == type && e.field == field) return true;
  }
  return false;
}

inline const FieldError* Find(const FieldErrors& errs, std::string_view field) {
  for (const auto& e : errs) {
    if (e.field == field) return &e;
  }
  return nullptr;
}

inline json ValidPod() {
  return json::parse(R"({
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "web-0", "namespace": "default",
                 "labels": {"app": "web", "app.kubernetes.io/part-of": "shop"},
                 "annotations": {"example.com/owner": "team-a"}},
    "spec": {
      "volumes": [{"name": "data", "emptyDir": {}},
                  {"name": "config", "configMap": {"name": "web-config"}}],
      "initContainers": [{"name": "init", "image": "busybox:1.36", "command": ["true"]}],
      "containers": [{
        "name": "nginx", "image": "nginx:1.27",
        "ports": [{"name": "http", "containerPort": 80, "protocol": "TCP"}],
        "env": [{"name": "MODE", "value": "prod"},
                {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
        "resources": {"requests": {"cpu": "100m", "memory": "64Mi"},
                      "limits": {"cpu": "1", "memory": "128Mi"}},
        "volumeMounts": [{"name": "data", "mountPath": "/data"},
                         {"name": "config", "mountPath": "/etc/web"}],
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http"}},
        "readinessProbe": {"tcpSocket": {"port": 80}, "periodSeconds": 5}
      }],
      "restartPolicy": "Always",
      "nodeSelector": {"kubernetes.io/os": "linux"},
      "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"}]
    }
  })");
}

inline json ValidService() {
  return json::parse(R"({
    "apiVersion": "v1", "kind": "Service",
    "metadata": {"name": "web", "namespace": "default"},
    "spec": {"selector": {"app": "web"},
             "ports": [{"name": "http", "port": 80, "targetPort": "http"},
                       {"name": "https", "port": 443, "targetPort": 8443}]}
  })");
}

inline json ValidDeployment() {
  return json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
    "spec": {
      "replicas": 3,
      "selector": {"matchLabels": {"app": "web"}},
      "template": {
        "metadata": {"labels": {"app": "web", "tier": "frontend"}},
        "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27",
                                 "ports": [{"containerPort": 80}]}]}
      }
    }
  })");
}

inline json ValidReplicaSet() {
  json rs = ValidDeployment();
  rs["kind"] = "ReplicaSet";
  rs["metadata"]["name"] = "web-5d8f7c9b4";
  return rs;
}

}  // namespace skiff::api::testing
