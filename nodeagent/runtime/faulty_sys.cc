#include "nodeagent/runtime/faulty_sys.h"

#include <sys/mman.h>

#include <cstring>
#include <new>

namespace skiff::runtime {

FaultySys::FaultySys(Sys& base, long fail_at, int err)
    : base_(base), fail_at_(fail_at), err_(err) {
  void* p = mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                 -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  shared_ = new (p) Shared{};
}

FaultySys::FaultySys(Sys& base, const std::string& call, int err) : FaultySys(base, 0, err) {
  only_call_ = call;
}

FaultySys::~FaultySys() { munmap(shared_, sizeof(Shared)); }

long FaultySys::calls() const { return shared_->calls.load(); }
bool FaultySys::fired() const { return shared_->fired.load(); }
std::string FaultySys::fired_call() const {
  return fired() ? std::string(shared_->fired_call) : std::string();
}

bool FaultySys::ShouldFail(const char* name) {
  long n = shared_->calls.fetch_add(1) + 1;
  bool fail = only_call_.empty() ? fail_at_ != 0 && n == fail_at_ : only_call_ == name;
  if (!fail) return false;
  strncpy(shared_->fired_call, name, sizeof(shared_->fired_call) - 1);
  shared_->fired.store(true);
  return true;
}

#define SKIFF_FAULT(name, call) \
  if (ShouldFail(name)) return -err_; \
  return base_.call

pid_t FaultySys::Clone(unsigned long flags) { SKIFF_FAULT("clone", Clone(flags)); }
pid_t FaultySys::CloneVfork(unsigned long flags, int (*fn)(void*), void* arg, char* stack_top) {
  SKIFF_FAULT("clone", CloneVfork(flags, fn, arg, stack_top));
}
pid_t FaultySys::Fork() { SKIFF_FAULT("fork", Fork()); }
int FaultySys::Waitpid(pid_t pid, int* status, int options) {
  SKIFF_FAULT("waitpid", Waitpid(pid, status, options));
}
int FaultySys::Kill(pid_t pid, int sig) { SKIFF_FAULT("kill", Kill(pid, sig)); }
int FaultySys::PidfdOpen(pid_t pid) { SKIFF_FAULT("pidfd_open", PidfdOpen(pid)); }
int FaultySys::PidfdSendSignal(int pidfd, int sig) {
  SKIFF_FAULT("pidfd_send_signal", PidfdSendSignal(pidfd, sig));
}
int FaultySys::Setsid() { SKIFF_FAULT("setsid", Setsid()); }
int FaultySys::Prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4,
                     unsigned long a5) {
  SKIFF_FAULT("prctl", Prctl(option, a2, a3, a4, a5));
}
int FaultySys::Execveat(int dirfd, const char* path, char* const argv[], char* const envp[],
                        int flags) {
  SKIFF_FAULT("execveat", Execveat(dirfd, path, argv, envp, flags));
}
int FaultySys::Setns(int fd, int nstype) { SKIFF_FAULT("setns", Setns(fd, nstype)); }
int FaultySys::SetLinkUp(const char* ifname) {
  SKIFF_FAULT("setlinkup", SetLinkUp(ifname));
}

