// The default seccomp profile, loaded in forked children.
#include "nodeagent/runtime/seccomp_profile.h"

#include <linux/capability.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>

#include "tests/nodeagent/runtime/cgroup_test_support.h"

namespace skiff::runtime {
namespace {

using testing::ChildResult;
using testing::RunInChild;

// The errno of a raw syscall that is expected to fail, 0 when it succeeded.
template <typename... Args>
int ErrnoOf(long nr, Args... args) {
  long rc = syscall(nr, args...);
  return rc < 0 ? errno : 0;
}

// Loads the profile for `caps` in the calling (child) process.
int Load(const SeccompProgram& program) {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return 100;
  return ApplySeccompProgram(program) == 0 ? 0 : 101;
}

TEST_CASE("the default profile builds into a BPF program within the kernel limit", "[seccomp]") {
  auto program = BuildDefaultSeccompProgram(DefaultCapabilities());
  INFO(program.status().ToString());
  REQUIRE(program.ok());
  CHECK(program->instructions.size() > 100);
  CHECK(program->instructions.size() <= BPF_MAXINSNS);
  auto again = BuildDefaultSeccompProgram(DefaultCapabilities());
  REQUIRE(again.ok());
  CHECK(again->instructions.size() == program->instructions.size());
  CapabilitySet admin = DefaultCapabilities();
  admin.Add(CAP_SYS_ADMIN);
  auto with_admin = BuildDefaultSeccompProgram(admin);
  INFO(with_admin.status().ToString());
  REQUIRE(with_admin.ok());
  CHECK(with_admin->instructions.size() != program->instructions.size());
}

TEST_CASE("an empty program is refused without touching the process", "[seccomp]") {
  CHECK(ApplySeccompProgram(SeccompProgram{}) == EINVAL);
}

TEST_CASE("the default profile refuses mount, unshare, keyctl and module loading with EPERM",
          "[seccomp][privileged]") {
  auto program = BuildDefaultSeccompProgram(DefaultCapabilities());
  INFO(program.status().ToString());
  REQUIRE(program.ok());
  int status = RunInChild([&] {
    if (int rc = Load(*program)) return rc;
    if (ErrnoOf(SYS_mount, "none", "/mnt", "tmpfs", 0, nullptr) != EPERM) return 1;
    if (ErrnoOf(SYS_umount2, "/proc", 0) != EPERM) return 2;
    if (ErrnoOf(SYS_unshare, CLONE_NEWNS) != EPERM) return 3;
    if (ErrnoOf(SYS_keyctl, 0, 0, 0, 0, 0) != EPERM) return 4;
    if (ErrnoOf(SYS_add_key, "user", "k", "v", 1, 0) != EPERM) return 5;
    if (ErrnoOf(SYS_init_module, nullptr, 0, "") != EPERM) return 6;
    if (ErrnoOf(SYS_finit_module, -1, "", 0) != EPERM) return 7;
    if (ErrnoOf(SYS_delete_module, "x", 0) != EPERM) return 8;
    if (ErrnoOf(SYS_bpf, 0, nullptr, 0) != EPERM) return 9;
    if (ErrnoOf(SYS_setns, -1, 0) != EPERM) return 10;
    if (ErrnoOf(SYS_pivot_root, "/", "/") != EPERM) return 11;
    if (ErrnoOf(SYS_reboot, 0, 0, 0, nullptr) != EPERM) return 12;
    if (ErrnoOf(SYS_swapon, "/x", 0) != EPERM) return 13;
    if (ErrnoOf(SYS_kexec_load, 0, 0, nullptr, 0) != EPERM) return 14;
    if (ErrnoOf(SYS_perf_event_open, nullptr, 0, -1, -1, 0) != EPERM) return 15;
    if (ErrnoOf(SYS_clone, CLONE_NEWNET | SIGCHLD, 0, 0, 0, 0) != EPERM) return 16;
    if (ErrnoOf(SYS_socket, 40 /* AF_VSOCK */, SOCK_STREAM, 0) != EPERM) return 17;
    return 0;
  });
  CHECK(ChildResult(status) == 0);
}

TEST_CASE("the default profile refuses io_uring_setup, _enter and _register with EPERM",
          "[seccomp][hostile][privileged]") {
  auto program = BuildDefaultSeccompProgram(DefaultCapabilities());
  INFO(program.status().ToString());
  REQUIRE(program.ok());
  int status = RunInChild([&] {
    if (int rc = Load(*program)) return rc;
    unsigned char params[120] = {};  // struct io_uring_params: no flags
    if (ErrnoOf(SYS_io_uring_setup, 4, params) != EPERM) return 1;
    if (ErrnoOf(SYS_io_uring_enter, -1, 0, 0, 0, nullptr, 0) != EPERM) return 2;
    if (ErrnoOf(SYS_io_uring_register, -1, 0, nullptr, 0) != EPERM) return 3;
    return 0;
  });
  CHECK(ChildResult(status) == 0);
}

TEST_CASE("unknown syscall numbers and clone3 answer ENOSYS", "[seccomp][privileged]") {
  auto program = BuildDefaultSeccompProgram(DefaultCapabilities());
  INFO(program.status().ToString());
  REQUIRE(program.ok());
  int status = RunInChild([&] {
    if (int rc = Load(*program)) return rc;
    if (ErrnoOf(1000) != ENOSYS) return 1;
    if (ErrnoOf(4000) != ENOSYS) return 2;
    if (ErrnoOf(SYS_clone3, nullptr, 0) != ENOSYS) return 3;
    return 0;
  });
  CHECK(ChildResult(status) == 0);
}

TEST_CASE("an x32 syscall answers under the profile what the kernel answers without it",
          "[seccomp][privileged]") {
  constexpr long kX32 = 0x40000000;
  auto program = BuildDefaultSeccompProgram(DefaultCapabilities());
  INFO(program.status().ToString());
  REQUIRE(program.ok());
  // ENOSYS where the kernel does not run x32 (most distributions), 0 where it does.
  const int unfiltered = ErrnoOf(kX32 | SYS_getpid);
  int status = RunInChild([&] {
    if (int rc = Load(*program)) return rc;
    return ErrnoOf(kX32 | SYS_getpid) == unfiltered ? 0 : 1;
  });
  CHECK(ChildResult(status) == 0);  // not killed for a bad architecture, same answer
}

TEST_CASE("ordinary syscalls keep working under the default profile", "[seccomp][privileged]") {
  auto program = BuildDefaultSeccompProgram(DefaultCapabilities());
  INFO(program.status().ToString());
  REQUIRE(program.ok());
  int status = RunInChild([&] {
    if (int rc = Load(*program)) return rc;
    if (getpid() <= 0) return 1;
    int fds[2];
    if (pipe(fds) != 0) return 2;
    if (write(fds[1], "x", 1) != 1) return 3;
    char c;
    if (read(fds[0], &c, 1) != 1 || c != 'x') return 4;
    int sock = socket(AF_INET, SOCK_STREAM, 0);
    if (sock < 0) return 5;
    close(sock);
    pid_t child = fork();  // glibc's fork is clone without namespace flags
    if (child < 0) return 6;
    if (child == 0) _exit(7);
    int st = 0;
    if (waitpid(child, &st, 0) != child || !WIFEXITED(st) || WEXITSTATUS(st) != 7) return 7;
    if (syscall(SYS_personality, 0xffffffff) < 0) return 8;
    if (chroot("/") != 0) return 9;  // CAP_SYS_CHROOT is in the default set
    return 0;
  });
  CHECK(ChildResult(status) == 0);
}

TEST_CASE("CAP_SYS_ADMIN opens unshare, mount and namespace clones", "[seccomp][privileged]") {
  CapabilitySet admin = DefaultCapabilities();
  admin.Add(CAP_SYS_ADMIN);
  auto program = BuildDefaultSeccompProgram(admin);
  INFO(program.status().ToString());
  REQUIRE(program.ok());
  int status = RunInChild([&] {
    if (int rc = Load(*program)) return rc;
    if (unshare(CLONE_NEWNS) != 0) return 1;  // private mount namespace: harmless
    if (mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return 2;
    if (ErrnoOf(SYS_keyctl, 0, 0, 0, 0, 0) != EPERM) return 3;
    return 0;
  });
  CHECK(ChildResult(status) == 0);
}

}  // namespace
}  // namespace skiff::runtime
