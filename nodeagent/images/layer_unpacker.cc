#include "nodeagent/images/layer_unpacker.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <set>
#include <vector>

#include "nodeagent/images/archive_error.h"
#include "nodeagent/images/beneath.h"
#include "nodeagent/images/digest.h"
#include "nodeagent/images/fs_util.h"

namespace skiff::images {
namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kWhiteoutMetaPrefix = ".wh..wh.";
constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveDeleter>;

// The decompressed byte stream of the layer file, hashed as the tar reader pulls it.
struct HashedStream {
  archive* raw = nullptr;
  Sha256 hash;
  int64_t total = 0;
  int64_t max = 0;
  char buf[1 << 16];
  std::string error;
};

la_ssize_t ReadHashed(archive*, void* client, const void** out) {
  auto* s = static_cast<HashedStream*>(client);
  la_ssize_t n = archive_read_data(s->raw, s->buf, sizeof s->buf);
  if (n < 0) {
    s->error = archive_error_string(s->raw) ? archive_error_string(s->raw) : "decompression failed";
    return -1;
  }
  s->total += n;
  if (s->total > s->max) {
    s->error = "the layer unpacks to more than the limit of " + std::to_string(s->max) + " bytes";
    return -1;
  }
  s->hash.Update(s->buf, static_cast<size_t>(n));
  *out = s->buf;
  return n;
}

struct Metadata {
  std::vector<std::string> path;
  mode_t mode = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  timespec mtime{};
  std::vector<std::pair<std::string, std::string>> xattrs;
};

bool KeepXattr(std::string_view name) {
  return name.starts_with("user.") || name == "security.capability";
}

Metadata MetadataOf(archive_entry* entry, std::vector<std::string> path) {
  Metadata m;
  m.path = std::move(path);
  m.mode = archive_entry_perm(entry);
  m.uid = static_cast<uid_t>(archive_entry_uid(entry));
  m.gid = static_cast<gid_t>(archive_entry_gid(entry));
  m.mtime.tv_sec = archive_entry_mtime(entry);
  m.mtime.tv_nsec = archive_entry_mtime_nsec(entry);
  archive_entry_xattr_reset(entry);
  const char* name;
  const void* value;
  size_t size;
  while (archive_entry_xattr_next(entry, &name, &value, &size) == ARCHIVE_OK) {
    if (KeepXattr(name))
      m.xattrs.emplace_back(name, std::string(static_cast<const char*>(value), size));
  }
  return m;
}

class Unpacker {
 public:
  Unpacker(archive* tar, std::string root_path, int root_fd, const UnpackOptions& options)
      : tar_(tar), root_path_(std::move(root_path)), root_fd_(root_fd), options_(options) {}

  Status Run(UnpackStats& stats);

 private:
  Status Entry(archive_entry* entry, UnpackStats& stats);
  Status RemoveExisting(int parent, const std::string& name, const std::vector<std::string>& path,
                        bool keep_dir);
  Status WriteFile(int parent, const std::string& name, const Metadata& meta, int64_t size_hint);
  Status ApplyToFd(int fd, const Metadata& meta, bool chmod);
  Status ApplyToLink(int parent, const std::string& name, const Metadata& meta);
  Status ApplyDirMetadata();

