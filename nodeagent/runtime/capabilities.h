// Linux capabilities of a container: the runtime default set, Kubernetes-style
// add/drop, and async-signal-safe application in the child.
//
// The parent computes a CapabilityState (ComputeCapabilities) before fork/clone;
// the child applies it with the functions below, which only make raw syscalls
// (prctl, capset), allocate nothing and return 0 or an errno value, so they are
// safe between clone and exec.
//
// Order in the child:
//   1. DropBoundingCapabilities(state)    while still root with CAP_SETPCAP
//   2. KeepCapabilitiesAcrossSetuid()     only when switching to a non-zero uid
//   3. setgroups / setgid / setuid        (the caller's)
//   4. ApplyCapabilitySets(state)         capset + ambient set
// For a non-root uid the kernel clears permitted and effective sets at execve
// (the ambient set is empty), which is what Docker and containerd give such
// processes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace skiff::runtime {

// A set of capabilities as a bit mask (bit n = capability number n, as in
// <linux/capability.h>). Numbers above 63 are not representable (the kernel's
// highest is 40 today).
struct CapabilitySet {
  uint64_t bits = 0;
  bool Has(int cap) const { return cap >= 0 && cap < 64 && (bits >> cap) & 1; }
  void Add(int cap) {
    if (cap >= 0 && cap < 64) bits |= uint64_t{1} << cap;
  }
  void Remove(int cap) {
    if (cap >= 0 && cap < 64) bits &= ~(uint64_t{1} << cap);
  }
  bool operator==(const CapabilitySet&) const = default;
};

// CHOWN, DAC_OVERRIDE, FSETID, FOWNER, MKNOD, NET_RAW, SETGID, SETUID, SETFCAP,
// SETPCAP, NET_BIND_SERVICE, SYS_CHROOT, KILL, AUDIT_WRITE (Docker/containerd).
CapabilitySet DefaultCapabilities();
// Every capability the running kernel knows (0..cap_last_cap).
CapabilitySet AllCapabilities();
// The highest capability number of the running kernel
// (/proc/sys/kernel/cap_last_cap; CAP_LAST_CAP of our headers if unreadable).
int LastCapability();

// "NET_ADMIN", "CAP_NET_ADMIN", "net_admin" -> CAP_NET_ADMIN. Invalid for an
// unknown name (the message names it). "ALL" is not a capability here.
Result<int> ParseCapability(std::string_view name);
// "CAP_NET_ADMIN" for CAP_NET_ADMIN; "CAP_<n>" for a number we have no name for.
std::string CapabilityName(int cap);
// Names of the capabilities in `set`, in number order ("CAP_CHOWN", ...).
std::vector<std::string> CapabilityNames(CapabilitySet set);

// What the child applies.
struct CapabilityState {
  CapabilitySet bounding;
  CapabilitySet effective;
  CapabilitySet permitted;
  CapabilitySet inheritable;
  CapabilitySet ambient;
  int last_cap = 0;  // LastCapability() of the parent, so the child reads no file
};

// Kubernetes securityContext.capabilities on top of the default set, with
// containerd's rules: "ALL" in add starts from every capability, "ALL" in drop
// from none; then the named adds, then the named drops. Names with or without
// "CAP_", any case. Invalid (field "add[i]"/"drop[i]") for an unknown name.
// With privileged, every capability. Ambient stays empty; bounding, effective,
// permitted and inheritable are the result (as Docker sets them for uid 0).
Result<CapabilityState> ComputeCapabilities(const std::vector<std::string>& add,
                                            const std::vector<std::string>& drop,
                                            bool privileged = false);
// A state holding exactly `set` (no add/drop processing).
CapabilityState CapabilityStateOf(CapabilitySet set);

// Child side, async-signal-safe; each returns 0 or an errno value.
// PR_CAPBSET_DROP for every capability <= last_cap not in state.bounding.
int DropBoundingCapabilities(const CapabilityState& state) noexcept;
// PR_SET_KEEPCAPS so setuid to a non-zero uid keeps the permitted set.
int KeepCapabilitiesAcrossSetuid() noexcept;
// capset(effective, permitted, inheritable), then clears the ambient set and
// raises each capability of state.ambient.
int ApplyCapabilitySets(const CapabilityState& state) noexcept;
// The sets a process holds from taking on a container's identity until its
// execve, while it still runs the runtime's code (the container's first
// process may even share the agent's memory): `state`, plus one capability the
// bounding set lacks and `held` (the caller's permitted set, CurrentPermitted)
// has (CAP_SYS_PTRACE when it can) in the permitted set. ptrace
// and /proc/<pid>/mem need the target's permitted set within the tracer's or
// CAP_SYS_PTRACE, so no process of the container can attach to this one; the
// execve drops that capability again (the bounding set lacks it, the
// inheritable and ambient sets too). A container holding every capability
// the caller holds gets no guard (it could ptrace anything anyway).
// With `dac_off`, CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH leave the effective
// set (the exec recomputes it): the exec of a file the process may not read
// then leaves it non-dumpable, as the kernel does for any unreadable binary.
CapabilityState GuardedUntilExec(const CapabilityState& state, CapabilitySet held,
                                 bool dac_off) noexcept;
// The calling thread's permitted set (capget); empty when capget fails.
CapabilitySet CurrentPermitted() noexcept;
// DropBoundingCapabilities then ApplyCapabilitySets (for a process staying uid 0).
int ApplyCapabilities(const CapabilityState& state) noexcept;

// The capability sets of a running process, from /proc/<pid>/status
// ("self" for the caller). Parent side only (allocates).
Result<CapabilityState> ReadProcessCapabilities(const std::string& pid = "self");

}  // namespace skiff::runtime
