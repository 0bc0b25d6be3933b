// Path handling that cannot leave a directory tree: the layer unpacker's guard
// against hostile archives.
//
// CleanRelativePath turns an archive entry name into a relative path: a leading
// '/' is dropped (as tar does), "." and empty components vanish, ".." pops a
// component and is an error when nothing is left to pop. OpenParentBeneath then
// walks that path one component at a time from a directory fd with openat2
// (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV),
// so no symlink inside the tree is ever followed, whoever created it. Errors are
// Invalid for paths a well-formed layer never has, and errno-carrying otherwise.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "nodeagent/images/fs_util.h"

namespace skiff::images {

// Components of the cleaned path; empty for the tree's root itself.
Result<std::vector<std::string>> CleanRelativePath(std::string_view name);

std::string JoinPath(const std::vector<std::string>& components, size_t count);

// Opens (O_PATH) the directory holding the last component of path, below root.
// With create_missing, missing directories on the way are made with mode 0755.
// Invalid when a component on the way is a symlink or not a directory.
Result<UniqueFd> OpenParentBeneath(int root_fd, const std::vector<std::string>& path,
                                   bool create_missing);

// Opens a directory below root (or root itself for an empty path) with flags
// (e.g. O_RDONLY), never following symlinks.
Result<UniqueFd> OpenDirBeneath(int root_fd, const std::vector<std::string>& path, int flags);

// Opens a regular file below root for reading. Invalid, naming the path, when a
// symlink is on the way or at its end, or when it is anything but a regular
// file (a FIFO, a device, a socket, a directory): such a file is never opened
// for reading, so it can neither block nor stream without end.
Result<UniqueFd> OpenRegularBeneath(int root_fd, const std::vector<std::string>& path);

}  // namespace skiff::images
