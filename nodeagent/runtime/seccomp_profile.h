// The default seccomp profile of a container, as a ready-to-load BPF program.
//
// The profile follows what Docker and containerd ship by default (moby's
// profiles/seccomp/default.json), written here in our own tables: an allow-list
// of syscalls, some allowed only with given arguments (personality, clone without
// namespace flags, socket without AF_VSOCK), some allowed only when the container
// holds a capability (mount, umount2, unshare, setns, ... with CAP_SYS_ADMIN;
// ptrace with CAP_SYS_PTRACE; module loading with CAP_SYS_MODULE; ...).
// A syscall the kernel headers know but the profile does not allow answers EPERM;
// a syscall number nobody knows (newer than libseccomp) answers ENOSYS, so a libc
// that probes a new syscall falls back as it would on an old kernel. clone3
// answers ENOSYS without CAP_SYS_ADMIN because its flags cannot be filtered.
//
// The program is built with libseccomp in the parent (BuildDefaultSeccompProgram)
// and loaded in the child with ApplySeccompProgram, which only calls seccomp(2)
// (prctl as a fallback) and is async-signal-safe. The caller sets
// PR_SET_NO_NEW_PRIVS first (or holds CAP_SYS_ADMIN). Build is thread-safe and
// remembers the program per capability set, so building again is a copy.
#pragma once

#include <linux/filter.h>

#include <string>
#include <vector>

#include "base/status.h"
#include "nodeagent/runtime/capabilities.h"

namespace skiff::runtime {

struct SeccompProgram {
  std::vector<sock_filter> instructions;
};

// The default profile for a container holding `capabilities` (its effective
// set). Internal (with libseccomp's errno) when libseccomp fails.
Result<SeccompProgram> BuildDefaultSeccompProgram(CapabilitySet capabilities);

// Everything besides this program's source that decides what
// BuildDefaultSeccompProgram returns for `capabilities` (libseccomp's version,
// whether the kernel runs x32, the kernel release), as one line of text: the
// key of SeccompCache (seccomp_cache.h).
std::string DefaultSeccompProfileInputs(CapabilitySet capabilities);

// Child side: loads `program` with seccomp(SECCOMP_SET_MODE_FILTER). Returns 0 or
// an errno value (EACCES without no_new_privs or CAP_SYS_ADMIN; EINVAL for an
// empty program).
int ApplySeccompProgram(const SeccompProgram& program) noexcept;

}  // namespace skiff::runtime
