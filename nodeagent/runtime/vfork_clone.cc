#include "nodeagent/runtime/vfork_clone.h"

#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

namespace skiff::runtime {
namespace {

// Untouched pages of a stack cost nothing; the container's child runs the
// rootfs setup on it.
constexpr size_t kStackSize = 1 << 20;
constexpr int kSlots = 3;

size_t Page() { return static_cast<size_t>(sysconf(_SC_PAGESIZE)); }

// The stacks of one thread, unmapped when it exits.
struct ThreadStacks {
  char* base[kSlots] = {};
  ~ThreadStacks() {
    for (char* b : base) {
      if (b != nullptr) munmap(b, kStackSize + Page());
    }
  }
};

}  // namespace

char* ThreadStack(VforkStack slot) {
  static thread_local ThreadStacks stacks;
  char*& base = stacks.base[static_cast<int>(slot)];
  if (base == nullptr) {
    void* mem = mmap(nullptr, kStackSize + Page(), PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (mem == MAP_FAILED) return nullptr;
    mprotect(mem, Page(), PROT_NONE);  // a guard page below the stack
    base = static_cast<char*>(mem);
  }
  return base + Page() + kStackSize;
}

pid_t CloneVfork(unsigned long flags, int (*fn)(void*), void* arg, char* stack_top) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pid_t pid = clone(fn, stack_top, static_cast<int>(flags | CLONE_VM | CLONE_VFORK), arg);
  int err = errno;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return pid < 0 ? -err : pid;
}

}  // namespace skiff::runtime
