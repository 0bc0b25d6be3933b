// ResolveImageUser: the uid, gid, supplementary groups and home directory of a
// `--user` / image config User value, looked up in the image's /etc/passwd and
// /etc/group the way Docker and runc do.
//
//   ""            root: 0:0, home from passwd (else "/root")
//   "1000"        uid 1000; gid and home from its passwd entry when there is one, else 0 and "/"
//   "app"         the passwd entry named app (NotFound when there is none)
//   "app:staff", "1000:50"  the group by name (NotFound when missing) or number
// Supplementary groups are the /etc/group entries that list the user's name
// (Docker's behaviour), except the primary group.
//
// The files are read from the unpacked layers, topmost first: the first layer
// holding /etc/<file> wins; an overlay whiteout (a 0/0 character device) hides it.
// Layers come from registries we do not trust, so the lookup never follows a
// symlink (a symlinked /etc/passwd counts as absent) and reads at most 1 MiB.
// Pure apart from those reads; thread-safe.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace skiff::cli {

struct ImageUser {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> supplementary_groups;
  std::string home;
};

// layer_dirs: unpacked layer trees, lowest first (images::Image::layer_dirs).
Result<ImageUser> ResolveImageUser(const std::vector<std::string>& layer_dirs, std::string_view user);

// The same lookup over file contents (for tests and for callers that hold them).
Result<ImageUser> ResolveUserFromFiles(std::string_view passwd, std::string_view group,
                                       std::string_view user);

}  // namespace skiff::cli