  archive* tar_;
  std::string root_path_;
  int root_fd_;
  const UnpackOptions& options_;
  std::vector<Metadata> dirs_;
};

Status Unpacker::Run(UnpackStats& stats) {
  for (;;) {
    archive_entry* entry = nullptr;
    int rc = archive_read_next_header(tar_, &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) {
      return Status(Code::kInvalid,
                    std::string("read layer: ") +
                        (archive_error_string(tar_) ? archive_error_string(tar_) : "bad tar"));
    }
    const char* name = archive_entry_pathname(entry);
    Status st = Entry(entry, stats);
    if (!st.ok()) return st.WithContext(std::string("layer entry \"") + (name ? name : "") + "\"");
    ++stats.entries;
  }
  return ApplyDirMetadata();
}

Status Unpacker::Entry(archive_entry* entry, UnpackStats& stats) {
  const char* raw_name = archive_entry_pathname(entry);
  if (raw_name == nullptr) return Status(Code::kInvalid, "entry without a name");
  auto path = CleanRelativePath(raw_name);
  if (!path.ok()) return path.status();
  mode_t type = archive_entry_filetype(entry);
  const char* hardlink = archive_entry_hardlink(entry);
  if (path->empty()) {
    if (type == AE_IFDIR && hardlink == nullptr) dirs_.push_back(MetadataOf(entry, {}));
    return Status::Ok();
  }
  const std::string name = path->back();
  auto parent = OpenParentBeneath(root_fd_, *path, /*create_missing=*/true);
  if (!parent.ok()) return parent.status();
  int pfd = parent->get();

  if (name.starts_with(kWhiteoutPrefix)) {
    ++stats.whiteouts;
    if (name == kOpaqueMarker) {
      std::vector<std::string> dir(path->begin(), path->end() - 1);
      auto fd = OpenDirBeneath(root_fd_, dir, O_RDONLY);
      if (!fd.ok()) return fd.status();
      if (::fsetxattr(fd->get(), "trusted.overlay.opaque", "y", 1, 0) != 0) {
        return Status::FromErrno(
            errno, "set trusted.overlay.opaque on \"" + JoinPath(dir, dir.size()) + "\"");
      }
      return Status::Ok();
    }
    if (name.starts_with(kWhiteoutMetaPrefix)) return Status::Ok();
    std::string hidden = name.substr(kWhiteoutPrefix.size());
    if (hidden.empty() || hidden == "." || hidden == "..")
      return Status(Code::kInvalid, "bad whiteout name");
    SKIFF_RETURN_IF_ERROR(RemoveExisting(pfd, hidden, *path, /*keep_dir=*/false));
    if (::mknodat(pfd, hidden.c_str(), S_IFCHR | 0000, makedev(0, 0)) != 0) {
      return Status::FromErrno(errno, "make whiteout for \"" + hidden + "\"");
    }
    return Status::Ok();
  }

  Metadata meta = MetadataOf(entry, *path);
  if (hardlink != nullptr) {
    auto target = CleanRelativePath(hardlink);
    if (!target.ok()) return target.status().WithContext("hard link target");
    if (target->empty()) return Status(Code::kInvalid, "hard link to the layer root");
    auto target_parent = OpenParentBeneath(root_fd_, *target, /*create_missing=*/false);
    if (!target_parent.ok() && target_parent.status().sys_errno() == ENOENT) {
      return Status(Code::kInvalid,
                    "hard link target \"" + std::string(hardlink) + "\" is not in the layer",
                    ENOENT);
    }
    if (!target_parent.ok()) return target_parent.status().WithContext("hard link target");
    SKIFF_RETURN_IF_ERROR(RemoveExisting(pfd, name, *path, /*keep_dir=*/false));
    if (::linkat(target_parent->get(), target->back().c_str(), pfd, name.c_str(), 0) != 0) {
      int err = errno;
      if (err == ENOENT)
        return Status(Code::kInvalid,
                      "hard link target \"" + std::string(hardlink) + "\" is not in the layer",
                      err);
      return Status::FromErrno(err, "hard link to \"" + std::string(hardlink) + "\"");
    }
    return Status::Ok();
  }

  switch (type) {
    case AE_IFDIR: {
      SKIFF_RETURN_IF_ERROR(RemoveExisting(pfd, name, *path, /*keep_dir=*/true));
      if (::mkdirat(pfd, name.c_str(), 0700) != 0 && errno != EEXIST)
        return Status::FromErrno(errno, "mkdir");
      dirs_.push_back(std::move(meta));
      return Status::Ok();
    }
    case AE_IFREG:
      SKIFF_RETURN_IF_ERROR(RemoveExisting(pfd, name, *path, /*keep_dir=*/false));
      return WriteFile(pfd, name, meta, archive_entry_size(entry));
    case AE_IFLNK: {
      const char* target = archive_entry_symlink(entry);
      SKIFF_RETURN_IF_ERROR(RemoveExisting(pfd, name, *path, /*keep_dir=*/false));
      // The target is stored as text and never followed here.
      if (::symlinkat(target ? target : "", pfd, name.c_str()) != 0)
        return Status::FromErrno(errno, "symlink");
      return ApplyToLink(pfd, name, meta);
    }
    case AE_IFCHR:
    case AE_IFBLK:
    case AE_IFIFO: {
      if (type != AE_IFIFO && !options_.allow_devices) {
        ++stats.skipped_devices;
        return Status::Ok();
      }
      SKIFF_RETURN_IF_ERROR(RemoveExisting(pfd, name, *path, /*keep_dir=*/false));
      dev_t dev = makedev(archive_entry_rdevmajor(entry), archive_entry_rdevminor(entry));
      if (::mknodat(pfd, name.c_str(), type | (meta.mode & 07777), dev) != 0)
        return Status::FromErrno(errno, "mknod");
      return ApplyToLink(pfd, name, meta);
    }
    default:
      return Status::Ok();  // sockets and unknown types: nothing to make
  }
}

// A later entry replaces an earlier one of the same name, except that a directory
// entry over an existing directory only updates its metadata.
Status Unpacker::RemoveExisting(int parent, const std::string& name,
                                const std::vector<std::string>& path, bool keep_dir) {
  struct stat st;
  if (::fstatat(parent, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return errno == ENOENT ? Status::Ok() : Status::FromErrno(errno, "stat");
  }
  if (S_ISDIR(st.st_mode)) {
    if (keep_dir) return Status::Ok();
    // The parents were just opened without following symlinks, and the tree is
    // ours alone while it is unpacked, so its plain path is safe; nftw removes
    // physically (FTW_PHYS).
    std::vector<std::string> dir(path.begin(), path.end() - 1);
    dir.push_back(name);
    return RemoveTree(root_path_ + "/" + JoinPath(dir, dir.size()));
  }
  if (::unlinkat(parent, name.c_str(), 0) != 0) return Status::FromErrno(errno, "replace");
  return Status::Ok();
}

Status Unpacker::WriteFile(int parent, const std::string& name, const Metadata& meta,
                           int64_t size_hint) {
  UniqueFd fd(
      ::openat(parent, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) return Status::FromErrno(errno, "create");
  const void* block;
  size_t size;
  la_int64_t offset;
  la_int64_t end = 0;
  for (;;) {
    int rc = archive_read_data_block(tar_, &block, &size, &offset);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN)
      return Status(Code::kInvalid, "read data: " + ArchiveError(tar_));
    const char* p = static_cast<const char*>(block);
    while (size > 0) {
      ssize_t n = ::pwrite(fd.get(), p, size, offset);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::FromErrno(errno, "write");
      }
      p += n;
      size -= static_cast<size_t>(n);
      offset += n;
    }
    end = offset;
  }
  // A sparse file may end in a hole.
  if (end < size_hint && ::ftruncate(fd.get(), size_hint) != 0)
    return Status::FromErrno(errno, "truncate");
  return ApplyToFd(fd.get(), meta, /*chmod=*/true);
}

Status Unpacker::ApplyToFd(int fd, const Metadata& meta, bool chmod) {
  if (options_.keep_ownership && ::fchown(fd, meta.uid, meta.gid) != 0)
    return Status::FromErrno(errno, "chown");
  // After chown, which clears setuid/setgid bits.
  if (chmod && ::fchmod(fd, meta.mode & 07777) != 0) return Status::FromErrno(errno, "chmod");
  for (const auto& [key, value] : meta.xattrs) {
    if (::fsetxattr(fd, key.c_str(), value.data(), value.size(), 0) != 0 && errno != ENOTSUP) {
      return Status::FromErrno(errno, "set xattr " + key);
    }
  }
  timespec times[2] = {meta.mtime, meta.mtime};
  if (::futimens(fd, times) != 0) return Status::FromErrno(errno, "set mtime");
  return Status::Ok();
}

Status Unpacker::ApplyToLink(int parent, const std::string& name, const Metadata& meta) {
  if (options_.keep_ownership &&
      ::fchownat(parent, name.c_str(), meta.uid, meta.gid, AT_SYMLINK_NOFOLLOW) != 0) {
    return Status::FromErrno(errno, "chown");
  }
  timespec times[2] = {meta.mtime, meta.mtime};
  if (::utimensat(parent, name.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0)
    return Status::FromErrno(errno, "set mtime");
  return Status::Ok();
}

// Directories last in the archive come first (children usually follow their
// parent), so setting a parent's mtime is not undone by touching its children;
// when a directory appears twice, its last entry wins.
Status Unpacker::ApplyDirMetadata() {
  std::set<std::vector<std::string>> applied;
  for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
    if (!applied.insert(it->path).second) continue;
    auto fd = OpenDirBeneath(root_fd_, it->path, O_RDONLY);
    if (!fd.ok()) {
      int err = fd.status().sys_errno();
      if (err == ENOENT || err == ENOTDIR) continue;  // replaced by a later entry
      return fd.status();
    }
    Status st = ApplyToFd(fd->get(), *it, /*chmod=*/true);
    if (!st.ok())
      return st.WithContext("directory \"" + JoinPath(it->path, it->path.size()) + "\"");
  }
  return Status::Ok();
}

Status UnpackStream(const std::string& archive_path, const std::string& dir,
                    const UnpackOptions& options, UnpackStats& stats) {
  ArchivePtr raw(archive_read_new());
  archive_read_support_filter_gzip(raw.get());
  archive_read_support_filter_zstd(raw.get());
  archive_read_support_format_raw(raw.get());
  if (archive_read_open_filename(raw.get(), archive_path.c_str(), 1 << 16) != ARCHIVE_OK) {
    return Status(Code::kInvalid,
                  "open layer " + archive_path + ": " + ArchiveError(raw.get()),
                  archive_errno(raw.get()));
  }
  archive_entry* data_entry = nullptr;
  if (archive_read_next_header(raw.get(), &data_entry) != ARCHIVE_OK) {
    return Status(Code::kInvalid,
                  "read layer " + archive_path + ": " + ArchiveError(raw.get()));
  }
  HashedStream stream;
  stream.raw = raw.get();
  stream.max = options.max_bytes;
  ArchivePtr tar(archive_read_new());
  archive_read_support_format_tar(tar.get());
  if (archive_read_open(tar.get(), &stream, nullptr, ReadHashed, nullptr) != ARCHIVE_OK) {
    return Status(Code::kInvalid, "layer " + archive_path +
                                      " is not a tar archive: " + ArchiveError(tar.get()));
  }
  UniqueFd root(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root.valid()) return Status::FromErrno(errno, "open " + dir);
  Unpacker unpacker(tar.get(), dir, root.get(), options);
  Status st = unpacker.Run(stats);
  if (!st.ok()) {
    if (!stream.error.empty()) return st.WithContext(stream.error);
    return st;
  }
  // The tar end marker may be followed by padding that is part of the diff id.
  const void* out;
  while (true) {
    la_ssize_t n = ReadHashed(nullptr, &stream, &out);
    if (n < 0) return Status(Code::kInvalid, "read layer " + archive_path + ": " + stream.error);
    if (n == 0) break;
  }
  stats.diff_id = stream.hash.Finish();
  if (!options.expected_diff_id.empty() && options.expected_diff_id != stats.diff_id) {
    return Status(Code::kInvalid, "layer diff id mismatch: expected " + options.expected_diff_id +
                                      ", got " + stats.diff_id);
  }
  return Status::Ok();
}

}  // namespace

Result<UnpackStats> UnpackLayer(const std::string& archive_path, const std::string& dest_dir,
                                const UnpackOptions& options) {
  if (PathExists(dest_dir))
    return Status::AlreadyExists("unpack layer: " + dest_dir + " already exists");
  std::string temp = dest_dir + ".partial-XXXXXX";
  if (::mkdtemp(temp.data()) == nullptr) return Status::FromErrno(errno, "create " + temp);
  // The layer root's own entry ("./"), when the archive has one, sets it later.
  ::chmod(temp.c_str(), 0755);
  UnpackStats stats;
  Status st = UnpackStream(archive_path, temp, options, stats);
  if (st.ok() && ::rename(temp.c_str(), dest_dir.c_str()) != 0)
    st = Status::FromErrno(errno, "rename " + temp + " to " + dest_dir);
  if (!st.ok()) {
    (void)RemoveTree(temp);
    return st;
  }
  return stats;
}

}  // namespace skiff::images
