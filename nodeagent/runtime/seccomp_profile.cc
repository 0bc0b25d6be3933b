// The default seccomp profile: see seccomp_profile.h.
#include "nodeagent/runtime/seccomp_profile.h"

#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "nodeagent/runtime/seccomp_syscalls.h"

namespace skiff::runtime {
namespace {

// clone(2) flags that make new namespaces; without CAP_SYS_ADMIN they are refused.
constexpr uint64_t kNamespaceCloneFlags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
                                          CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET |
                                          CLONE_NEWCGROUP;
constexpr uint64_t kAfVsock = 40;
// Syscall numbers scanned for names libseccomp knows (every table ends below this).
constexpr int kSyscallScanLimit = 1024;
constexpr int kX32SyscallBit = 0x40000000;
// What a syscall no rule mentions answers.
const uint32_t kDefaultAction = SCMP_ACT_ERRNO(ENOSYS);

struct FilterDeleter {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};
using Filter = std::unique_ptr<void, FilterDeleter>;

Status LibseccompError(int rc, const std::string& what) {
  return Status::FromErrno(-rc, "libseccomp: " + what);
}

bool KernelAtLeast(int want_major, int want_minor) {
  struct utsname u;
  if (uname(&u) != 0) return false;
  int major = 0, minor = 0;
  if (std::sscanf(u.release, "%d.%d", &major, &minor) != 2) return false;
  return major > want_major || (major == want_major && minor >= want_minor);
}

// True when the kernel runs x32 syscalls (CONFIG_X86_X32_ABI and syscall.x32=y).
// Debian's and most distributions' kernels refuse them with ENOSYS before any
// syscall table is reached.
bool KernelRunsX32() {
  static const bool runs = syscall(kX32SyscallBit | __NR_getpid) >= 0;
  return runs;
}

// The architectures of one filter: the native one and, on x86_64, the 32-bit
// ABI a container's binaries may use, and x32 where the kernel runs it. Leaving
// x32 out where the kernel refuses it keeps the program a third smaller (the
// kernel converts and JIT-compiles it on every container start: ~0.5 ms for
// 1,500 instructions here) and changes no answer: such calls hit the filter's
// bad-architecture action, ENOSYS, which is what the kernel says to them.
std::vector<uint32_t> FilterArches() {
  std::vector<uint32_t> arches = {seccomp_arch_native()};
  if (arches.front() == SCMP_ARCH_X86_64) {
    arches.push_back(SCMP_ARCH_X86);
    if (KernelRunsX32()) arches.push_back(SCMP_ARCH_X32);
  }
  return arches;
}

class ProfileBuilder {
 public:
  explicit ProfileBuilder(CapabilitySet caps) : caps_(caps) {}

  Result<SeccompProgram> Build() {
    Filter filter(seccomp_init(kDefaultAction));
    if (!filter) return Status::Internal("libseccomp: seccomp_init failed");
    ctx_ = filter.get();
    // A binary tree of syscall numbers keeps the filter's run time logarithmic.
    (void)seccomp_attr_set(ctx_, SCMP_FLTATR_CTL_OPTIMIZE, 2);
    int rc = seccomp_attr_set(ctx_, SCMP_FLTATR_ACT_BADARCH, kDefaultAction);
    if (rc != 0) return LibseccompError(rc, "set the bad-architecture action");
    for (uint32_t arch : FilterArches()) {
      rc = seccomp_arch_add(ctx_, arch);
      if (rc != 0 && rc != -EEXIST) return LibseccompError(rc, "add architecture");
    }
    SKIFF_RETURN_IF_ERROR(AllowGroups());
    SKIFF_RETURN_IF_ERROR(AddArgumentRules());
    SKIFF_RETURN_IF_ERROR(DenyTheRest());
    return Export();
  }

 private:
  Status AllowGroups() {
    for (const auto& group : seccomp_tables::Groups()) {
      if (group.capability >= 0 && !caps_.Has(group.capability)) continue;
      for (std::string_view name : group.names) SKIFF_RETURN_IF_ERROR(Add(SCMP_ACT_ALLOW, name));
    }
    if (KernelAtLeast(4, 8)) {
      for (std::string_view name : seccomp_tables::PtraceFamily()) {
        SKIFF_RETURN_IF_ERROR(Add(SCMP_ACT_ALLOW, name));
      }
    }
    return Status::Ok();
  }

  // A syscall allowed only with some arguments gets an allow rule with the
  // condition and an EPERM rule with its complement: libseccomp lets an
  // unconditional rule override every conditional one of the same syscall.
  Status AddArgumentRules() {
    SKIFF_RETURN_IF_ERROR(Add(SCMP_ACT_ALLOW, "socket", SCMP_A0(SCMP_CMP_NE, kAfVsock)));
    SKIFF_RETURN_IF_ERROR(Add(SCMP_ACT_ERRNO(EPERM), "socket", SCMP_A0(SCMP_CMP_EQ, kAfVsock)));
    // Other personas are not refused with EPERM (libseccomp cannot express "none
    // of these" on one argument); they fall to the default and answer ENOSYS.
    for (uint64_t persona : seccomp_tables::AllowedPersonas()) {
      SKIFF_RETURN_IF_ERROR(Add(SCMP_ACT_ALLOW, "personality", SCMP_A0(SCMP_CMP_EQ, persona)));
    }
    if (caps_.Has(CAP_SYS_ADMIN)) return Status::Ok();
    SKIFF_RETURN_IF_ERROR(
        Add(SCMP_ACT_ALLOW, "clone", SCMP_A0(SCMP_CMP_MASKED_EQ, kNamespaceCloneFlags, 0)));
    for (int bit = 0; bit < 64; ++bit) {
      uint64_t flag = uint64_t{1} << bit;
      if ((kNamespaceCloneFlags & flag) == 0) continue;
      SKIFF_RETURN_IF_ERROR(
          Add(SCMP_ACT_ERRNO(EPERM), "clone", SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag)));
    }
    // clone3 passes its flags in memory, out of a filter's reach: glibc falls
    // back to clone on ENOSYS.
    return Add(SCMP_ACT_ERRNO(ENOSYS), "clone3");
  }

