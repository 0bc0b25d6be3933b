// LinuxSys: Sys over the real system calls (raw syscall(2) where glibc has no wrapper).
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "nodeagent/runtime/sys.h"
#include "nodeagent/runtime/vfork_clone.h"

namespace skiff::runtime {
namespace {

// Turns the libc convention (-1 and errno) into ours (-errno).
template <typename T>
T Ret(T r) {
  return r < 0 ? static_cast<T>(-errno) : r;
}

class LinuxSys final : public Sys {
 public:
  pid_t Clone(unsigned long flags) override {
    return Ret<pid_t>(syscall(SYS_clone, flags, nullptr, nullptr, nullptr, nullptr));
  }
  pid_t CloneVfork(unsigned long flags, int (*fn)(void*), void* arg,
                   char* stack_top) override {
    return runtime::CloneVfork(flags, fn, arg, stack_top);
  }
  pid_t Fork() override { return Ret(fork()); }
  int Waitpid(pid_t pid, int* status, int options) override {
    pid_t r;
    do r = waitpid(pid, status, options);
    while (r < 0 && errno == EINTR);
    return Ret(r);
  }
  int Kill(pid_t pid, int sig) override { return Ret(kill(pid, sig)); }
  int PidfdOpen(pid_t pid) override { return Ret<int>(syscall(SYS_pidfd_open, pid, 0)); }
  int PidfdSendSignal(int pidfd, int sig) override {
    return Ret<int>(syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0));
  }
  int Setsid() override { return Ret<int>(setsid()); }
  int Prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4,
            unsigned long a5) override {
    return Ret(prctl(option, a2, a3, a4, a5));
  }
  int Execveat(int dirfd, const char* path, char* const argv[], char* const envp[],
               int flags) override {
    return Ret<int>(syscall(SYS_execveat, dirfd, path, argv, envp, flags));
  }
  int Setns(int fd, int nstype) override { return Ret(setns(fd, nstype)); }
  int Sethostname(const char* name, size_t len) override { return Ret(sethostname(name, len)); }
  // SIOCSIFFLAGS through a datagram socket: async-signal-safe, no netlink needed.
  int SetLinkUp(const char* ifname) override {
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0) return -errno;
    ifreq req{};
    strncpy(req.ifr_name, ifname, IFNAMSIZ - 1);
    int r = ioctl(sock, SIOCGIFFLAGS, &req);
    if (r == 0) {
      req.ifr_flags |= IFF_UP;
      r = ioctl(sock, SIOCSIFFLAGS, &req);
    }
    int err = r < 0 ? errno : 0;
    close(sock);
    return -err;
  }
  // Raw syscalls: they change the calling task only. glibc's wrappers would,
  // in a process it believes multi-threaded, signal every thread to do the
  // same, and the container's child runs in the agent's memory (vfork_clone.h).
  int Setgroups(size_t count, const gid_t* groups) override {
    return Ret<int>(syscall(SYS_setgroups, count, groups));
  }
  int Setresgid(gid_t gid) override { return Ret<int>(syscall(SYS_setresgid, gid, gid, gid)); }
  int Setresuid(uid_t uid) override { return Ret<int>(syscall(SYS_setresuid, uid, uid, uid)); }
  int Mount(const char* source, const char* target, const char* fstype, unsigned long flags,
            const void* data) override {
    return Ret(mount(source, target, fstype, flags, data));
  }
  int Umount2(const char* target, int flags) override { return Ret(umount2(target, flags)); }
  int PivotRoot(const char* new_root, const char* put_old) override {
    return Ret<int>(syscall(SYS_pivot_root, new_root, put_old));
  }
  int OpenTree(int dirfd, const char* path, unsigned int flags) override {
    return Ret<int>(syscall(SYS_open_tree, dirfd, path, flags));
  }
  int IdmapMount(int mount_fd, int userns_fd) override {
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_IDMAP;
    attr.userns_fd = static_cast<uint64_t>(userns_fd);
    return Ret<int>(syscall(SYS_mount_setattr, mount_fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)));
  }
  int MoveMount(int mount_fd, const char* path) override {
    return Ret<int>(syscall(SYS_move_mount, mount_fd, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH));
  }
  int Fsopen(const char* fstype, unsigned int flags) override {
    return Ret<int>(syscall(SYS_fsopen, fstype, flags));
  }
  int Fsconfig(int fs_fd, unsigned int cmd, const char* key, const void* value, int aux) override {
    return Ret<int>(syscall(SYS_fsconfig, fs_fd, cmd, key, value, aux));
  }
  int Fsmount(int fs_fd, unsigned int flags, unsigned int attr_flags) override {
    return Ret<int>(syscall(SYS_fsmount, fs_fd, flags, attr_flags));
  }
  int Fchownat(int dirfd, const char* path, uid_t uid, gid_t gid, int flags) override {
    return Ret(fchownat(dirfd, path, uid, gid, flags));
  }
  int Fchmodat(int dirfd, const char* path, mode_t mode) override {
    return Ret(fchmodat(dirfd, path, mode, 0));
  }
  int SendFds(int sock, const int* fds, size_t count) override {
    if (count > kMaxPassedFds) return -EINVAL;
    char byte = 0;
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxPassedFds)] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (count > 0) {
      msg.msg_control = control;
      msg.msg_controllen = CMSG_SPACE(sizeof(int) * count);
      cmsghdr* c = CMSG_FIRSTHDR(&msg);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN(sizeof(int) * count);
      memcpy(CMSG_DATA(c), fds, sizeof(int) * count);
    }
    ssize_t r;
    do r = sendmsg(sock, &msg, MSG_NOSIGNAL);
    while (r < 0 && errno == EINTR);
    return r < 0 ? -errno : 0;
  }
  int ReceiveFds(int sock, int* fds, size_t max) override {
    char byte;
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxPassedFds)] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    ssize_t r;
    do r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    while (r < 0 && errno == EINTR);
    if (r < 0) return -errno;
    if (r == 0) return -ECONNRESET;
    size_t count = 0;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t i = 0; i < n; ++i) {
        int fd;
        memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
        if (count < max) fds[count++] = fd;
        else close(fd);
      }
    }
    return (msg.msg_flags & MSG_CTRUNC) ? -EMSGSIZE : static_cast<int>(count);
  }
  int Open(const char* path, int flags, mode_t mode) override {
    int r;
    do r = open(path, flags, mode);
    while (r < 0 && errno == EINTR);
    return Ret(r);
  }
  int OpenAt2(int dirfd, const char* path, int flags, mode_t mode,
              unsigned long long resolve) override {
    open_how how{};
    how.flags = static_cast<unsigned long long>(flags);
    how.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0;
    how.resolve = resolve;
    return Ret<int>(syscall(SYS_openat2, dirfd, path, &how, sizeof(how)));
  }
  int Mkdirat(int dirfd, const char* path, mode_t mode) override {
    return Ret(mkdirat(dirfd, path, mode));
  }
  int Mknodat(int dirfd, const char* path, mode_t mode, dev_t dev) override {
    return Ret(mknodat(dirfd, path, mode, dev));
  }
  int Symlink(const char* target, const char* linkpath) override {
    return Ret(symlink(target, linkpath));
  }
  int Chdir(const char* path) override { return Ret(chdir(path)); }
  int Fchdir(int fd) override { return Ret(fchdir(fd)); }
  int Rename(const char* from, const char* to) override { return Ret(rename(from, to)); }
  int Pipe2(int fds[2], int flags) override { return Ret(pipe2(fds, flags)); }
  ssize_t Read(int fd, void* buf, size_t len) override {
    ssize_t r;
    do r = read(fd, buf, len);
    while (r < 0 && errno == EINTR);
    return Ret(r);
  }
  ssize_t Write(int fd, const void* buf, size_t len) override {
    ssize_t r;
    do r = write(fd, buf, len);
    while (r < 0 && errno == EINTR);
    return Ret(r);
  }
};

}  // namespace

std::unique_ptr<Sys> NewLinuxSys() { return std::make_unique<LinuxSys>(); }

Sys& LinuxSysInstance() {
  static LinuxSys sys;
  return sys;
}

}  // namespace skiff::runtime
