// The root filesystem of a container, built inside its new mount namespace.
//
// Order (see docs/runtime.md): mount propagation private; overlayfs (verified,
// with layers given by descriptor: overlay_mount.h) or a bind of the plain root
// on the mountpoint; /proc; a tmpfs /dev with the standard device
// nodes, devpts, shm and symlinks; a read-only /sys; the spec's bind and tmpfs
// mounts; pivot_root into the new root and detach the old one; masked and
// read-only paths; the root made read-only when asked.
//
// Mount targets are resolved with openat2(RESOLVE_IN_ROOT) under the new root and
// mounted through /proc/self/fd, so a symlink in an image cannot point a mount at
// the host. Missing target directories (and files, for file binds) are made.
//
// Runs in the container's child (single-threaded, after clone); each function
// returns a StepError whose err is 0 on success or the errno of the failed step.
#pragma once

#include <string>

#include "nodeagent/runtime/container_spec.h"
#include "nodeagent/runtime/sys.h"

namespace skiff::runtime {

struct StepError {
  int err = 0;
  std::string step;    // "mount /proc"
  std::string detail;  // a path or options, may be empty
  bool ok() const { return err == 0; }
};

// Everything before pivot_root: private propagation, the root mount and what goes
// inside it (proc, dev, sys, the spec's mounts).
StepError PrepareRootfs(Sys& sys, const ContainerSpec& spec, const std::string& mountpoint,
                        const std::string& upper_dir, const std::string& work_dir);
// pivot_root into mountpoint, detach the old root, then masked and read-only
// paths and the read-only root.
StepError EnterRootfs(Sys& sys, const ContainerSpec& spec, const std::string& mountpoint);

}  // namespace skiff::runtime