  // Every syscall some architecture of the filter knows and nothing allowed
  // answers EPERM; numbers nobody knows keep the default ENOSYS.
  Status DenyTheRest() {
    for (uint32_t arch : FilterArches()) {
      int base = arch == SCMP_ARCH_X32 ? kX32SyscallBit : 0;
      for (int n = 0; n < kSyscallScanLimit; ++n) {
        char* name = seccomp_syscall_resolve_num_arch(arch, base + n);
        if (name == nullptr) continue;
        std::string owned(name);
        free(name);
        if (handled_.count(owned)) continue;
        SKIFF_RETURN_IF_ERROR(Add(SCMP_ACT_ERRNO(EPERM), owned));
      }
    }
    return Status::Ok();
  }

  template <typename... Cmp>
  Status Add(uint32_t action, std::string_view name, Cmp... cmps) {
    std::string n(name);
    handled_.insert(n);
    if (action == kDefaultAction) return Status::Ok();  // libseccomp refuses such rules
    int nr = seccomp_syscall_resolve_name(n.c_str());
    if (nr == __NR_SCMP_ERROR) return Status::Ok();  // no architecture has it
    int rc = seccomp_rule_add(ctx_, action, nr, sizeof...(cmps), cmps...);
    // -EDOM / -EOPNOTSUPP: the syscall exists elsewhere but not on these arches.
    if (rc == 0 || rc == -EDOM || rc == -EOPNOTSUPP) return Status::Ok();
    return LibseccompError(rc, "rule for " + n);
  }

  Result<SeccompProgram> Export() {
    int fd = memfd_create("skiff-seccomp", MFD_CLOEXEC);
    if (fd < 0) return Status::FromErrno(errno, "memfd_create for seccomp export");
    std::unique_ptr<int, void (*)(int*)> closer(&fd, [](int* f) { ::close(*f); });
    int rc = seccomp_export_bpf(ctx_, fd);
    if (rc != 0) return LibseccompError(rc, "export BPF");
    struct stat st;
    if (fstat(fd, &st) != 0) return Status::FromErrno(errno, "stat seccomp export");
    if (st.st_size % sizeof(sock_filter) != 0) return Status::Internal("seccomp export: odd size");
    if (st.st_size / sizeof(sock_filter) > BPF_MAXINSNS) {
      return Status::Internal(
          "seccomp profile has " + std::to_string(st.st_size / sizeof(sock_filter)) +
          " instructions, more than the kernel's " + std::to_string(BPF_MAXINSNS));
    }
    SeccompProgram program;
    program.instructions.resize(st.st_size / sizeof(sock_filter));
    ssize_t n = pread(fd, program.instructions.data(), st.st_size, 0);
    if (n != st.st_size) return Status::FromErrno(n < 0 ? errno : EIO, "read seccomp export");
    return program;
  }

  CapabilitySet caps_;
  scmp_filter_ctx ctx_ = nullptr;
  std::set<std::string> handled_;
};

}  // namespace

std::string DefaultSeccompProfileInputs(CapabilitySet capabilities) {
  const scmp_version* v = seccomp_version();
  struct utsname u;
  std::string release = uname(&u) == 0 ? u.release : "?";
  char text[256];
  snprintf(text, sizeof(text), "caps=%016llx libseccomp=%u.%u.%u x32=%d kernel=%s",
           static_cast<unsigned long long>(capabilities.bits), v ? v->major : 0,
           v ? v->minor : 0, v ? v->micro : 0, KernelRunsX32() ? 1 : 0, release.c_str());
  return text;
}

Result<SeccompProgram> BuildDefaultSeccompProgram(CapabilitySet capabilities) {
  static std::mutex mu;
  static std::map<uint64_t, SeccompProgram> cache;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = cache.find(capabilities.bits); it != cache.end()) return it->second;
  auto program = ProfileBuilder(capabilities).Build();
  if (program.ok()) cache.emplace(capabilities.bits, *program);
  return program;
}

int ApplySeccompProgram(const SeccompProgram& program) noexcept {
  if (program.instructions.empty()) return EINVAL;
  sock_fprog fprog{};
  fprog.len = static_cast<unsigned short>(program.instructions.size());
  fprog.filter = const_cast<sock_filter*>(program.instructions.data());
  if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) == 0) return 0;
  if (errno != ENOSYS) return errno;
  return ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) == 0 ? 0 : errno;
}

}  // namespace skiff::runtime
