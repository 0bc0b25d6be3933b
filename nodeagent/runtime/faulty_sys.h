// FaultySys: a Sys that fails one chosen call, for fault-injection tests.
//
// It forwards every call to a base Sys and counts them; the Nth call (1-based)
// is not made and returns -err instead (or, made for one call name, every call of
// that name). The counter lives in a shared anonymous
// mapping, so calls made by processes forked or cloned from the test (the monitor
// and the container's child) count too and the Nth call is failed in whichever
// process makes it. Only one call fails; the ones after it go through, so the
// code under test can clean up.
//
// Thread-safe (the counter is atomic). The base Sys must outlive it.
#pragma once

#include <atomic>
#include <string>

#include "nodeagent/runtime/sys.h"

namespace skiff::runtime {

class FaultySys final : public Sys {
 public:
  // fail_at == 0 fails nothing (the calls are only counted).
  FaultySys(Sys& base, long fail_at, int err);
  // Fails every call named `call` ("fsopen", "mount", the names fired_call
  // reports) with err and lets every other one through: a kernel without a
  // facility, for the fallbacks.
  FaultySys(Sys& base, const std::string& call, int err);
  ~FaultySys() override;
  FaultySys(const FaultySys&) = delete;
  FaultySys& operator=(const FaultySys&) = delete;

  // Calls made so far by every process sharing the counter.
  long calls() const;
  // Whether the chosen call has been reached (and failed), and its name.
  bool fired() const;
  std::string fired_call() const;

  pid_t Clone(unsigned long flags) override;
  pid_t CloneVfork(unsigned long flags, int (*fn)(void*), void* arg, char* stack_top) override;
  pid_t Fork() override;
  int Waitpid(pid_t pid, int* status, int options) override;
  int Kill(pid_t pid, int sig) override;
  int PidfdOpen(pid_t pid) override;
  int PidfdSendSignal(int pidfd, int sig) override;
  int Setsid() override;
  int Prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4,
            unsigned long a5) override;
  int Execveat(int dirfd, const char* path, char* const argv[], char* const envp[],
               int flags) override;
  int Setns(int fd, int nstype) override;
  int Sethostname(const char* name, size_t len) override;
  int SetLinkUp(const char* ifname) override;
  int Setgroups(size_t count, const gid_t* groups) override;
  int Setresgid(gid_t gid) override;
  int Setresuid(uid_t uid) override;
  int Mount(const char* source, const char* target, const char* fstype, unsigned long flags,
            const void* data) override;
  int Umount2(const char* target, int flags) override;
  int PivotRoot(const char* new_root, const char* put_old) override;
  int OpenTree(int dirfd, const char* path, unsigned int flags) override;
  int IdmapMount(int mount_fd, int userns_fd) override;
  int MoveMount(int mount_fd, const char* path) override;
  int Fsopen(const char* fstype, unsigned int flags) override;
  int Fsconfig(int fs_fd, unsigned int cmd, const char* key, const void* value, int aux) override;
  int Fsmount(int fs_fd, unsigned int flags, unsigned int attr_flags) override;
  int Open(const char* path, int flags, mode_t mode) override;
  int OpenAt2(int dirfd, const char* path, int flags, mode_t mode,
              unsigned long long resolve) override;
  int Mkdirat(int dirfd, const char* path, mode_t mode) override;
  int Mknodat(int dirfd, const char* path, mode_t mode, dev_t dev) override;
  int Symlink(const char* target, const char* linkpath) override;
  int Chdir(const char* path) override;
  int Fchdir(int fd) override;
  int Rename(const char* from, const char* to) override;
  int Fchownat(int dirfd, const char* path, uid_t uid, gid_t gid, int flags) override;
  int Fchmodat(int dirfd, const char* path, mode_t mode) override;
  int SendFds(int sock, const int* fds, size_t count) override;
  int ReceiveFds(int sock, int* fds, size_t max) override;
  int Pipe2(int fds[2], int flags) override;
  ssize_t Read(int fd, void* buf, size_t len) override;
  ssize_t Write(int fd, const void* buf, size_t len) override;

 private:
  struct Shared {
    std::atomic<long> calls;
    std::atomic<bool> fired;
    char fired_call[32];
  };
  // True when this call is the one to fail (and records its name).
  bool ShouldFail(const char* name);

  Sys& base_;
  long fail_at_;
  std::string only_call_;
  int err_;
  Shared* shared_;
};

}  // namespace skiff::runtime
