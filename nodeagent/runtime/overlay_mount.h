// MountOverlay: the container's root overlay (lower layers, an upper and a work
// directory) mounted so that how many layers fit never depends on how long
// their paths are, and checked before anything is put on it.
//
// mount(2) hands the kernel one page of options (4095 bytes and the NUL) and
// cuts what is longer without an error: a list of absolute layer paths lost its
// last layers, and upperdir and workdir with them, or ended on a bare "/" that
// made the host's root a layer. So no path goes into an option string:
//
//   - the new mount API (fsopen, kernel 6.13 or later for layers given by
//     descriptor): every layer, the upper and the work directory is opened
//     O_PATH and handed over with fsconfig(FSCONFIG_SET_FD, "lowerdir+", ...),
//     one call each, then fsmount and move_mount;
//   - elsewhere (fsopen missing, or "lowerdir+" refused for the first layer)
//     mount(2), with the layers opened likewise and named by descriptor number
//     relative to /proc/self/fd, the working directory during the call:
//     "lowerdir=12:13:...,upperdir=10,workdir=11", at most five bytes a layer.
//     The string is measured first and refused with E2BIG if it would be cut.
//
// Either way the limit is overlayfs's own stack depth, kMaxOverlayLayers (the
// kernel's OVL_MAX_STACK); 500 layers of descriptors up to 9999 take at most
// 2,535 bytes of options (3,539 with six-digit descriptors). ValidateSpec
// refuses more layers up front.
//
// What the kernel made is then verified (VerifyOverlay) and a mount that is not
// an overlay with a writable upper and our work directory fails the step.
//
// Runs in the container's child (rootfs_setup.h): Sys calls and allocations it
// frees itself. Holds every layer open at once only on the mount(2) path.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "nodeagent/runtime/rootfs_setup.h"
#include "nodeagent/runtime/sys.h"

namespace skiff::runtime {

// overlayfs stacks at most this many lower layers (OVL_MAX_STACK).
inline constexpr size_t kMaxOverlayLayers = 500;
// The longest mount(2) option string the kernel takes whole: a page less the NUL.
inline constexpr size_t kMaxMountDataLength = 4095;

// Mounts overlayfs on mountpoint (absolute): lower_dirs topmost first. On the
// mount(2) path the working directory is "/" afterwards. A failed step names itself and the path
// or the counts; nothing stays mounted on mountpoint after a failure.
StepError MountOverlay(Sys& sys, const std::vector<std::string>& lower_dirs,
                       const std::string& upper_dir, const std::string& work_dir,
                       const std::string& mountpoint);

// The mount(2) options for layers, upper and work directory given as
// descriptor numbers ("lowerdir=12:13,upperdir=10,workdir=11").
std::string FdOverlayOptions(const std::vector<int>& lower_fds, int upper_fd, int work_fd);

// Checks the mount at fd (its root, or a detached mount) is what MountOverlay
// asked for: overlayfs, writable (an overlay that lost its upper directory is
// read-only) and with <work_dir>/work made (overlayfs makes it when it takes
// the work directory). EPROTO and the reason otherwise.
StepError VerifyOverlay(int fd, const std::string& work_dir);

}  // namespace skiff::runtime
