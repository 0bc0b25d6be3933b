#include "nodeagent/runtime/user_namespace.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "nodeagent/runtime/id_mapping.h"
#include "nodeagent/runtime/setup_report.h"

namespace skiff::runtime {
namespace {

StepError Fail(int neg_errno, std::string step, std::string detail = "") {
  return StepError{-neg_errno, std::move(step), std::move(detail)};
}

std::string FdPath(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

// Ids validated by ValidateSpec: every one asked for here is mapped.
uid_t HostUid(const ContainerSpec& spec, uid_t id) {
  return *HostId(spec.namespaces.uid_mappings, id);
}
gid_t HostGid(const ContainerSpec& spec, gid_t id) {
  return *HostId(spec.namespaces.gid_mappings, id);
}

// The container's root walks to <dir> by path: each directory above it must let
// the host ids of that root search it. A clear error here beats EACCES from
// the overlay mount later.
StepError CheckSearchable(const std::string& dir, uid_t uid, gid_t gid) {
  for (std::string d = dir; d.size() > 1;) {
    d = d.substr(0, std::max<size_t>(d.rfind('/'), 1));
    struct stat st;
    if (stat(d.c_str(), &st) < 0) return Fail(-errno, "stat", d);
    mode_t bit = st.st_uid == uid ? S_IXUSR : st.st_gid == gid ? S_IXGRP : S_IXOTH;
    if (!(st.st_mode & bit)) {
      return Fail(-EACCES, "the container's root cannot search a directory above its state",
                  d + " (make it searchable: chmod o+x)");
    }
  }
  return {};
}

}  // namespace

bool UsesOwnUserNamespace(const ContainerSpec& spec) {
  return spec.namespaces.user.mode == NamespaceSpec::Mode::kNew;
}

int BindHostDevice(Sys& sys, int dev_fd, const char* name) {
  int fd = sys.OpenAt2(dev_fd, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666, 0);
  if (fd < 0) return fd;
  ::close(fd);
  std::string host = std::string("/dev/") + name;
  return sys.Mount(host.c_str(), (FdPath(dev_fd) + "/" + name).c_str(), nullptr, MS_BIND, nullptr);
}

UserNamespaceLaunch::UserNamespaceLaunch(Sys& sys, const ContainerSpec& spec,
                                         std::string container_dir, std::string upper_dir,
                                         std::string work_dir, std::string start_fifo,
                                         int lowest_fd)
    : sys_(sys),
      spec_(spec),
      dir_(std::move(container_dir)),
      upper_dir_(std::move(upper_dir)),
      work_dir_(std::move(work_dir)),
      start_fifo_(std::move(start_fifo)),
      lowest_fd_(lowest_fd) {}

// The lower layers (or the plain root), then the idmap volumes, in spec order.
std::vector<std::string> UserNamespaceLaunch::IdmappedSources() const {
  std::vector<std::string> sources = spec_.rootfs.lower_dirs;
  if (!spec_.rootfs.plain_dir.empty()) sources.push_back(spec_.rootfs.plain_dir);
  for (const MountSpec& m : spec_.mounts) {
    if (m.type == MountSpec::Type::kBind && m.idmap) sources.push_back(m.source);
  }
  return sources;
}

StepError UserNamespaceLaunch::BeforeClone(std::vector<std::pair<int*, int>> joins) {
  for (auto [fd, type] : joins) {
    if (*fd < 0) continue;
    int r = sys_.Setns(*fd, type);
    if (r < 0) return Fail(r, "setns before the user namespace");
    ::close(*fd);
    *fd = -1;
  }
  StepError e = OpenUpStateDir();
  if (e.ok()) e = MakeAttachPoints();
  if (e.ok()) e = MakeSocket();
  return e;
}

// The container's root reaches rootfs/, upper/, work/ and idmapped/ by path and
// writes upper/ and work/; the process opens the start fifo.
StepError UserNamespaceLaunch::OpenUpStateDir() {
  const uid_t root_uid = HostUid(spec_, 0);
  const gid_t root_gid = HostGid(spec_, 0);
  StepError e = CheckSearchable(dir_, root_uid, root_gid);
  if (!e.ok()) return e;
  int r = sys_.Fchownat(AT_FDCWD, dir_.c_str(), 0, root_gid, 0);
  if (r < 0) return Fail(r, "chown the container directory", dir_);
  r = sys_.Fchmodat(AT_FDCWD, dir_.c_str(), 0710);
  if (r < 0) return Fail(r, "chmod the container directory", dir_);
  for (const std::string& d : {upper_dir_, work_dir_}) {
    if (d.empty()) continue;
    r = sys_.Fchownat(AT_FDCWD, d.c_str(), root_uid, root_gid, 0);
    if (r < 0) return Fail(r, "chown to the container's root", d);
  }
  r = sys_.Fchownat(AT_FDCWD, start_fifo_.c_str(), HostUid(spec_, spec_.process.uid),
                    HostGid(spec_, spec_.process.gid), 0);
  return r < 0 ? Fail(r, "chown the start fifo", start_fifo_) : StepError{};
}

StepError UserNamespaceLaunch::MakeSocket() {
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, socket_) < 0) {
    return Fail(-errno, "socketpair for the user namespace");
  }
  for (int& fd : socket_) {
    int high = fcntl(fd, F_DUPFD_CLOEXEC, lowest_fd_);
    if (high < 0) return Fail(-errno, "move the socket fd");
    ::close(fd);
    fd = high;
  }
  return {};
}

