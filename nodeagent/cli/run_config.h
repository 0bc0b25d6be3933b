// RunOptions and BuildContainerSpec: what `skiff container run` asked for, merged
// with the image config into a runtime ContainerSpec the way Docker and
// Kubernetes merge them.
//
//   process    an --entrypoint replaces the image's Entrypoint and drops its Cmd;
//              a command given after IMAGE replaces Cmd; args = Entrypoint + Cmd
//              (Invalid when both are empty)
//   env        the image's Env, then each -e KEY=VALUE (a later key wins, in place);
//              PATH gets Docker's default when neither sets it, HOSTNAME is the
//              hostname and HOME comes from the user's passwd entry unless set
//   cwd        -w, else the image's WorkingDir, else "/"
//   user       --user, else the image's User (resolved in the image's /etc/passwd)
//   rootfs     overlayfs over the image's layer trees (topmost first); the runtime
//              makes upper/ and work/ in the container's state directory
//   volumes    -v HOST:CTR[:OPTS] become bind mounts (absolute paths; the host
//              path must exist); OPTS: ro or rw, and idmap (through the user
//              namespace's mappings), comma-separated
//   userns     --userns host (the default) or auto (a user namespace of its own,
//              container ids 0-65535 = host ids 100000-165535, as Docker's
//              userns-remap gives every container one range); --uidmap and
//              --gidmap C:H:S (repeatable; --gidmap defaults to the uid mappings)
//              ask for a user namespace with exactly those lines
//   resources  --memory, --cpus (CFS quota over a 100 ms period), --pids
//   network    "none": a network namespace of its own; "host": the host's
//
// Errors are Invalid and name the flag ("-v: \"data\" is not HOST:CTR[:ro]"); the
// user lookup's NotFound passes through. Pure apart from reading the image's
// /etc/passwd and /etc/group and stat'ing volume sources.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "nodeagent/images/image_store.h"
#include "nodeagent/runtime/container_spec.h"

namespace skiff::cli {

inline constexpr const char* kDefaultPath =
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// --userns auto: container ids 0..65535 are host ids 100000..165535.
inline constexpr uint32_t kAutoUsernsHostId = 100000;
inline constexpr uint32_t kAutoUsernsSize = 65536;

struct RunOptions {
  std::string id;     // --name, else generated
  std::string image;  // the reference as given
  std::vector<std::string> command;               // after IMAGE; empty: the image's Cmd
  std::optional<std::vector<std::string>> entrypoint;  // --entrypoint ("" clears it)
  std::vector<std::string> env;                   // -e, "KEY=VALUE" (or "KEY": the host's value)
  std::string workdir;                            // -w
  std::string user;                               // --user
  std::string hostname;                           // --hostname
  bool read_only = false;                         // --read-only
  std::vector<std::string> volumes;               // -v HOST:CTR[:ro]
  std::string memory;                             // --memory, "64m"
  std::string cpus;                               // --cpus, "0.5"
  std::string pids;                               // --pids, "100"
  std::string network = "none";                   // --network: none (own, empty) or host
  std::string userns;                             // --userns: "", host or auto
  std::vector<std::string> uidmap, gidmap;        // --uidmap, --gidmap C:H:S
  bool detach = false;                            // -d
  bool remove = false;                            // --rm
};

// The container's args: Entrypoint + Cmd after the overrides described above.
Result<std::vector<std::string>> MergeCommand(const RunOptions& options, const images::ImageConfig& config);

// Image env, then the -e values; a value without '=' takes the host's variable
// (dropped when the host has none).
Result<std::vector<std::string>> MergeEnv(const std::vector<std::string>& image_env,
                                          const std::vector<std::string>& overrides);

Result<runtime::ContainerSpec> BuildContainerSpec(const RunOptions& options, const images::Image& image);

}  // namespace skiff::cli
