// The tables of the default seccomp profile: which syscalls a container may make.
//
// Our own arrangement of the policy container runtimes share (moby's
// profiles/seccomp/default.json is the reference): syscalls grouped by what they
// are for, each group either open to every container or opened by one
// capability. Names that an architecture does not have are skipped when the
// filter is built, so one table serves x86_64, x86 and x32.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace skiff::runtime::seccomp_tables {

// A group of syscalls and the capability that opens it (-1: always open).
struct SyscallGroup {
  std::string_view purpose;
  int capability;
  std::span<const std::string_view> names;
};

// Every group of unconditional allows (argument-filtered syscalls such as
// socket, personality and clone are handled in seccomp_profile.cc).
std::span<const SyscallGroup> Groups();

// Allowed only on kernels >= 4.8, where seccomp runs after ptrace and cannot be
// bypassed by it: ptrace, process_vm_readv, process_vm_writev.
std::span<const std::string_view> PtraceFamily();

// personality(2) personas a container may switch to: PER_LINUX, PER_LINUX32,
// PER_LINUX | UNAME26, PER_LINUX32 | UNAME26, and the query 0xffffffff.
std::span<const uint64_t> AllowedPersonas();

}  // namespace skiff::runtime::seccomp_tables
