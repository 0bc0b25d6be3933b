#include "nodeagent/images/beneath.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace skiff::images {
namespace {

int OpenAt2(int dir_fd, const char* path, int flags) {
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
  for (;;) {
    long fd = ::syscall(SYS_openat2, dir_fd, path, &how, sizeof how);
    if (fd >= 0 || errno != EAGAIN) return static_cast<int>(fd);
  }
}

Status WalkError(int err, const std::vector<std::string>& path, size_t upto) {
  std::string where = JoinPath(path, upto);
  if (err == ELOOP)
    return Status(
        Code::kInvalid,
        "path \"" + JoinPath(path, path.size()) + "\" goes through symlink \"" + where + "\"", err);
  if (err == ENOTDIR)
    return Status(
        Code::kInvalid,
        "path \"" + JoinPath(path, path.size()) + "\": \"" + where + "\" is not a directory", err);
  if (err == EXDEV)
    return Status(Code::kInvalid,
                  "path \"" + JoinPath(path, path.size()) + "\" leaves the layer directory", err);
  return Status::FromErrno(err, "open \"" + where + "\"");
}

const char* FileKind(mode_t mode) {
  if (S_ISLNK(mode)) return "a symlink";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISSOCK(mode)) return "a socket";
  return "a special file";
}

}  // namespace

Result<std::vector<std::string>> CleanRelativePath(std::string_view name) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= name.size()) {
    size_t slash = name.find('/', start);
    std::string_view part = name.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part == "..") {
      if (out.empty())
        return Status(Code::kInvalid,
                      "path \"" + std::string(name) + "\" escapes the layer directory");
      out.pop_back();
    } else if (!part.empty() && part != ".") {
      out.emplace_back(part);
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

std::string JoinPath(const std::vector<std::string>& components, size_t count) {
  std::string out;
  for (size_t i = 0; i < count && i < components.size(); ++i) {
    if (i > 0) out += '/';
    out += components[i];
  }
  return out.empty() ? "." : out;
}

Result<UniqueFd> OpenParentBeneath(int root_fd, const std::vector<std::string>& path,
                                   bool create_missing) {
  UniqueFd current(OpenAt2(root_fd, ".", O_PATH | O_DIRECTORY));
  if (!current.valid()) return Status::FromErrno(errno, "open layer directory");
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    const char* name = path[i].c_str();
    int fd = OpenAt2(current.get(), name, O_PATH | O_DIRECTORY);
    if (fd < 0 && errno == ENOENT && create_missing) {
      if (::mkdirat(current.get(), name, 0755) != 0 && errno != EEXIST)
        return WalkError(errno, path, i + 1);
      fd = OpenAt2(current.get(), name, O_PATH | O_DIRECTORY);
    }
    if (fd < 0) return WalkError(errno, path, i + 1);
    current = UniqueFd(fd);
  }
  return current;
}

Result<UniqueFd> OpenDirBeneath(int root_fd, const std::vector<std::string>& path, int flags) {
  std::string rel = JoinPath(path, path.size());
  int fd = OpenAt2(root_fd, rel.c_str(), flags | O_DIRECTORY);
  if (fd < 0) return WalkError(errno, path, path.size());
  return UniqueFd(fd);
}

Result<UniqueFd> OpenRegularBeneath(int root_fd, const std::vector<std::string>& path) {
  std::string rel = JoinPath(path, path.size());
  // Looked at through O_PATH first: opening a FIFO or a device to read it
  // could block or act on the device.
  UniqueFd probe(OpenAt2(root_fd, rel.c_str(), O_PATH | O_NOFOLLOW));
  if (!probe.valid()) return WalkError(errno, path, path.size());
  struct stat st;
  if (::fstat(probe.get(), &st) != 0) return Status::FromErrno(errno, "stat \"" + rel + "\"");
  if (!S_ISREG(st.st_mode)) {
    return Status(Code::kInvalid,
                  "\"" + rel + "\" is " + FileKind(st.st_mode) + ", not a regular file");
  }
  UniqueFd fd(OpenAt2(root_fd, rel.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK));
  if (!fd.valid()) return WalkError(errno, path, path.size());
  struct stat opened;
  if (::fstat(fd.get(), &opened) != 0) return Status::FromErrno(errno, "stat \"" + rel + "\"");
  if (opened.st_dev != st.st_dev || opened.st_ino != st.st_ino) {
    return Status(Code::kInvalid, "\"" + rel + "\" changed while it was opened");
  }
  return fd;
}

}  // namespace skiff::images
