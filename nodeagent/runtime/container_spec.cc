#include "nodeagent/runtime/container_spec.h"

#include <cctype>

#include "nodeagent/runtime/id_mapping.h"
#include "nodeagent/runtime/overlay_mount.h"

namespace skiff::runtime {

std::vector<std::string> DefaultMaskedPaths() {
  return {"/proc/acpi",        "/proc/asound",          "/proc/kcore",
          "/proc/keys",        "/proc/latency_stats",   "/proc/timer_list",
          "/proc/timer_stats", "/proc/sched_debug",     "/proc/scsi",
          "/sys/firmware",     "/sys/devices/virtual/powercap"};
}

std::vector<std::string> DefaultReadonlyPaths() {
  return {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
}

namespace {

bool ValidId(const std::string& id) {
  if (id.empty() || id.size() > 128 || !std::isalnum(static_cast<unsigned char>(id[0]))) {
    return false;
  }
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') {
      return false;
    }
  }
  return true;
}

// An absolute path with no "." or ".." component and no NUL.
bool CleanAbsolute(const std::string& p) {
  if (p.empty() || p[0] != '/' || p.find('\0') != std::string::npos) return false;
  size_t start = 1;
  while (start <= p.size()) {
    size_t end = p.find('/', start);
    if (end == std::string::npos) end = p.size();
    std::string part = p.substr(start, end - start);
    if (part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

void Require(bool ok, std::vector<FieldCause>& causes, std::string field, std::string type,
             std::string message) {
  if (!ok) causes.push_back({std::move(field), std::move(type), std::move(message)});
}

void CheckRootfs(const RootfsSpec& r, std::vector<FieldCause>& causes) {
  bool overlay = !r.lower_dirs.empty();
  bool plain = !r.plain_dir.empty();
  Require(overlay != plain, causes, "rootfs", "FieldValueInvalid",
          "exactly one of lower_dirs and plain_dir must be set");
  Require(r.lower_dirs.size() <= kMaxOverlayLayers, causes, "rootfs.lower_dirs",
          "FieldValueInvalid",
          std::to_string(r.lower_dirs.size()) + " layers: overlayfs stacks at most " +
              std::to_string(kMaxOverlayLayers));
  for (size_t i = 0; i < r.lower_dirs.size(); ++i) {
    Require(CleanAbsolute(r.lower_dirs[i]) && r.lower_dirs[i].find_first_of(":,") ==
                                                 std::string::npos,
            causes, "rootfs.lower_dirs[" + std::to_string(i) + "]", "FieldValueInvalid",
            "must be a clean absolute path without ':' or ','");
  }
  Require(r.upper_dir.empty() == r.work_dir.empty(), causes, "rootfs.work_dir",
          "FieldValueInvalid", "upper_dir and work_dir are set together or not at all");
  Require(!plain || CleanAbsolute(r.plain_dir), causes, "rootfs.plain_dir", "FieldValueInvalid",
          "must be a clean absolute path");
}

void CheckProcess(const ProcessSpec& p, std::vector<FieldCause>& causes) {
  Require(!p.args.empty() && !p.args[0].empty(), causes, "process.args", "FieldValueRequired",
          "must not be empty");
  Require(CleanAbsolute(p.cwd), causes, "process.cwd", "FieldValueInvalid",
          "must be a clean absolute path");
  for (size_t i = 0; i < p.env.size(); ++i) {
    size_t eq = p.env[i].find('=');
    Require(eq != std::string::npos && eq > 0, causes, "process.env[" + std::to_string(i) + "]",
            "FieldValueInvalid", "must be KEY=value");
  }
}

void CheckMounts(const std::vector<MountSpec>& mounts, std::vector<FieldCause>& causes) {
  for (size_t i = 0; i < mounts.size(); ++i) {
    const MountSpec& m = mounts[i];
    std::string field = "mounts[" + std::to_string(i) + "]";
    Require(CleanAbsolute(m.target) && m.target != "/", causes, field + ".target",
            "FieldValueInvalid", "must be a clean absolute path other than /");
    if (m.type == MountSpec::Type::kBind) {
      Require(CleanAbsolute(m.source), causes, field + ".source", "FieldValueInvalid",
              "must be a clean absolute host path");
    }
  }
}

void CheckNamespaces(const NamespacesSpec& ns, std::vector<FieldCause>& causes) {
  const std::pair<const char*, const NamespaceSpec*> all[] = {
      {"pid", &ns.pid}, {"mount", &ns.mount}, {"uts", &ns.uts},
      {"ipc", &ns.ipc}, {"net", &ns.net},     {"user", &ns.user}};
  for (const auto& [name, n] : all) {
    std::string field = std::string("namespaces.") + name;
    Require(n->mode != NamespaceSpec::Mode::kJoin || CleanAbsolute(n->path), causes,
            field + ".path", "FieldValueInvalid", "joining needs an absolute path");
  }
  Require(ns.mount.mode == NamespaceSpec::Mode::kNew, causes, "namespaces.mount",
          "FieldValueNotSupported", "a container always gets its own mount namespace");
}

}  // namespace

Status ValidateSpec(const ContainerSpec& spec) {
  std::vector<FieldCause> causes;
  Require(ValidId(spec.id), causes, "id", "FieldValueInvalid",
          "must match [a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");
  CheckRootfs(spec.rootfs, causes);
  CheckProcess(spec.process, causes);
  Require(spec.hostname.size() <= 64, causes, "hostname", "FieldValueTooLong",
          "must be at most 64 characters");
  CheckMounts(spec.mounts, causes);
  CheckNamespaces(spec.namespaces, causes);
  CheckUserNamespace(spec, causes);
  for (const auto* paths : {&spec.security.masked_paths, &spec.security.readonly_paths}) {
    for (const auto& p : *paths) {
      Require(CleanAbsolute(p), causes, "security.paths", "FieldValueInvalid",
              "'" + p + "' must be a clean absolute path");
    }
  }
  if (causes.empty()) return Status::Ok();
  std::string message = "container spec is invalid:";
  for (const auto& c : causes) message += " " + c.field + ": " + c.message + ";";
  message.pop_back();
  return Status::Invalid(std::move(message), std::move(causes));
}

}  // namespace skiff::runtime
