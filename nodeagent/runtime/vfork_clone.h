// CloneVfork: a child that shares the caller's memory until it execs or exits.
//
// clone(CLONE_VM | CLONE_VFORK) on a stack of its own, as posix_spawn does:
// nothing of the caller's address space is copied (no page tables, no
// copy-on-write faults), and the calling thread sleeps until the child execs
// or exits, so the child may use the caller's memory as if it were that thread.
// Every signal is blocked while the two share memory (a handler running in the
// child would run on the caller's data); the child starts with all signals
// blocked and the caller's mask is restored when clone returns. The child runs
// as the calling thread would: what that thread may not do (take a lock it
// holds, return from the frame that called CloneVfork) the child may not either.
// What it allocates stays allocated in the caller.
//
// flags: CLONE_NEW* and the exit signal (SIGCHLD). Returns the child's pid, or
// -errno when the stack cannot be mapped or clone fails.
#pragma once

#include <sys/types.h>

namespace skiff::runtime {

pid_t CloneVfork(unsigned long flags, int (*fn)(void*), void* arg);

// The same on a stack the calling thread maps once and keeps: a munmap per call
// would cost every other thread of a busy multi-threaded caller a TLB shootdown.
// The thread sleeps while its child runs, so no two children share the stack;
// but a child must not call this itself (nor may a process forked from it):
// its thread-local stack is the one it runs on.
pid_t CloneVforkOnThreadStack(unsigned long flags, int (*fn)(void*), void* arg);

}  // namespace skiff::runtime