std::string UserNamespaceLaunch::AttachPoint(size_t i) const {
  return dir_ + "/idmapped/" + std::to_string(i);
}

// <dir>/idmapped/N for each idmapped source: a directory, or an empty file for a
// file volume, where the child attaches the idmapped mount.
StepError UserNamespaceLaunch::MakeAttachPoints() {
  std::string parent = dir_ + "/idmapped";
  int r = sys_.Mkdirat(AT_FDCWD, parent.c_str(), 0755);
  if (r < 0 && r != -EEXIST) return Fail(r, "mkdir", parent);
  std::vector<std::string> sources = IdmappedSources();
  for (size_t i = 0; i < sources.size(); ++i) {
    struct stat st;
    if (stat(sources[i].c_str(), &st) < 0) return Fail(-errno, "stat", sources[i]);
    std::string point = AttachPoint(i);
    if (S_ISDIR(st.st_mode)) {
      r = sys_.Mkdirat(AT_FDCWD, point.c_str(), 0755);
    } else {
      r = sys_.Open(point.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
      if (r >= 0) ::close(r), r = 0;
    }
    if (r < 0 && r != -EEXIST) return Fail(r, "make the attach point", point);
  }
  return {};
}

StepError UserNamespaceLaunch::WriteProcFile(pid_t pid, const char* name, const std::string& text) {
  std::string path = "/proc/" + std::to_string(pid) + "/" + name;
  int fd = sys_.Open(path.c_str(), O_WRONLY | O_CLOEXEC, 0);
  if (fd < 0) return Fail(fd, "open", path);
  ssize_t w = sys_.Write(fd, text.data(), text.size());
  ::close(fd);
  if (w < 0) return Fail(static_cast<int>(w), "write", path);
  if (static_cast<size_t>(w) != text.size()) return Fail(-EIO, "short write", path);
  return {};
}

StepError UserNamespaceLaunch::AfterClone(pid_t child) {
  ::close(socket_[1]);
  socket_[1] = -1;
  // setgroups first: a gid_map written while it says "deny" could not be undone.
  StepError e = WriteProcFile(child, "setgroups", "allow");
  if (e.ok()) e = WriteProcFile(child, "uid_map", FormatIdMap(spec_.namespaces.uid_mappings));
  if (e.ok()) e = WriteProcFile(child, "gid_map", FormatIdMap(spec_.namespaces.gid_mappings));
  if (!e.ok()) return e;
  std::string ns = "/proc/" + std::to_string(child) + "/ns/user";
  int userns = sys_.Open(ns.c_str(), O_RDONLY | O_CLOEXEC, 0);
  if (userns < 0) return Fail(userns, "open", ns);
  e = SendIdmappedMounts(userns);
  ::close(userns);
  ::close(socket_[0]);
  socket_[0] = -1;
  return e;
}

StepError UserNamespaceLaunch::SendIdmappedMounts(int userns_fd) {
  std::vector<int> fds;
  StepError e;
  for (const std::string& source : IdmappedSources()) {
    int fd = sys_.OpenTree(AT_FDCWD, source.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (fd < 0) {
      e = Fail(fd, "open_tree", source);
      break;
    }
    fds.push_back(fd);
    int r = sys_.IdmapMount(fd, userns_fd);
    if (r < 0) {
      e = Fail(r, "idmap mount", source);
      break;
    }
  }
  // In chunks of at most kMaxPassedFds; the first one is the child's go-ahead.
  for (size_t sent = 0; e.ok() && sent < fds.size();) {
    size_t n = std::min(fds.size() - sent, Sys::kMaxPassedFds);
    int r = sys_.SendFds(socket_[0], fds.data() + sent, n);
    if (r < 0) e = Fail(r, "send the idmapped mounts");
    sent += n;
  }
  for (int fd : fds) ::close(fd);
  return e;
}

void UserNamespaceLaunch::Die(const ChildPlan& plan, int err, const std::string& step,
                              const std::string& detail) {
  SetupReport report = ErrorReport(err, step.c_str(), detail.c_str());
  (void)sys_.Write(plan.report_fd, &report, sizeof(report));
  _exit(1);
}

// Moves fd to lowest_fd_ or above, where the dup2s onto 0..4 cannot reach it.
int UserNamespaceLaunch::High(const ChildPlan& plan, int fd, const char* step) {
  if (fd >= lowest_fd_) return fd;
  int high = fcntl(fd, F_DUPFD_CLOEXEC, lowest_fd_);
  if (high < 0) Die(plan, errno, step);
  ::close(fd);
  return high;
}

std::vector<int> UserNamespaceLaunch::ReceiveIdmappedMounts(const ChildPlan& plan) {
  const size_t expected = IdmappedSources().size();
  // A raw wait until the monitor has sent (or failed): its calls up to the
  // sendmsg and ours after it then never interleave, so the Nth call of a fault
  // loop is the same step in every run.
  pollfd ready{socket_[1], POLLIN, 0};
  while (poll(&ready, 1, -1) < 0 && errno == EINTR) {
  }
  std::vector<int> fds;
  do {
    int chunk[Sys::kMaxPassedFds];
    int n = sys_.ReceiveFds(socket_[1], chunk, Sys::kMaxPassedFds);
    // End of file: the monitor failed (and kills us) or died.
    if (n == -ECONNRESET) _exit(1);
    if (n < 0) Die(plan, -n, "receive the idmapped mounts");
    for (int i = 0; i < n; ++i) fds.push_back(High(plan, chunk[i], "move an idmapped mount"));
  } while (fds.size() < expected);
  if (fds.size() != expected) Die(plan, EPROTO, "receive the idmapped mounts");
  return fds;
}

void UserNamespaceLaunch::RunChild(const ChildPlan& plan) {
  ::close(socket_[0]);
  std::vector<int> idmapped = ReceiveIdmappedMounts(plan);
  ContainerSpec spec = spec_;
  // Still the host's uid 0: unmapped here, but the owner of these files.
  JoinCgroupNow(sys_, plan);
  OpenBindSources(plan, spec);
  int r = sys_.Setgroups(0, nullptr);
  if (r < 0) Die(plan, -r, "setgroups in the user namespace");
  r = sys_.Setresgid(0);
  if (r < 0) Die(plan, -r, "become the container's root (setresgid)");
  r = sys_.Setresuid(0);
  if (r < 0) Die(plan, -r, "become the container's root (setresuid)");
  AttachIdmappedMounts(plan, idmapped, spec);
  ChildPlan local = plan;
  local.spec = &spec;
  local.cgroup_procs_files.clear();
  RunContainerChild(sys_, local);
}

// Bind sources that are not idmapped, opened now and bound later through
// /proc/self/fd: the container's root may not be allowed to walk to them.
void UserNamespaceLaunch::OpenBindSources(const ChildPlan& plan, ContainerSpec& spec) {
  for (MountSpec& m : spec.mounts) {
    if (m.type != MountSpec::Type::kBind || m.idmap) continue;
    int fd = sys_.Open(m.source.c_str(), O_PATH | O_CLOEXEC, 0);
    if (fd < 0) Die(plan, -fd, "open bind source", m.source);
    m.source = FdPath(High(plan, fd, "move a bind source"));
  }
}

// Detached mounts can be neither overlay layers nor bind sources: each goes on
// its attach point, which the spec then names in place of the host path.
void UserNamespaceLaunch::AttachIdmappedMounts(const ChildPlan& plan,
                                               const std::vector<int>& idmapped,
                                               ContainerSpec& spec) {
  std::vector<std::string*> paths;
  for (std::string& lower : spec.rootfs.lower_dirs) paths.push_back(&lower);
  if (!spec.rootfs.plain_dir.empty()) paths.push_back(&spec.rootfs.plain_dir);
  for (MountSpec& m : spec.mounts) {
    if (m.type == MountSpec::Type::kBind && m.idmap) paths.push_back(&m.source);
  }
  for (size_t i = 0; i < paths.size(); ++i) {
    std::string point = AttachPoint(i);
    int r = sys_.MoveMount(idmapped[i], point.c_str());
    if (r < 0) Die(plan, -r, "attach an idmapped mount", *paths[i]);
    ::close(idmapped[i]);
    *paths[i] = point;
  }
}

}  // namespace skiff::runtime
