// CloneVfork: a child that shares the caller's memory until it execs or exits.
//
// clone(CLONE_VM | CLONE_VFORK) on a stack of its own, as posix_spawn does:
// nothing of the caller's address space is copied (no page tables, no
// copy-on-write faults), and the calling thread sleeps until the child execs
// or exits, so the child may use the caller's memory as if it were that thread
// (its thread-local storage too). Every signal is blocked while the two share
// memory (a handler running in the child would run on the caller's data); the
// child starts with all signals blocked and the caller's mask is restored when
// clone returns.
//
// What the child may not do is what that thread may not do either (take a lock
// it holds, return from the frame that called CloneVfork), and more: what it
// still has allocated when it execs or exits stays allocated in the caller's
// heap, and in a multi-threaded caller it must use raw syscalls for what glibc
// would broadcast to every thread (setresuid, setgroups, ...).
//
// flags: CLONE_NEW* and the exit signal (SIGCHLD). Returns the child's pid, or
// -errno when clone fails.
#pragma once

#include <sys/types.h>

namespace skiff::runtime {

// Stacks kept by the calling thread, one per nesting level of a launch (the
// intermediate, the monitor it starts, the container's child the monitor
// starts): all three run at once, each on its own.
enum class VforkStack { kIntermediate, kMonitor, kChild };

// The top of a 1 MiB stack (below it a guard page) that the calling thread
// maps on first use and keeps until it exits: a munmap per container would cost
// a busy multi-threaded caller a TLB shootdown on every other CPU and contend
// on its mmap lock. Children share the thread's storage, so a child asking for
// another slot gets the thread's. Null with errno set when mmap fails.
char* ThreadStack(VforkStack slot);

pid_t CloneVfork(unsigned long flags, int (*fn)(void*), void* arg, char* stack_top);

}  // namespace skiff::runtime
