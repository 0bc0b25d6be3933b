// Container validation: names, images, ports, env, resources, mounts, probes.
#include <algorithm>
#include <map>
#include <string>

#include "api/validation/field_validators.h"
#include "api/validation/json_access.h"
#include "api/validation/network.h"
#include "api/validation/pod_spec.h"
#include "api/validation/quantity.h"

namespace skiff::api::validation {
namespace {

const std::vector<std::string> kProtocols = {"SCTP", "TCP", "UDP"};

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

void ValidateContainerPorts(const json& ports, const FieldPath& path, bool host_network,
                            FieldErrors& errs) {
  if (!ports.is_array()) {
    errs.push_back(WrongType(path, ports, "array"));
    return;
  }
  std::set<std::string> names;
  for (size_t i = 0; i < ports.size(); ++i) {
    const json& port = ports[i];
    FieldPath p = path.Index(i);
    auto name = CheckString(port, "name", p.Child("name"), errs);
    if (name && !name->empty()) {
      Messages msgs = IsValidPortName(*name);
      if (!msgs.empty()) {
        AppendInvalid(errs, p.Child("name"), *name, msgs);
      } else if (!names.insert(*name).second) {
        errs.push_back(Duplicate(p.Child("name"), QuoteValue(*name)));
      }
    }
    auto container_port = CheckInt(port, "containerPort", p.Child("containerPort"), errs);
    if (!jsonx::Has(port, "containerPort") || (container_port && *container_port == 0)) {
      errs.push_back(Required(p.Child("containerPort"), ""));
    } else if (container_port) {
      for (const auto& m : IsValidPortNum(*container_port)) {
        errs.push_back(Invalid(p.Child("containerPort"), std::to_string(*container_port), m));
      }
    }
    auto host_port = CheckInt(port, "hostPort", p.Child("hostPort"), errs);
    if (host_port && *host_port != 0) {
      for (const auto& m : IsValidPortNum(*host_port)) {
        errs.push_back(Invalid(p.Child("hostPort"), std::to_string(*host_port), m));
      }
      if (host_network && container_port && *host_port != *container_port) {
        errs.push_back(Invalid(p.Child("hostPort"), std::to_string(*host_port),
                               "must match `containerPort` when `hostNetwork` is true"));
      }
    }
    auto protocol = CheckString(port, "protocol", p.Child("protocol"), errs);
    if (protocol) {
      if (protocol->empty()) {
        errs.push_back(Required(p.Child("protocol"), ""));
      } else if (!Contains(kProtocols, *protocol)) {
        errs.push_back(NotSupported(p.Child("protocol"), QuoteValue(*protocol), kProtocols));
      }
    }
  }
}

const std::vector<std::string> kEnvFieldPaths = {"metadata.annotations",
                                                 "metadata.labels",
                                                 "metadata.name",
                                                 "metadata.namespace",
                                                 "metadata.uid",
                                                 "spec.nodeName",
                                                 "spec.serviceAccountName",
                                                 "status.hostIP",
                                                 "status.hostIPs",
                                                 "status.podIP",
                                                 "status.podIPs"};

const std::vector<std::string> kEnvResourceFields = {
    "limits.cpu",   "limits.ephemeral-storage",   "limits.memory",
    "requests.cpu", "requests.ephemeral-storage", "requests.memory"};

void ValidateKeyRef(const json& ref, const FieldPath& path, FieldErrors& errs) {
  if (jsonx::GetString(ref, "name").empty()) errs.push_back(Required(path.Child("name"), ""));
  std::string key = jsonx::GetString(ref, "key");
  if (key.empty()) {
    errs.push_back(Required(path.Child("key"), ""));
  } else {
    AppendInvalid(errs, path.Child("key"), key, IsConfigMapKey(key));
  }
}

void ValidateFieldRef(const json& ref, const FieldPath& path, FieldErrors& errs) {
  // Absent is fine before defaulting (which sets "v1"); present means non-empty.
  if (auto version = jsonx::GetOptString(ref, "apiVersion"); version && version->empty()) {
    errs.push_back(Required(path.Child("apiVersion"), ""));
  }
  std::string field_path = jsonx::GetString(ref, "fieldPath");
  if (field_path.empty()) {
    errs.push_back(Required(path.Child("fieldPath"), ""));
    return;
  }
  // metadata.labels['key'] / metadata.annotations['key'].
  size_t open = field_path.find("['");
  if (open != std::string::npos && field_path.size() > open + 4 &&
      field_path.compare(field_path.size() - 2, 2, "']") == 0) {
    std::string base = field_path.substr(0, open);
    std::string subscript = field_path.substr(open + 2, field_path.size() - open - 4);
    if (base == "metadata.labels" || base == "metadata.annotations") {
      ValidateQualifiedName(subscript, path.Child("fieldPath"), errs);
    } else {
      errs.push_back(
          Invalid(path.Child("fieldPath"), QuoteValue(base), "does not support subscript"));
    }
    return;
  }
  if (!Contains(kEnvFieldPaths, field_path)) {
    errs.push_back(NotSupported(path.Child("fieldPath"), QuoteValue(field_path), kEnvFieldPaths));
  }
}

void ValidateEnv(const json& env, const FieldPath& path, FieldErrors& errs) {
  if (!env.is_array()) {
    errs.push_back(WrongType(path, env, "array"));
    return;
  }
  for (size_t i = 0; i < env.size(); ++i) {
    const json& ev = env[i];
    FieldPath p = path.Index(i);
    std::string name = jsonx::GetString(ev, "name");
    if (name.empty()) errs.push_back(Required(p.Child("name"), ""));
    AppendInvalid(errs, p.Child("name"), name, IsEnvVarName(name));
    const json* from = jsonx::GetObject(ev, "valueFrom");
    if (!from) continue;
    FieldPath fp = p.Child("valueFrom");
    int sources = 0;
    if (const json* r = jsonx::GetObject(*from, "fieldRef")) {
      ++sources;
      ValidateFieldRef(*r, fp.Child("fieldRef"), errs);
    }
    if (const json* r = jsonx::GetObject(*from, "resourceFieldRef")) {
      ++sources;
      std::string resource = jsonx::GetString(*r, "resource");
      if (resource.empty()) {
        errs.push_back(Required(fp.Child("resourceFieldRef").Child("resource"), ""));
      } else if (!Contains(kEnvResourceFields, resource) &&
                 resource.rfind("limits.hugepages-", 0) != 0 &&
                 resource.rfind("requests.hugepages-", 0) != 0) {
        errs.push_back(NotSupported(fp.Child("resourceFieldRef").Child("resource"),
                                    QuoteValue(resource), kEnvResourceFields));
      }
    }
    if (const json* r = jsonx::GetObject(*from, "configMapKeyRef")) {
      ++sources;
      ValidateKeyRef(*r, fp.Child("configMapKeyRef"), errs);
    }
    if (const json* r = jsonx::GetObject(*from, "secretKeyRef")) {
      ++sources;
      ValidateKeyRef(*r, fp.Child("secretKeyRef"), errs);
    }
    if (sources == 0) {
      errs.push_back(Invalid(fp, "\"\"",
                             "must specify one of: `fieldRef`, `resourceFieldRef`, "
                             "`configMapKeyRef` or `secretKeyRef`"));
    } else if (!jsonx::GetString(ev, "value").empty()) {
      errs.push_back(Invalid(fp, "\"\"", "may not be specified when `value` is not empty"));
    } else if (sources > 1) {
      errs.push_back(Invalid(fp, "\"\"", "may not have more than one field specified at a time"));
    }
  }
}

bool IsStandardContainerResource(const std::string& name) {
  return name == "cpu" || name == "memory" || name == "ephemeral-storage" ||
         name.rfind("hugepages-", 0) == 0;
}

// Checks one resource list; returns name -> value of the quantities that parsed.
std::map<std::string, std::pair<long double, std::string>> ValidateResourceList(
    const json& list, const FieldPath& path, FieldErrors& errs) {
  std::map<std::string, std::pair<long double, std::string>> parsed;
  if (!list.is_object()) {
    errs.push_back(WrongType(path, list, "object"));
    return parsed;
  }
  for (const auto& [name, q] : list.items()) {
    FieldPath p = path.Key(name);
    if (name.find('/') == std::string::npos) {
      if (!IsStandardContainerResource(name)) {
        errs.push_back(Invalid(p, QuoteValue(name), "must be a standard resource for containers"));
      }
    } else {
      ValidateQualifiedName(name, p, errs);
    }
    std::string text = QuantityText(q);
    auto value = QuantityValue(q);
    if (!value) {
      errs.push_back(Invalid(p, QuoteValue(text), std::string(kQuantityFormatError)));
      continue;
    }
    if (*value < 0) {
      errs.push_back(Invalid(p, QuoteValue(text), std::string(kNegativeError)));
    }
    parsed[name] = {*value, text};
  }
  return parsed;
}

void ValidateResources(const json& resources, const FieldPath& path, FieldErrors& errs) {
  if (!resources.is_object()) {
    errs.push_back(WrongType(path, resources, "object"));
    return;
  }
  std::map<std::string, std::pair<long double, std::string>> limits, requests;
  if (const json* l = jsonx::Get(resources, "limits")) {
    limits = ValidateResourceList(*l, path.Child("limits"), errs);
  }
  if (const json* r = jsonx::Get(resources, "requests")) {
    requests = ValidateResourceList(*r, path.Child("requests"), errs);
  }
  for (const auto& [name, req] : requests) {
    auto it = limits.find(name);
    if (it == limits.end()) continue;
    if (req.first > it->second.first) {
      errs.push_back(
          Invalid(path.Child("requests").Key(name), QuoteValue(req.second),
                  "must be less than or equal to " + name + " limit of " + it->second.second));
    }
  }
}

void ValidateVolumeMounts(const json& mounts, const FieldPath& path,
                          const std::set<std::string>& volumes, FieldErrors& errs) {
  if (!mounts.is_array()) {
    errs.push_back(WrongType(path, mounts, "array"));
    return;
  }
  std::set<std::string> mount_points;
  for (size_t i = 0; i < mounts.size(); ++i) {
    const json& m = mounts[i];
    FieldPath p = path.Index(i);
    std::string name = jsonx::GetString(m, "name");
    if (name.empty()) {
      errs.push_back(Required(p.Child("name"), ""));
    } else if (!volumes.count(name)) {
      errs.push_back(NotFoundError(p.Child("name"), QuoteValue(name)));
    }
    std::string mount_path = jsonx::GetString(m, "mountPath");
    if (mount_path.empty()) {
      errs.push_back(Required(p.Child("mountPath"), ""));
    } else if (!mount_points.insert(mount_path).second) {
      errs.push_back(Invalid(p.Child("mountPath"), QuoteValue(mount_path), "must be unique"));
    }
    std::string sub_path = jsonx::GetString(m, "subPath");
    if (!sub_path.empty()) {
      if (sub_path.front() == '/') {
        errs.push_back(
            Invalid(p.Child("subPath"), QuoteValue(sub_path), "must be a relative path"));
      }
      size_t start = 0;
      while (start <= sub_path.size()) {
        size_t slash = sub_path.find('/', start);
        if (sub_path.substr(start, slash - start) == "..") {
          errs.push_back(
              Invalid(p.Child("subPath"), QuoteValue(sub_path), "must not contain '..'"));
          break;
        }
        if (slash == std::string::npos) break;
        start = slash + 1;
      }
    }
  }
}

// Probe and lifecycle handlers: exactly one action. `kinds` lists the actions
// the handler may have, in upstream's order.
void ValidateHandler(const json& handler, const FieldPath& path,
                     const std::vector<std::string>& kinds, FieldErrors& errs) {
  int found = 0;
  for (const auto& kind : kinds) {
    const json* action = jsonx::Get(handler, kind);
    if (!action) continue;
    FieldPath p = path.Child(kind);
    if (found > 0) {
      errs.push_back(Forbidden(p, "may not specify more than 1 handler type"));
      continue;
    }
    ++found;
    if (kind == "exec") {
      if (jsonx::ArraySize(*action, "command") == 0)
        errs.push_back(Required(p.Child("command"), ""));
    } else if (kind == "httpGet") {
      if (const json* port = jsonx::Get(*action, "port")) {
        ValidatePortNumOrName(*port, p.Child("port"), errs);
      } else {
        errs.push_back(Required(p.Child("port"), ""));
      }
      if (auto scheme = jsonx::GetOptString(*action, "scheme");
          scheme && *scheme != "HTTP" && *scheme != "HTTPS") {
        errs.push_back(NotSupported(p.Child("scheme"), QuoteValue(*scheme), {"HTTP", "HTTPS"}));
      }
    } else if (kind == "tcpSocket") {
      if (const json* port = jsonx::Get(*action, "port")) {
        ValidatePortNumOrName(*port, p.Child("port"), errs);
      } else {
        errs.push_back(Required(p.Child("port"), ""));
      }
    } else if (kind == "grpc") {
      auto port = jsonx::GetInt(*action, "port").value_or(0);
      for (const auto& m : IsValidPortNum(port)) {
        errs.push_back(Invalid(p.Child("port"), std::to_string(port), m));
      }
    } else if (kind == "sleep") {
      auto seconds = jsonx::GetInt(*action, "seconds").value_or(0);
      if (seconds <= 0) {
        errs.push_back(
            Invalid(p.Child("seconds"), std::to_string(seconds), "must be greater than 0"));
      }
    }
  }
  if (found == 0) errs.push_back(Required(path, "must specify a handler type"));
}

const std::vector<std::string> kProbeActions = {"exec", "httpGet", "tcpSocket", "grpc"};
const std::vector<std::string> kLifecycleActions = {"exec", "httpGet", "tcpSocket", "sleep"};

void ValidateProbe(const json& probe, const FieldPath& path, bool liveness_or_startup,
                   bool readiness, FieldErrors& errs) {
  if (!probe.is_object()) {
    errs.push_back(WrongType(path, probe, "object"));
    return;
  }
  ValidateHandler(probe, path, kProbeActions, errs);
  for (const char* field : {"initialDelaySeconds", "timeoutSeconds", "periodSeconds",
                            "successThreshold", "failureThreshold"}) {
    if (auto v = CheckInt(probe, field, path.Child(field), errs)) {
      ValidateNonnegative(*v, path.Child(field), errs);
    }
  }
  if (auto grace = CheckInt(probe, "terminationGracePeriodSeconds",
                            path.Child("terminationGracePeriodSeconds"), errs)) {
    if (readiness) {
      errs.push_back(Invalid(path.Child("terminationGracePeriodSeconds"), std::to_string(*grace),
                             "must not be set for readinessProbes"));
    } else if (*grace <= 0) {
      errs.push_back(Invalid(path.Child("terminationGracePeriodSeconds"), std::to_string(*grace),
                             "must be greater than 0"));
    }
  }
  if (liveness_or_startup) {
    auto success = jsonx::GetInt(probe, "successThreshold");
    if (success && *success != 1) {
      errs.push_back(
          Invalid(path.Child("successThreshold"), std::to_string(*success), "must be 1"));
    }
  }
}

void ValidateContainer(const json& c, const FieldPath& p, const std::set<std::string>& volumes,
                       bool init, bool host_network, std::set<std::string>& names,
                       FieldErrors& errs) {
  auto name = CheckString(c, "name", p.Child("name"), errs);
  if (!name || name->empty()) {
    errs.push_back(Required(p.Child("name"), ""));
  } else {
    ValidateDns1123Label(*name, p.Child("name"), errs);
    if (!names.insert(*name).second) errs.push_back(Duplicate(p.Child("name"), QuoteValue(*name)));
  }
  auto image = CheckString(c, "image", p.Child("image"), errs);
  if (!image || image->empty()) {
    errs.push_back(Required(p.Child("image"), ""));
  } else if (image->find_first_not_of(" \t\n\r") != 0 ||
             image->find_last_not_of(" \t\n\r") != image->size() - 1) {
    errs.push_back(Invalid(p.Child("image"), QuoteValue(*image),
                           "must not have leading or trailing whitespace"));
  }
  if (auto policy = CheckString(c, "imagePullPolicy", p.Child("imagePullPolicy"), errs)) {
    if (*policy != "Always" && *policy != "IfNotPresent" && *policy != "Never") {
      errs.push_back(NotSupported(p.Child("imagePullPolicy"), QuoteValue(*policy),
                                  {"Always", "IfNotPresent", "Never"}));
    }
  }
  if (auto policy =
          CheckString(c, "terminationMessagePolicy", p.Child("terminationMessagePolicy"), errs)) {
    if (*policy != "File" && *policy != "FallbackToLogsOnError") {
      errs.push_back(Invalid(p.Child("terminationMessagePolicy"), QuoteValue(*policy),
                             "must be 'File' or 'FallbackToLogsOnError'"));
    }
  }
  auto restart = CheckString(c, "restartPolicy", p.Child("restartPolicy"), errs);
  if (restart) {
    if (!init) {
      errs.push_back(Forbidden(p.Child("restartPolicy"), "may not be set for non-init containers"));
    } else if (*restart != "Always") {
      errs.push_back(NotSupported(p.Child("restartPolicy"), QuoteValue(*restart), {"Always"}));
    }
  }
  bool sidecar = init && restart && *restart == "Always";
  if (const json* ports = jsonx::Get(c, "ports")) {
    ValidateContainerPorts(*ports, p.Child("ports"), host_network, errs);
  }
  if (const json* env = jsonx::Get(c, "env")) ValidateEnv(*env, p.Child("env"), errs);
  if (const json* res = jsonx::Get(c, "resources")) {
    ValidateResources(*res, p.Child("resources"), errs);
  }
  if (const json* mounts = jsonx::Get(c, "volumeMounts")) {
    ValidateVolumeMounts(*mounts, p.Child("volumeMounts"), volumes, errs);
  }
  struct ProbeField {
    const char* name;
    bool liveness_or_startup;
    bool readiness;
  };
  for (const ProbeField& f :
       {ProbeField{"livenessProbe", true, false}, ProbeField{"readinessProbe", false, true},
        ProbeField{"startupProbe", true, false}}) {
    const json* probe = jsonx::Get(c, f.name);
    if (!probe) continue;
    if (init && !sidecar) {
      errs.push_back(Forbidden(p.Child(f.name),
                               "may not be set for init containers without restartPolicy=Always"));
      continue;
    }
    ValidateProbe(*probe, p.Child(f.name), f.liveness_or_startup, f.readiness, errs);
  }
  if (const json* lifecycle = jsonx::GetObject(c, "lifecycle")) {
    if (init && !sidecar) {
      errs.push_back(Forbidden(p.Child("lifecycle"),
                               "may not be set for init containers without restartPolicy=Always"));
    } else {
      for (const char* hook : {"postStart", "preStop"}) {
        if (const json* h = jsonx::Get(*lifecycle, hook)) {
          ValidateHandler(*h, p.Child("lifecycle").Child(hook), kLifecycleActions, errs);
        }
      }
    }
  }
}

}  // namespace

void ValidatePortNumOrName(const json& port, const FieldPath& path, FieldErrors& errs) {
  if (auto n = jsonx::AsInt(port)) {
    for (const auto& m : IsValidPortNum(*n)) errs.push_back(Invalid(path, std::to_string(*n), m));
  } else if (port.is_string()) {
    const auto& name = port.get_ref<const std::string&>();
    AppendInvalid(errs, path, name, IsValidPortName(name));
  } else {
    errs.push_back(WrongType(path, port, "integer or string"));
  }
}

void ValidateContainers(const json& containers, const FieldPath& path,
                        const std::set<std::string>& volumes, bool init_containers,
                        bool host_network, std::set<std::string>& names, FieldErrors& errs) {
  if (!containers.is_array()) {
    errs.push_back(WrongType(path, containers, "array"));
    return;
  }
  for (size_t i = 0; i < containers.size(); ++i) {
    ValidateContainer(containers[i], path.Index(i), volumes, init_containers, host_network, names,
                      errs);
  }
}

}  // namespace skiff::api::validation
