#include "nodeagent/runtime/rootfs_setup.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>

#include "base/unique_fd.h"
#include "nodeagent/runtime/overlay_mount.h"
#include "nodeagent/runtime/user_namespace.h"

namespace skiff::runtime {
namespace {

constexpr unsigned long long kInRoot = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;

StepError Fail(int neg_errno, std::string step, std::string detail = "") {
  return StepError{-neg_errno, std::move(step), std::move(detail)};
}

// "/proc/self/fd/N": a path the mount calls accept for an fd we resolved safely.
std::string FdPath(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

std::string Parent(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}
std::string Base(const std::string& path) { return path.substr(path.rfind('/') + 1); }

// Opens `path` (absolute in the container) under rootfd as O_PATH, creating it
// (a directory, or an empty file when !directory) and missing parents when needed.
// Returns the fd or -errno.
int OpenInRoot(Sys& sys, int rootfd, const std::string& path, bool directory) {
  int fd = sys.OpenAt2(rootfd, path.c_str(), O_PATH | O_CLOEXEC, 0, kInRoot);
  if (fd != -ENOENT) return fd;
  if (path == "/") return -ENOENT;
  int parent = OpenInRoot(sys, rootfd, Parent(path), true);
  if (parent < 0) return parent;
  UniqueFd parent_fd(parent);
  std::string name = Base(path);
  int r;
  if (directory) {
    r = sys.Mkdirat(parent, name.c_str(), 0755);
  } else {
    r = sys.OpenAt2(parent, name.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644,
                    RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
    if (r >= 0) ::close(r), r = 0;
  }
  if (r < 0 && r != -EEXIST) return r;
  return sys.OpenAt2(rootfd, path.c_str(), O_PATH | O_CLOEXEC, 0, kInRoot);
}

// Mounts onto `target` (in the container) under rootfd.
StepError MountInRoot(Sys& sys, int rootfd, const char* source, const std::string& target,
                      const char* fstype, unsigned long flags, const char* data,
                      bool directory = true) {
  int fd = OpenInRoot(sys, rootfd, target, directory);
  if (fd < 0) return Fail(fd, "open mount target", target);
  UniqueFd target_fd(fd);
  int r = sys.Mount(source, FdPath(fd).c_str(), fstype, flags, data);
  if (r < 0) return Fail(r, std::string("mount ") + (fstype ? fstype : "bind") + " on " + target);
  return {};
}

StepError MountRoot(Sys& sys, const RootfsSpec& rootfs, const std::string& mountpoint,
                    const std::string& upper_dir, const std::string& work_dir) {
  int r;
  if (!rootfs.plain_dir.empty()) {
    r = sys.Mount(rootfs.plain_dir.c_str(), mountpoint.c_str(), nullptr, MS_BIND | MS_REC,
                  nullptr);
    return r < 0 ? Fail(r, "bind-mount the root", rootfs.plain_dir) : StepError{};
  }
  return MountOverlay(sys, rootfs.lower_dirs, upper_dir, work_dir, mountpoint);
}

struct DeviceNode {
  const char* name;
  unsigned major, minor;
};
constexpr DeviceNode kDevices[] = {{"null", 1, 3},    {"zero", 1, 5},   {"full", 1, 7},
                                   {"random", 1, 8},  {"urandom", 1, 9}, {"tty", 5, 0}};
struct DevLink {
  const char* name;
  const char* target;
};
constexpr DevLink kDevLinks[] = {{"fd", "/proc/self/fd"},          {"stdin", "/proc/self/fd/0"},
                                 {"stdout", "/proc/self/fd/1"},    {"stderr", "/proc/self/fd/2"},
                                 {"core", "/proc/kcore"},          {"ptmx", "pts/ptmx"}};

StepError MountDev(Sys& sys, int rootfd, bool own_ipc, bool own_userns) {
  StepError e = MountInRoot(sys, rootfd, "tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME,
                            "mode=755,size=65536k");
  if (!e.ok()) return e;
  int fd = OpenInRoot(sys, rootfd, "/dev", true);
  if (fd < 0) return Fail(fd, "open /dev");
  UniqueFd dev(fd);
  for (const DeviceNode& d : kDevices) {
    // mknod is refused in a user namespace: the host's node is bound instead.
    int r = own_userns ? BindHostDevice(sys, fd, d.name)
                       : sys.Mknodat(fd, d.name, S_IFCHR | 0666, makedev(d.major, d.minor));
    if (r < 0) return Fail(r, "mknod /dev/" + std::string(d.name));
  }
  for (const DevLink& l : kDevLinks) {
    int r = sys.Symlink(l.target, (FdPath(fd) + "/" + l.name).c_str());
    if (r < 0) return Fail(r, "symlink /dev/" + std::string(l.name));
  }
  e = MountInRoot(sys, rootfd, "devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
                  "newinstance,ptmxmode=0666,mode=0620,gid=5");
  if (!e.ok()) return e;
  e = MountInRoot(sys, rootfd, "shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                  "mode=1777,size=65536k");
  if (!e.ok() || !own_ipc) return e;
  return MountInRoot(sys, rootfd, "mqueue", "/dev/mqueue", "mqueue",
                     MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
}

StepError MountSys(Sys& sys, int rootfd) {
  constexpr unsigned long kFlags = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY;
  StepError e = MountInRoot(sys, rootfd, "sysfs", "/sys", "sysfs", kFlags, nullptr);
  if (e.err != EPERM) return e;
  // Joined a network namespace we do not own: a read-only bind of the host's /sys.
  e = MountInRoot(sys, rootfd, "/sys", "/sys", nullptr, MS_BIND | MS_REC, nullptr);
  if (!e.ok()) return e;
  return MountInRoot(sys, rootfd, nullptr, "/sys", nullptr, MS_BIND | MS_REMOUNT | kFlags,
                     nullptr);
}

StepError MountBind(Sys& sys, int rootfd, const MountSpec& m) {
  int src = sys.Open(m.source.c_str(), O_PATH | O_CLOEXEC, 0);
  if (src < 0) return Fail(src, "open bind source", m.source);
  UniqueFd source(src);
  struct stat st;
  if (fstat(src, &st) < 0) return Fail(-errno, "stat bind source", m.source);
  bool directory = S_ISDIR(st.st_mode);
  StepError e = MountInRoot(sys, rootfd, FdPath(src).c_str(), m.target, nullptr,
                            MS_BIND | MS_REC, nullptr, directory);
  if (!e.ok() || !m.readonly) return e;
  return MountInRoot(sys, rootfd, nullptr, m.target, nullptr,
                     MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr, directory);
}

StepError MountSpecMounts(Sys& sys, int rootfd, const std::vector<MountSpec>& mounts) {
  for (const MountSpec& m : mounts) {
    StepError e;
    if (m.type == MountSpec::Type::kTmpfs) {
      unsigned long flags = MS_NOSUID | MS_NODEV | (m.readonly ? MS_RDONLY : 0);
      e = MountInRoot(sys, rootfd, "tmpfs", m.target, "tmpfs", flags,
                      m.tmpfs_options.empty() ? nullptr : m.tmpfs_options.c_str());
    } else {
      e = MountBind(sys, rootfd, m);
    }
    if (!e.ok()) return e;
  }
  return {};
}

StepError MaskPaths(Sys& sys, const std::vector<std::string>& paths) {
  for (const std::string& p : paths) {
    int fd = sys.Open(p.c_str(), O_PATH | O_CLOEXEC | O_NOFOLLOW, 0);
    if (fd == -ENOENT) continue;
    if (fd < 0) return Fail(fd, "open masked path", p);
    UniqueFd target(fd);
    struct stat st;
    if (fstat(fd, &st) < 0) return Fail(-errno, "stat masked path", p);
    int r = S_ISDIR(st.st_mode)
                ? sys.Mount("tmpfs", p.c_str(), "tmpfs", MS_RDONLY, "size=0")
                : sys.Mount("/dev/null", p.c_str(), nullptr, MS_BIND, nullptr);
    if (r < 0) return Fail(r, "mask path", p);
  }
  return {};
}

StepError ReadonlyPaths(Sys& sys, const std::vector<std::string>& paths) {
  for (const std::string& p : paths) {
    int r = sys.Mount(p.c_str(), p.c_str(), nullptr, MS_BIND | MS_REC, nullptr);
    if (r == -ENOENT) continue;
    if (r < 0) return Fail(r, "bind read-only path", p);
    r = sys.Mount(nullptr, p.c_str(), nullptr,
                  MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
    if (r < 0) return Fail(r, "remount read-only path", p);
  }
  return {};
}

}  // namespace

StepError PrepareRootfs(Sys& sys, const ContainerSpec& spec, const std::string& mountpoint,
                        const std::string& upper_dir, const std::string& work_dir) {
  int r = sys.Mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr);
  if (r < 0) return Fail(r, "make mounts private");
  StepError e = MountRoot(sys, spec.rootfs, mountpoint, upper_dir, work_dir);
  if (!e.ok()) return e;
  int fd = sys.Open(mountpoint.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0) return Fail(fd, "open root", mountpoint);
  UniqueFd root(fd);
  e = MountInRoot(sys, fd, "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
  if (!e.ok()) return e;
  e = MountDev(sys, fd, spec.namespaces.ipc.mode == NamespaceSpec::Mode::kNew,
               UsesOwnUserNamespace(spec));
  if (!e.ok()) return e;
  e = MountSys(sys, fd);
  if (!e.ok()) return e;
  return MountSpecMounts(sys, fd, spec.mounts);
}

StepError EnterRootfs(Sys& sys, const ContainerSpec& spec, const std::string& mountpoint) {
  int fd = sys.Open(mountpoint.c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0) return Fail(fd, "open root", mountpoint);
  UniqueFd root(fd);
  int r = sys.Fchdir(fd);
  if (r < 0) return Fail(r, "chdir to the root", mountpoint);
  // pivot_root(".", "."): the old root ends up stacked under the new one, and
  // detaching "." then removes it without needing a put_old directory.
  r = sys.PivotRoot(".", ".");
  if (r < 0) return Fail(r, "pivot_root", mountpoint);
  r = sys.Umount2(".", MNT_DETACH);
  if (r < 0) return Fail(r, "detach the old root");
  r = sys.Chdir("/");
  if (r < 0) return Fail(r, "chdir /");
  const SecuritySpec& sec = spec.security;
  StepError e = MaskPaths(sys, sec.masked_paths.empty() ? DefaultMaskedPaths() : sec.masked_paths);
  if (!e.ok()) return e;
  e = ReadonlyPaths(sys, sec.readonly_paths.empty() ? DefaultReadonlyPaths() : sec.readonly_paths);
  if (!e.ok() || !spec.rootfs.readonly) return e;
  r = sys.Mount(nullptr, "/", nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr);
  return r < 0 ? Fail(r, "remount the root read-only") : StepError{};
}

}  // namespace skiff::runtime
