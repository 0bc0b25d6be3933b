#include "nodeagent/cli/image_user.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <optional>
#include <sstream>

#include "nodeagent/images/beneath.h"
#include "nodeagent/images/fs_util.h"

namespace skiff::cli {
namespace {

constexpr size_t kMaxFileBytes = 1 << 20;
constexpr uint32_t kMaxId = 0xFFFFFFFEu;  // (uid_t)-1 means "unchanged" to the kernel

std::vector<std::string> Split(std::string_view text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t at = text.find(sep, start);
    out.emplace_back(text.substr(start, at == std::string_view::npos ? text.npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

std::optional<uint32_t> ParseId(std::string_view text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > kMaxId) return std::nullopt;
  return static_cast<uint32_t>(value);
}

// One line of passwd or group, split on ':'; lines too short are skipped.
std::vector<std::vector<std::string>> Entries(std::string_view file, size_t min_fields) {
  std::vector<std::vector<std::string>> out;
  for (const std::string& line : Split(file, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields = Split(line, ':');
    if (fields.size() >= min_fields && ParseId(fields[2])) out.push_back(std::move(fields));
  }
  return out;
}

// The file at etc/<name> of the topmost layer that has one; "" when none does.
Result<std::string> ReadEtcFile(const std::vector<std::string>& layer_dirs, const std::string& name) {
  for (auto layer = layer_dirs.rbegin(); layer != layer_dirs.rend(); ++layer) {
    int root = ::open(layer->c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) return Status::FromErrno(errno, "open layer " + *layer);
    UniqueFd root_fd(root);
    Result<UniqueFd> etc = images::OpenDirBeneath(root, {"etc"}, O_RDONLY);
    if (!etc.ok()) continue;  // no etc here (or a symlink: never followed)
    struct stat st;
    if (fstatat(etc->get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) continue;
    if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) return std::string();  // whiteout
    if (!S_ISREG(st.st_mode)) return std::string();
    int fd = ::openat(etc->get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return Status::FromErrno(errno, "open /etc/" + name + " in layer " + *layer);
    UniqueFd file(fd);
    std::string data(kMaxFileBytes, '\0');
    ssize_t n = ::read(fd, data.data(), data.size());
    if (n < 0) return Status::FromErrno(errno, "read /etc/" + name + " in layer " + *layer);
    data.resize(static_cast<size_t>(n));
    return data;
  }
  return std::string();
}

}  // namespace

Result<ImageUser> ResolveUserFromFiles(std::string_view passwd, std::string_view group,
                                       std::string_view user) {
  std::string spec(user.empty() ? "0" : user);
  size_t colon = spec.find(':');
  std::string user_part = spec.substr(0, colon);
  std::optional<std::string> group_part;
  if (colon != std::string::npos) group_part = spec.substr(colon + 1);
  if (user_part.empty()) return Status::Invalid("user \"" + spec + "\": the user part is empty", {});

  ImageUser out;
  out.home = "/";
  std::string user_name;
  std::optional<uint32_t> uid = ParseId(user_part);
  bool found = false;
  for (const auto& entry : Entries(passwd, 7)) {
    bool match = uid ? *ParseId(entry[2]) == *uid : entry[0] == user_part;
    if (!match) continue;
    found = true;
    user_name = entry[0];
    out.uid = *ParseId(entry[2]);
    if (std::optional<uint32_t> gid = ParseId(entry[3])) out.gid = *gid;
    out.home = entry[5].empty() ? "/" : entry[5];
    break;
  }
  if (!found) {
    if (!uid) return Status::NotFound("unable to find user " + user_part + ": no matching entries in passwd file");
    out.uid = *uid;
    if (*uid == 0) out.home = "/root";
  }
  if (group_part) {
    std::optional<uint32_t> gid = ParseId(*group_part);
    bool group_found = gid.has_value();
    if (gid) out.gid = *gid;
    for (const auto& entry : Entries(group, 3)) {
      if (gid || entry[0] != *group_part) continue;
      out.gid = *ParseId(entry[2]);
      group_found = true;
      break;
    }
    if (!group_found) {
      return Status::NotFound("unable to find group " + *group_part + ": no matching entries in group file");
    }
  }
  if (!user_name.empty()) {
    for (const auto& entry : Entries(group, 4)) {
      gid_t gid = *ParseId(entry[2]);
      if (gid == out.gid) continue;
      for (const std::string& member : Split(entry[3], ',')) {
        if (member == user_name) {
          out.supplementary_groups.push_back(gid);
          break;
        }
      }
    }
  }
  return out;
}

Result<ImageUser> ResolveImageUser(const std::vector<std::string>& layer_dirs, std::string_view user) {
  Result<std::string> passwd = ReadEtcFile(layer_dirs, "passwd");
  if (!passwd.ok()) return passwd.status();
  Result<std::string> group = ReadEtcFile(layer_dirs, "group");
  if (!group.ok()) return group.status();
  return ResolveUserFromFiles(*passwd, *group, user);
}

}  // namespace skiff::cli
