// ContainerSpec: everything the runtime needs to run one container, as plain data.
//
// The node agent fills it from a Pod and the image store; the runtime knows
// nothing of either. The root filesystem is either overlayfs over read-only
// layer directories (lowest last, as the image store hands them out) with a
// per-container upper and work directory, or one plain directory bind-mounted.
// Paths inside the container (cwd, mount targets, masked paths) are absolute and
// resolved inside the root filesystem, never on the host.
//
// ValidateSpec checks a spec before anything is created and names each bad field
// ("process.args: must not be empty"); a rejected spec changes no state.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "nodeagent/runtime/cgroups.h"

namespace skiff::runtime {

struct RootfsSpec {
  // Overlay: lower layers, topmost first (overlayfs lowerdir order); at most
  // kMaxOverlayLayers (overlay_mount.h).
  std::vector<std::string> lower_dirs;
  // Overlay upper and work directories on one file system; when both are empty the
  // runtime makes them in the container's state directory and removes them on Delete.
  std::string upper_dir;
  std::string work_dir;
  // Plain root: a directory used as is (bind-mounted). Exclusive with lower_dirs.
  std::string plain_dir;
  bool readonly = false;
};

struct ProcessSpec {
  std::vector<std::string> args;  // args[0] is looked up in PATH when it has no '/'
  std::vector<std::string> env;   // "KEY=value"
  std::string cwd = "/";
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> supplementary_groups;
};

struct MountSpec {
  enum class Type { kBind, kTmpfs };
  Type type = Type::kBind;
  std::string source;  // host path for kBind; ignored for kTmpfs
  std::string target;  // absolute path in the container
  bool readonly = false;
  std::string tmpfs_options;  // e.g. "size=64m,mode=1777"
  // kBind in a new user namespace: an idmapped mount through the container's
  // mappings, so host uid 0 shows (and writes) as the container's root. Without
  // it the source's files keep their host owners (nobody, unless mapped).
  bool idmap = false;
};

struct SecuritySpec {
  std::vector<std::string> cap_add;  // Kubernetes names ("NET_ADMIN"), "ALL"
  std::vector<std::string> cap_drop;
  bool no_new_privs = true;
  bool seccomp = true;                      // the default profile; false is "Unconfined"
  std::vector<std::string> masked_paths;    // empty: DefaultMaskedPaths()
  std::vector<std::string> readonly_paths;  // empty: DefaultReadonlyPaths()
};

// One namespace: a new one (the default), joined by path, or the host's.
struct NamespaceSpec {
  enum class Mode { kNew, kJoin, kHost };
  Mode mode = Mode::kNew;
  std::string path;  // for kJoin, e.g. /proc/<pid>/ns/net or a bind-mounted netns file
};

// One line of /proc/PID/uid_map or gid_map: `size` ids from container_id on are
// the host's ids from host_id on.
struct IdMapping {
  uint32_t container_id = 0;
  uint32_t host_id = 0;
  uint32_t size = 0;
};

struct NamespacesSpec {
  NamespaceSpec pid, mount, uts, ipc, net;
  // kHost (the default): the host's users. kNew: a user namespace of the
  // container's own with the mappings below (Kubernetes' hostUsers: false,
  // podman --uidmap); both must map container id 0. Joining one by path (kJoin)
  // is not supported yet. See user_namespace.h.
  NamespaceSpec user{NamespaceSpec::Mode::kHost, ""};
  // setgroups(2) stays allowed in the container, as Kubernetes keeps it.
  std::vector<IdMapping> uid_mappings, gid_mappings;
};

struct ContainerSpec {
  std::string id;  // [a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}
  RootfsSpec rootfs;
  ProcessSpec process;
  std::string hostname;  // empty: the id, truncated to 63 characters
  std::vector<MountSpec> mounts;
  CgroupResources resources;
  SecuritySpec security;
  NamespacesSpec namespaces;
  std::string log_path;  // CRI log file; empty: <state dir>/<id>/container.log
  // What Runtime::Prune removes by itself once no process holds the container
  // (runtime.h): a stopped container (docker run --rm), and one still
  // created, whose creator died before it started it.
  bool auto_remove = false;
  bool remove_unstarted = false;
};

// Paths runc and containerd hide (an empty read-only tmpfs over a directory,
// /dev/null over a file).
std::vector<std::string> DefaultMaskedPaths();
// Paths they make read-only.
std::vector<std::string> DefaultReadonlyPaths();

// Invalid, with one cause per bad field, or OK.
Status ValidateSpec(const ContainerSpec& spec);

}  // namespace skiff::runtime
