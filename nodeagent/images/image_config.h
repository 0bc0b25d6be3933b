// ImageConfig: what the node agent needs from an image's config blob (the OCI /
// Docker "container config"): the process defaults it merges with a pod's
// command/args/env the Kubernetes way, and the layer diff ids.
//
// ParseImageConfig catches JSON errors at this boundary and returns Invalid with
// the field path ("config.Env[1]: must be a string"). Plain data.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace skiff::images {

struct ImageConfig {
  std::string os;
  std::string architecture;
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::vector<std::string> env;  // "KEY=value", in image order
  std::string working_dir;
  std::string user;                        // "uid[:gid]" or "name[:group]"; empty = root
  std::vector<std::string> exposed_ports;  // "80/tcp", sorted
  std::map<std::string, std::string> labels;
  std::string stop_signal;
  std::vector<std::string> diff_ids;  // rootfs.diff_ids, lowest layer first
};

Result<ImageConfig> ParseImageConfig(std::string_view json);

}  // namespace skiff::images
