#include "nodeagent/runtime/overlay_mount.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>

#include "base/unique_fd.h"

namespace skiff::runtime {
namespace {

StepError Fail(int neg_errno, std::string step, std::string detail = "") {
  return StepError{-neg_errno, std::move(step), std::move(detail)};
}

int OpenDir(Sys& sys, const std::string& path) {
  return sys.Open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
}

std::string Counts(size_t layers, size_t bytes) {
  return std::to_string(layers) + " layers take " + std::to_string(bytes) +
         " bytes of mount options; the kernel takes " + std::to_string(kMaxMountDataLength);
}

// The new mount API's answer for one attempt: mounted (or failed for good), or
// a kernel that cannot take layers by descriptor, for mount(2) to try.
struct FsResult {
  StepError error;
  bool unsupported = false;
};

FsResult AddLayers(Sys& sys, int fs, const std::vector<std::string>& lower_dirs,
                   const std::string& upper_dir, const std::string& work_dir) {
  for (size_t i = 0; i < lower_dirs.size(); ++i) {
    int fd = OpenDir(sys, lower_dirs[i]);
    if (fd < 0) return {Fail(fd, "open overlay layer", lower_dirs[i])};
    int r = sys.Fsconfig(fs, FSCONFIG_SET_FD, "lowerdir+", nullptr, fd);
    ::close(fd);
    // Before 6.13 "lowerdir+" is unknown (< 6.8) or takes only a path.
    if (r == -EINVAL && i == 0) return {{}, true};
    if (r < 0) return {Fail(r, "add overlay layer", lower_dirs[i])};
  }
  const std::pair<const char*, const std::string*> dirs[] = {{"upperdir", &upper_dir},
                                                             {"workdir", &work_dir}};
  for (auto [key, path] : dirs) {
    int fd = OpenDir(sys, *path);
    if (fd < 0) return {Fail(fd, std::string("open overlay ") + key, *path)};
    int r = sys.Fsconfig(fs, FSCONFIG_SET_FD, key, nullptr, fd);
    ::close(fd);
    if (r < 0) return {Fail(r, std::string("set overlay ") + key, *path)};
  }
  return {};
}

// The kernel's reason for a refused overlay, from the context's message log
// ("e overlayfs: ..."), or "".
std::string ContextMessage(Sys& sys, int fs) {
  char buf[160];
  ssize_t n = sys.Read(fs, buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

FsResult MountWithFsopen(Sys& sys, const std::vector<std::string>& lower_dirs,
                         const std::string& upper_dir, const std::string& work_dir,
                         const std::string& mountpoint) {
  int fs = sys.Fsopen("overlay", FSOPEN_CLOEXEC);
  if (fs == -ENOSYS) return {{}, true};
  if (fs < 0) return {Fail(fs, "fsopen overlay")};
  UniqueFd context(fs);
  FsResult added = AddLayers(sys, fs, lower_dirs, upper_dir, work_dir);
  if (!added.error.ok() || added.unsupported) return added;
  // The source mount(2) gave it: "overlay / overlay" in /proc/mounts, as tools expect.
  int r = sys.Fsconfig(fs, FSCONFIG_SET_STRING, "source", "overlay", 0);
  if (r < 0) return {Fail(r, "set overlay source")};
  r = sys.Fsconfig(fs, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0);
  if (r < 0) return {Fail(r, "create overlay", ContextMessage(sys, fs))};
  int mnt = sys.Fsmount(fs, FSMOUNT_CLOEXEC, 0);
  if (mnt < 0) return {Fail(mnt, "fsmount overlay")};
  UniqueFd mount_fd(mnt);
  // Checked while detached: a wrong mount is never attached.
  StepError verified = VerifyOverlay(mnt, work_dir);
  if (!verified.ok()) return {verified};
  r = sys.MoveMount(mnt, mountpoint.c_str());
  if (r < 0) return {Fail(r, "attach overlay", mountpoint)};
  return {};
}

// mount(2) with every directory named by its descriptor under /proc/self/fd.
StepError MountWithFdNames(Sys& sys, const std::vector<std::string>& lower_dirs,
                           const std::string& upper_dir, const std::string& work_dir,
                           const std::string& mountpoint) {
  std::vector<UniqueFd> held;  // closed on every return
  held.reserve(lower_dirs.size() + 2);
  std::vector<int> lower_fds;
  lower_fds.reserve(lower_dirs.size());
  for (const std::string& dir : lower_dirs) {
    int fd = OpenDir(sys, dir);
    if (fd < 0) return Fail(fd, "open overlay layer", dir);
    held.emplace_back(fd);
    lower_fds.push_back(fd);
  }
  int upper = OpenDir(sys, upper_dir);
  if (upper < 0) return Fail(upper, "open overlay upperdir", upper_dir);
  held.emplace_back(upper);
  int work = OpenDir(sys, work_dir);
  if (work < 0) return Fail(work, "open overlay workdir", work_dir);
  held.emplace_back(work);
  std::string data = FdOverlayOptions(lower_fds, upper, work);
  if (data.size() > kMaxMountDataLength) {
    return Fail(-E2BIG, "overlay options too long", Counts(lower_dirs.size(), data.size()));
  }
  int r = sys.Chdir("/proc/self/fd");
  if (r < 0) return Fail(r, "chdir /proc/self/fd");
  r = sys.Mount("overlay", mountpoint.c_str(), "overlay", 0, data.c_str());
  int back = sys.Chdir("/");
  if (r < 0) return Fail(r, "mount overlay", mountpoint);
  StepError e = back < 0 ? Fail(back, "chdir /") : StepError{};
  if (e.ok()) {
    int root = sys.Open(mountpoint.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
    e = root < 0 ? Fail(root, "open overlay", mountpoint) : VerifyOverlay(root, work_dir);
    if (root >= 0) ::close(root);
  }
  if (!e.ok()) (void)sys.Umount2(mountpoint.c_str(), MNT_DETACH);
  return e;
}

}  // namespace

std::string FdOverlayOptions(const std::vector<int>& lower_fds, int upper_fd, int work_fd) {
  std::string data = "lowerdir=";
  for (size_t i = 0; i < lower_fds.size(); ++i) {
    if (i > 0) data += ':';
    data += std::to_string(lower_fds[i]);
  }
  data += ",upperdir=" + std::to_string(upper_fd) + ",workdir=" + std::to_string(work_fd);
  return data;
}

StepError VerifyOverlay(int fd, const std::string& work_dir) {
  struct statfs st;
  if (fstatfs(fd, &st) < 0) return Fail(-errno, "statfs overlay");
  if (st.f_type != OVERLAYFS_SUPER_MAGIC) {
    return Fail(-EPROTO, "verify overlay", "the root mount is not an overlay");
  }
  if (st.f_flags & ST_RDONLY) {
    return Fail(-EPROTO, "verify overlay", "the overlay has no upper directory (read-only)");
  }
  struct stat work;
  std::string made = work_dir + "/work";
  if (fstatat(AT_FDCWD, made.c_str(), &work, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(work.st_mode)) {
    return Fail(-EPROTO, "verify overlay", "the overlay did not take its workdir " + work_dir);
  }
  return {};
}

StepError MountOverlay(Sys& sys, const std::vector<std::string>& lower_dirs,
                       const std::string& upper_dir, const std::string& work_dir,
                       const std::string& mountpoint) {
  if (lower_dirs.size() > kMaxOverlayLayers) {
    return Fail(-E2BIG, "too many overlay layers",
                std::to_string(lower_dirs.size()) + " layers; overlayfs stacks at most " +
                    std::to_string(kMaxOverlayLayers));
  }
  FsResult fs = MountWithFsopen(sys, lower_dirs, upper_dir, work_dir, mountpoint);
  if (!fs.unsupported) return fs.error;
  return MountWithFdNames(sys, lower_dirs, upper_dir, work_dir, mountpoint);
}

}  // namespace skiff::runtime
