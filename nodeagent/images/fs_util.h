// Small file-system helpers for the image store: whole-file reads,
// durable atomic writes and tree removal that never follows symlinks.
//
// Every helper returns a Status that keeps errno and names the path. None of them
// is safe against a concurrent writer of the same path; callers serialise.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "base/status.h"
#include "base/unique_fd.h"

namespace skiff::images {

// The whole content of path. NotFound when it does not exist.
Result<std::string> ReadFile(const std::string& path);

// The rest of an open file, refused (Invalid, naming name) past max bytes.
Result<std::string> ReadBounded(int fd, int64_t max, const std::string& name);

// Writes data to path through "<path>.tmp-<pid>": write, fsync, rename, fsync of
// the directory. On failure path keeps its old content and no temp file is left.
Status WriteFileAtomic(const std::string& path, std::string_view data);

// mkdir -p with mode 0700 for the directories it creates.
Status MakeDirs(const std::string& path);

// rm -rf that never follows symlinks; OK when path does not exist.
Status RemoveTree(const std::string& path);

// fsync of a directory, so a rename inside it is durable.
Status SyncDir(const std::string& path);

bool PathExists(const std::string& path);

}  // namespace skiff::images
