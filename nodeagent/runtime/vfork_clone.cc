#include "nodeagent/runtime/vfork_clone.h"

#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

namespace skiff::runtime {
namespace {

// Untouched pages of the stack cost nothing; the container's child runs the
// rootfs setup on it.
constexpr size_t kStackSize = 1 << 20;

// A child's stack, mapped on first use, unmapped with the object.
class ThreadStack {
 public:
  ~ThreadStack() {
    if (base_ != nullptr) munmap(base_, kStackSize + Page());
  }
  // The top of the stack, or null with errno set.
  char* Top() {
    if (base_ == nullptr) {
      void* mem = mmap(nullptr, kStackSize + Page(), PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
      if (mem == MAP_FAILED) return nullptr;
      mprotect(mem, Page(), PROT_NONE);  // a guard page below the stack
      base_ = static_cast<char*>(mem);
    }
    return base_ + Page() + kStackSize;
  }

 private:
  static size_t Page() { return static_cast<size_t>(sysconf(_SC_PAGESIZE)); }
  char* base_ = nullptr;
};

pid_t CloneOn(char* top, unsigned long flags, int (*fn)(void*), void* arg) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pid_t pid = clone(fn, top, static_cast<int>(flags | CLONE_VM | CLONE_VFORK), arg);
  int err = errno;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return pid < 0 ? -err : pid;
}

}  // namespace

pid_t CloneVfork(unsigned long flags, int (*fn)(void*), void* arg) {
  ThreadStack stack;
  char* top = stack.Top();
  if (top == nullptr) return -errno;
  return CloneOn(top, flags, fn, arg);
}

pid_t CloneVforkOnThreadStack(unsigned long flags, int (*fn)(void*), void* arg) {
  static thread_local ThreadStack stack;
  char* top = stack.Top();
  if (top == nullptr) return -errno;
  return CloneOn(top, flags, fn, arg);
}

}  // namespace skiff::runtime
