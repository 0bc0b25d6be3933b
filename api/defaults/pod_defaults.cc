// Pod and PodSpec defaults (upstream's SetDefaults_Pod, SetDefaults_PodSpec,
// SetDefaults_Container, _ContainerPort, _Probe, _HTTPGetAction,
// _ObjectFieldSelector and the volume source defaults).
#include <string>

#include "api/defaults/image_ref.h"
#include "api/defaults/kind_defaults.h"
#include "api/volume_sources.h"
#include "api/validation/json_access.h"

namespace skiff::api::defaults {
namespace {

using jsonx::SetDefault;
using jsonx::SetDefaultString;

constexpr int kDefaultFileMode = 0644;  // 420
constexpr int kDefaultGracePeriodSeconds = 30;
constexpr int kDefaultTokenExpirationSeconds = 3600;

void DefaultHttpGet(json& handler) {
  json* http = jsonx::Get(handler, "httpGet") ? &handler["httpGet"] : nullptr;
  if (!http || !http->is_object()) return;
  SetDefaultString(*http, "path", "/");
  SetDefaultString(*http, "scheme", "HTTP");
}

// Upstream's probe fields are plain int32s, so an explicit 0 counts as unset.
void SetDefaultNonZero(json& obj, const char* key, int value) {
  const json* v = jsonx::Get(obj, key);
  if (!v || (v->is_number() && jsonx::AsInt(*v) == 0)) obj[key] = value;
}

void DefaultProbe(json& container, const char* name) {
  if (!jsonx::GetObject(container, name)) return;
  json& probe = container[name];
  SetDefaultNonZero(probe, "timeoutSeconds", 1);
  SetDefaultNonZero(probe, "periodSeconds", 10);
  SetDefaultNonZero(probe, "successThreshold", 1);
  SetDefaultNonZero(probe, "failureThreshold", 3);
  DefaultHttpGet(probe);
}

void DefaultContainer(json& c) {
  if (!c.is_object()) return;
  if (jsonx::GetString(c, "imagePullPolicy").empty()) {
    std::string tag = ImageTag(jsonx::GetString(c, "image"));
    c["imagePullPolicy"] = tag == "latest" ? "Always" : "IfNotPresent";
  }
  SetDefaultString(c, "terminationMessagePath", "/dev/termination-log");
  SetDefaultString(c, "terminationMessagePolicy", "File");
  if (jsonx::GetArray(c, "ports")) {
    for (json& port : c["ports"]) {
      if (port.is_object()) SetDefaultString(port, "protocol", "TCP");
    }
  }
  if (jsonx::GetArray(c, "env")) {
    for (json& ev : c["env"]) {
      if (!jsonx::GetObject(ev, "valueFrom")) continue;
      json& from = ev["valueFrom"];
      if (jsonx::GetObject(from, "fieldRef"))
        SetDefaultString(from["fieldRef"], "apiVersion", "v1");
    }
  }
  for (const char* probe : {"livenessProbe", "readinessProbe", "startupProbe"}) {
    DefaultProbe(c, probe);
  }
  if (jsonx::GetObject(c, "lifecycle")) {
    json& lifecycle = c["lifecycle"];
    for (const char* hook : {"postStart", "preStop"}) {
      if (jsonx::GetObject(lifecycle, hook)) DefaultHttpGet(lifecycle[hook]);
    }
  }
}

void DefaultContainers(json& spec, const char* field) {
  if (!jsonx::GetArray(spec, field)) return;
  for (json& c : spec[field]) DefaultContainer(c);
}


json* SourceOf(json& volume, const char* kind) {
  return jsonx::GetObject(volume, kind) ? &volume[kind] : nullptr;
}

void DefaultVolume(json& volume) {
  if (!volume.is_object()) return;
  bool any = false;
  for (const char* kind : kVolumeSourceFields) {
    if (jsonx::Has(volume, kind)) any = true;
  }
  if (!any) volume["emptyDir"] = json::object();
  for (const char* kind : {"secret", "configMap", "downwardAPI", "projected"}) {
    if (json* s = SourceOf(volume, kind)) SetDefault(*s, "defaultMode", kDefaultFileMode);
  }
  if (json* s = SourceOf(volume, "hostPath")) SetDefault(*s, "type", "");
  if (json* s = SourceOf(volume, "projected"); s && jsonx::GetArray(*s, "sources")) {
    for (json& source : (*s)["sources"]) {
      if (jsonx::GetObject(source, "serviceAccountToken")) {
        SetDefault(source["serviceAccountToken"], "expirationSeconds",
                   kDefaultTokenExpirationSeconds);
      }
    }
  }
  if (json* s = SourceOf(volume, "iscsi")) SetDefaultString(*s, "iscsiInterface", "default");
  if (json* s = SourceOf(volume, "rbd")) {
    SetDefaultString(*s, "pool", "rbd");
    SetDefaultString(*s, "user", "admin");
    SetDefaultString(*s, "keyring", "/etc/ceph/keyring");
  }
  if (json* s = SourceOf(volume, "azureDisk")) {
    SetDefault(*s, "cachingMode", "ReadWrite");
    SetDefault(*s, "fsType", "ext4");
    SetDefault(*s, "readOnly", false);
    SetDefault(*s, "kind", "Shared");
  }
  if (json* s = SourceOf(volume, "scaleIO")) {
    SetDefaultString(*s, "storageMode", "ThinProvisioned");
    SetDefaultString(*s, "fsType", "xfs");
  }
}

// Requests default to limits for every resource with a limit and no request.
void DefaultRequestsFromLimits(json& spec, const char* field) {
  if (!jsonx::GetArray(spec, field)) return;
  for (json& c : spec[field]) {
    if (!jsonx::GetObject(c, "resources")) continue;
    json& resources = c["resources"];
    const json* limits = jsonx::GetObject(resources, "limits");
    if (!limits) continue;
    json* requests = jsonx::MutableObject(resources, "requests");
    if (!requests) continue;
    for (const auto& [name, q] : limits->items()) {
      if (!requests->contains(name)) (*requests)[name] = q;
    }
  }
}

void DefaultHostNetworkPorts(json& spec, const char* field) {
  if (!jsonx::GetArray(spec, field)) return;
  for (json& c : spec[field]) {
    if (!jsonx::GetArray(c, "ports")) continue;
    for (json& port : c["ports"]) {
      if (!port.is_object() || jsonx::GetInt(port, "hostPort").value_or(0) != 0) continue;
      if (const json* cp = jsonx::Get(port, "containerPort")) port["hostPort"] = *cp;
    }
  }
}

}  // namespace

void DefaultPodSpec(json& spec) {
  if (!spec.is_object()) return;
  SetDefaultString(spec, "dnsPolicy", "ClusterFirst");
  SetDefaultString(spec, "restartPolicy", "Always");
  SetDefault(spec, "securityContext", json::object());
  SetDefault(spec, "terminationGracePeriodSeconds", kDefaultGracePeriodSeconds);
  SetDefaultString(spec, "schedulerName", "default-scheduler");
  DefaultContainers(spec, "containers");
  DefaultContainers(spec, "initContainers");
  DefaultContainers(spec, "ephemeralContainers");
  if (jsonx::GetArray(spec, "volumes")) {
    for (json& v : spec["volumes"]) DefaultVolume(v);
  }
}

void DefaultPodTemplate(json& tmpl) {
  if (!jsonx::GetObject(tmpl, "spec")) return;
  DefaultPodSpec(tmpl["spec"]);
}

void DefaultPod(json& pod) {
  if (!jsonx::GetObject(pod, "spec")) return;
  json& spec = pod["spec"];
  DefaultRequestsFromLimits(spec, "containers");
  DefaultRequestsFromLimits(spec, "initContainers");
  SetDefault(spec, "enableServiceLinks", true);
  if (jsonx::GetBool(spec, "hostNetwork").value_or(false)) {
    DefaultHostNetworkPorts(spec, "containers");
    DefaultHostNetworkPorts(spec, "initContainers");
  }
  DefaultPodSpec(spec);
}

}  // namespace skiff::api::defaults
