// The last steps that make a process a container's process, shared by the
// container's first process (container_child.cc) and by Exec: finding the
// executable in the container's PATH, and taking on the user, groups,
// capabilities and no_new_privs. Both run after fork/clone in a single-threaded
// child and make only Sys calls and the capability helpers' raw calls.
#pragma once

#include <string>
#include <vector>

#include "nodeagent/runtime/capabilities.h"
#include "nodeagent/runtime/container_spec.h"
#include "nodeagent/runtime/rootfs_setup.h"
#include "nodeagent/runtime/sys.h"

namespace skiff::runtime {

// arg0 itself when it holds a '/', else the first directory of PATH (from env, or
// the default PATH) holding an executable regular file of that name; "" if none.
std::string FindExecutable(const std::string& arg0, const std::vector<std::string>& env);

// Drops the bounding set, sets groups, gid and uid (keeping capabilities across
// the uid change), sets the capability sets, then no_new_privs when asked. The
// sets are GuardedUntilExec(caps, what the caller held, dac_off): until its
// execve no process of the
// container can ptrace the caller, which still runs our code and has no
// seccomp filter yet; the execve leaves exactly `caps`.
StepError ApplyIdentity(Sys& sys, const ProcessSpec& process, const CapabilityState& caps,
                        bool no_new_privs, bool dac_off = false);

}  // namespace skiff::runtime
