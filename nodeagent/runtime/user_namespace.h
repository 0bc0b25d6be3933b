// UserNamespaceLaunch: what a container in a user namespace of its own
// (NamespacesSpec::user kNew) adds to a launch, in the monitor and in the
// container's child. See docs/runtime.md, "User namespaces".
//
//   monitor (host root)                         container child
//   BeforeClone: join the namespaces given by
//     path (the child, once in its own user
//     namespace, may not); <dir> 0710 with the
//     group of the container's root; upper/ and
//     work/ owned by it; the start fifo by the
//     process's host ids; <dir>/idmapped/N;
//     a socketpair
//   clone(CLONE_NEWUSER | the other CLONE_NEW*) ─▶ RunChild: waits on the socket
//   AfterClone: setgroups "allow", uid_map,
//     gid_map; open_tree + mount_setattr(IDMAP)
//     of each lower layer (or the plain root)
//     and of the idmap volumes; sends the fds ──▶ receives them; joins the cgroup and
//                                                 opens the other bind sources while
//                                                 its uid is still the host's 0 (the
//                                                 owner of those files); becomes the
//                                                 container's root (setgroups, setresgid,
//                                                 setresuid 0); moves each idmapped mount
//                                                 onto <dir>/idmapped/N; RunContainerChild
//                                                 with a spec whose paths point at them.
//
// Idmapped mounts need CAP_SYS_ADMIN in the user namespace of the file system,
// the host's, so only the monitor can make them; a detached mount can be
// neither an overlay layer nor (here) a bind source, so the child attaches them
// first, with move_mount. Overlayfs is mounted by the container's root: it uses
// its mounter's credentials on the layers, and files it creates in upper/
// belong to the container root's host uid. The spec's upper/work directories,
// when it names them, are chowned to that uid as the runtime's own are.
//
// Every kernel call goes through Sys. A failure in the monitor returns a
// StepError (the caller kills the child); a failure in the child is reported on
// the plan's report fd and the child exits. Nothing is mounted outside the
// child's mount namespace, so nothing outlives a failure. Not thread-safe; one
// object per launch, copied into the child by clone.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "nodeagent/runtime/container_child.h"
#include "nodeagent/runtime/container_spec.h"
#include "nodeagent/runtime/rootfs_setup.h"
#include "nodeagent/runtime/sys.h"

namespace skiff::runtime {

// Whether the spec asks for a user namespace of the container's own.
bool UsesOwnUserNamespace(const ContainerSpec& spec);

// In a user namespace mknod(2) is refused: /dev/<name> under dev_fd becomes an
// empty file with the host's /dev/<name> bound on it. 0 or -errno.
int BindHostDevice(Sys& sys, int dev_fd, const char* name);

class UserNamespaceLaunch {
 public:
  // container_dir: <state>/<id>; fds it makes are moved to lowest_fd or above.
  UserNamespaceLaunch(Sys& sys, const ContainerSpec& spec, std::string container_dir,
                      std::string upper_dir, std::string work_dir, std::string start_fifo,
                      int lowest_fd);

  // Monitor, before clone. Each fd >= 0 in joins is setns'd, closed and set to -1.
  StepError BeforeClone(std::vector<std::pair<int*, int>> joins);
  // Monitor, after clone, while the child waits in RunChild.
  StepError AfterClone(pid_t child);
  // The container's child, in place of RunContainerChild.
  [[noreturn]] void RunChild(const ChildPlan& plan);

 private:
  std::vector<std::string> IdmappedSources() const;
  std::string AttachPoint(size_t i) const;
  StepError OpenUpStateDir();
  StepError MakeAttachPoints();
  StepError MakeSocket();
  StepError WriteProcFile(pid_t pid, const char* name, const std::string& text);
  StepError SendIdmappedMounts(int userns_fd);
  [[noreturn]] void Die(const ChildPlan& plan, int err, const std::string& step,
                        const std::string& detail = "");
  std::vector<int> ReceiveIdmappedMounts(const ChildPlan& plan);
  void OpenBindSources(const ChildPlan& plan, ContainerSpec& spec);
  void AttachIdmappedMounts(const ChildPlan& plan, const std::vector<int>& idmapped,
                            ContainerSpec& spec);
  int High(const ChildPlan& plan, int fd, const char* step);

  Sys& sys_;
  const ContainerSpec& spec_;
  std::string dir_, upper_dir_, work_dir_, start_fifo_;
  int lowest_fd_;
  int socket_[2] = {-1, -1};  // [0] the monitor's end, [1] the child's
};

}  // namespace skiff::runtime