int FaultySys::Sethostname(const char* name, size_t len) {
  SKIFF_FAULT("sethostname", Sethostname(name, len));
}
int FaultySys::Setgroups(size_t count, const gid_t* groups) {
  SKIFF_FAULT("setgroups", Setgroups(count, groups));
}
int FaultySys::Setresgid(gid_t gid) { SKIFF_FAULT("setresgid", Setresgid(gid)); }
int FaultySys::Setresuid(uid_t uid) { SKIFF_FAULT("setresuid", Setresuid(uid)); }
int FaultySys::Mount(const char* source, const char* target, const char* fstype,
                     unsigned long flags, const void* data) {
  SKIFF_FAULT("mount", Mount(source, target, fstype, flags, data));
}
int FaultySys::Umount2(const char* target, int flags) {
  SKIFF_FAULT("umount2", Umount2(target, flags));
}
int FaultySys::PivotRoot(const char* new_root, const char* put_old) {
  SKIFF_FAULT("pivot_root", PivotRoot(new_root, put_old));
}
int FaultySys::OpenTree(int dirfd, const char* path, unsigned int flags) {
  SKIFF_FAULT("open_tree", OpenTree(dirfd, path, flags));
}
int FaultySys::IdmapMount(int mount_fd, int userns_fd) {
  SKIFF_FAULT("mount_setattr", IdmapMount(mount_fd, userns_fd));
}
int FaultySys::MoveMount(int mount_fd, const char* path) {
  SKIFF_FAULT("move_mount", MoveMount(mount_fd, path));
}
int FaultySys::Fsopen(const char* fstype, unsigned int flags) {
  SKIFF_FAULT("fsopen", Fsopen(fstype, flags));
}
int FaultySys::Fsconfig(int fs_fd, unsigned int cmd, const char* key, const void* value, int aux) {
  SKIFF_FAULT("fsconfig", Fsconfig(fs_fd, cmd, key, value, aux));
}
int FaultySys::Fsmount(int fs_fd, unsigned int flags, unsigned int attr_flags) {
  SKIFF_FAULT("fsmount", Fsmount(fs_fd, flags, attr_flags));
}
int FaultySys::Fchownat(int dirfd, const char* path, uid_t uid, gid_t gid, int flags) {
  SKIFF_FAULT("fchownat", Fchownat(dirfd, path, uid, gid, flags));
}
int FaultySys::Fchmodat(int dirfd, const char* path, mode_t mode) {
  SKIFF_FAULT("fchmodat", Fchmodat(dirfd, path, mode));
}
int FaultySys::SendFds(int sock, const int* fds, size_t count) {
  SKIFF_FAULT("sendmsg", SendFds(sock, fds, count));
}
int FaultySys::ReceiveFds(int sock, int* fds, size_t max) {
  SKIFF_FAULT("recvmsg", ReceiveFds(sock, fds, max));
}
int FaultySys::Open(const char* path, int flags, mode_t mode) {
  SKIFF_FAULT("open", Open(path, flags, mode));
}
int FaultySys::OpenAt2(int dirfd, const char* path, int flags, mode_t mode,
                       unsigned long long resolve) {
  SKIFF_FAULT("openat2", OpenAt2(dirfd, path, flags, mode, resolve));
}
int FaultySys::Mkdirat(int dirfd, const char* path, mode_t mode) {
  SKIFF_FAULT("mkdirat", Mkdirat(dirfd, path, mode));
}
int FaultySys::Mknodat(int dirfd, const char* path, mode_t mode, dev_t dev) {
  SKIFF_FAULT("mknodat", Mknodat(dirfd, path, mode, dev));
}
int FaultySys::Symlink(const char* target, const char* linkpath) {
  SKIFF_FAULT("symlink", Symlink(target, linkpath));
}
int FaultySys::Chdir(const char* path) { SKIFF_FAULT("chdir", Chdir(path)); }
int FaultySys::Fchdir(int fd) { SKIFF_FAULT("fchdir", Fchdir(fd)); }
int FaultySys::Rename(const char* from, const char* to) {
  SKIFF_FAULT("rename", Rename(from, to));
}
int FaultySys::Pipe2(int fds[2], int flags) { SKIFF_FAULT("pipe2", Pipe2(fds, flags)); }
ssize_t FaultySys::Read(int fd, void* buf, size_t len) { SKIFF_FAULT("read", Read(fd, buf, len)); }
ssize_t FaultySys::Write(int fd, const void* buf, size_t len) {
  SKIFF_FAULT("write", Write(fd, buf, len));
}

#undef SKIFF_FAULT

}  // namespace skiff::runtime
