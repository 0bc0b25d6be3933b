// Sys: the kernel calls the container runtime makes, behind one narrow seam.
//
// Every method is a thin wrapper of one system call and returns what the call
// returns on success (0, a pid or an fd) or -errno on failure; none of them
// allocates, takes a lock or throws, so the child side of clone() (and the
// short-lived processes between fork and exec) may call them. LinuxSys makes the
// real calls. FaultySys (faulty_sys.h) wraps another Sys and fails the Nth call,
// counted across every process forked from the test, so fault loops reach the
// steps done in the container's child as well.
//
// Thread-safe: LinuxSys has no state.
#pragma once

#include <sys/types.h>

#include <memory>

namespace skiff::runtime {

class Sys {
 public:
  virtual ~Sys() = default;

  // Processes. Clone is clone(2) with fork semantics (no new stack): flags are
  // CLONE_NEW* and the exit signal. Fork is glibc's fork(), which keeps malloc
  // usable in the child of a multi-threaded parent.
  virtual pid_t Clone(unsigned long flags) = 0;
  // fn(arg) on stack_top in a child sharing our memory until it execs or exits;
  // the calling thread waits meanwhile (vfork_clone.h). flags: CLONE_NEW* and
  // the exit signal.
  virtual pid_t CloneVfork(unsigned long flags, int (*fn)(void*), void* arg,
                           char* stack_top) = 0;
  virtual pid_t Fork() = 0;
  virtual int Waitpid(pid_t pid, int* status, int options) = 0;
  virtual int Kill(pid_t pid, int sig) = 0;
  virtual int PidfdOpen(pid_t pid) = 0;
  virtual int PidfdSendSignal(int pidfd, int sig) = 0;
  virtual int Setsid() = 0;
  virtual int Prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4,
                    unsigned long a5) = 0;
  virtual int Execveat(int dirfd, const char* path, char* const argv[], char* const envp[],
                       int flags) = 0;

  // Namespaces and identity.
  virtual int Setns(int fd, int nstype) = 0;
  virtual int Sethostname(const char* name, size_t len) = 0;
  // Sets IFF_UP on the interface (in the caller's network namespace).
  virtual int SetLinkUp(const char* ifname) = 0;
  virtual int Setgroups(size_t count, const gid_t* groups) = 0;
  virtual int Setresgid(gid_t gid) = 0;
  virtual int Setresuid(uid_t uid) = 0;

  // Mounts.
  virtual int Mount(const char* source, const char* target, const char* fstype,
                    unsigned long flags, const void* data) = 0;
  virtual int Umount2(const char* target, int flags) = 0;
  virtual int PivotRoot(const char* new_root, const char* put_old) = 0;
  // open_tree(2): a detached copy of the mount at path (OPEN_TREE_CLONE).
  virtual int OpenTree(int dirfd, const char* path, unsigned int flags) = 0;
  // mount_setattr(2) with MOUNT_ATTR_IDMAP on a detached mount: its files show
  // through the id mappings of the user namespace userns_fd.
  virtual int IdmapMount(int mount_fd, int userns_fd) = 0;
  // move_mount(2) of a detached mount onto path (MOVE_MOUNT_F_EMPTY_PATH).
  virtual int MoveMount(int mount_fd, const char* path) = 0;
  // The new mount API: fsopen(2) a filesystem context, fsconfig(2) its
  // parameters (FSCONFIG_SET_FD, FSCONFIG_CMD_CREATE, ...), fsmount(2) it into a
  // detached mount, which MoveMount attaches.
  virtual int Fsopen(const char* fstype, unsigned int flags) = 0;
  virtual int Fsconfig(int fs_fd, unsigned int cmd, const char* key, const void* value,
                       int aux) = 0;
  virtual int Fsmount(int fs_fd, unsigned int flags, unsigned int attr_flags) = 0;

  // Files.
  virtual int Open(const char* path, int flags, mode_t mode) = 0;
  // openat2(2) with RESOLVE_* flags: resolves path inside dirfd (RESOLVE_IN_ROOT).
  virtual int OpenAt2(int dirfd, const char* path, int flags, mode_t mode,
                      unsigned long long resolve) = 0;
  virtual int Mkdirat(int dirfd, const char* path, mode_t mode) = 0;
  virtual int Mknodat(int dirfd, const char* path, mode_t mode, dev_t dev) = 0;
  virtual int Symlink(const char* target, const char* linkpath) = 0;
  virtual int Chdir(const char* path) = 0;
  virtual int Fchdir(int fd) = 0;
  virtual int Rename(const char* from, const char* to) = 0;
  virtual int Fchownat(int dirfd, const char* path, uid_t uid, gid_t gid, int flags) = 0;
  virtual int Fchmodat(int dirfd, const char* path, mode_t mode) = 0;
  // One byte and up to kMaxPassedFds descriptors (SCM_RIGHTS) on a unix socket.
  // ReceiveFds returns how many came (close-on-exec), -ECONNRESET at end of file.
  static constexpr size_t kMaxPassedFds = 250;
  virtual int SendFds(int sock, const int* fds, size_t count) = 0;
  virtual int ReceiveFds(int sock, int* fds, size_t max) = 0;
  virtual int Pipe2(int fds[2], int flags) = 0;
  virtual ssize_t Read(int fd, void* buf, size_t len) = 0;
  virtual ssize_t Write(int fd, const void* buf, size_t len) = 0;
};

// The real kernel.
std::unique_ptr<Sys> NewLinuxSys();
// A process-wide LinuxSys for code with no injected one.
Sys& LinuxSysInstance();

}  // namespace skiff::runtime
