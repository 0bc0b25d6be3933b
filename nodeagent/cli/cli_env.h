// CliEnv: where `skiff container` keeps its images and containers, and the one
// way a verb opens the image store and the runtime.
//
// Layout under the root (default /var/lib/skiff/containers as root, else
// $XDG_STATE_HOME/skiff/containers or ~/.local/state/skiff/containers):
//   images/               the ImageStore (docs/images.md)
//   state/<id>/           the Runtime's state directory of each container (its
//                         overlay upper/work and CRI log live there too, so they
//                         are on disk, not in /run's memory)
//   containers/<id>.json  what the CLI adds: image, command, env (ContainerRecord)
//   lock                  flock'd while images change and while a container is
//                         being created, so concurrent CLIs do not race an
//                         `image rm` against a `run` of the same image
// Containers get cgroups under the hierarchy roots' <cgroup_parent>/<id>
// (default "skiff-container"); when no cgroup mount is found they run without
// one and resource flags are refused.
//
// Opening is lazy; errors are Status values naming the path. Opening the
// runtime prunes it (Runtime::Prune) and drops the records of what it removed:
// what a CLI killed with -9 left behind goes with the next verb. Not
// thread-safe: one verb per process.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "nodeagent/images/image_store.h"
#include "nodeagent/runtime/runtime.h"

namespace skiff::cli {

struct CliOptions {
  std::string root;                               // --root
  std::string cgroup_parent = "skiff-container";  // --cgroup-parent
  std::string init_binary;  // --init; default: $SKIFF_INIT, else skiff-init beside this binary
};

std::string DefaultRoot();

// What the CLI remembers of a container beside the runtime's state.
struct ContainerRecord {
  std::string id;
  std::string image;     // the reference as given to run
  std::string image_id;  // the config digest
  std::vector<std::string> command;
  std::vector<std::string> env;
  std::string workdir;
};

class CliEnv {
 public:
  explicit CliEnv(CliOptions options);
  ~CliEnv();

  const std::string& root() const { return options_.root; }
  std::string images_dir() const { return options_.root + "/images"; }
  std::string state_dir() const { return options_.root + "/state"; }
  std::string records_dir() const { return options_.root + "/containers"; }

  Result<images::ImageStore*> Images();
  Result<runtime::Runtime*> Runtime();
  bool has_cgroups() const { return cgroups_ != nullptr; }

  // Takes the root's lock (blocking) until Unlock or destruction.
  Status Lock();
  void Unlock();

  Status SaveRecord(const ContainerRecord& record);
  // NotFound when the CLI has no record (a container made by another tool).
  Result<ContainerRecord> LoadRecord(const std::string& id) const;
  void RemoveRecord(const std::string& id);
  std::vector<ContainerRecord> Records() const;

  // An exact container id, else the one id that starts with `prefix`; NotFound
  // or Conflict (ambiguous) otherwise.
  Result<std::string> ResolveContainer(const std::string& prefix);

 private:
  CliOptions options_;
  std::unique_ptr<images::ImageStore> images_;
  std::shared_ptr<runtime::CgroupManager> cgroups_;
  std::unique_ptr<runtime::Runtime> runtime_;
  int lock_fd_ = -1;
};

}  // namespace skiff::cli
