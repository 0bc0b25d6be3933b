// DetectCgroupLayout and ParseCgroupLayout: see cgroups.h.
#include <fstream>
#include <set>
#include <sstream>

#include "nodeagent/runtime/cgroups.h"

namespace skiff::runtime {
namespace {

// The v1 controllers the kernel can bind to a hierarchy; other mount options
// ("rw", "name=systemd", "clone_children", ...) are not controllers.
const std::set<std::string>& KnownV1Controllers() {
  static const std::set<std::string> kControllers = {
      "blkio",  "cpu",     "cpuacct",  "cpuset",     "devices", "freezer", "hugetlb",
      "memory", "net_cls", "net_prio", "perf_event", "pids",    "rdma",    "misc"};
  return kControllers;
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      int v = 0;
      bool octal = true;
      for (size_t k = 1; k <= 3; ++k) {
        char c = s[i + k];
        if (c < '0' || c > '7') octal = false;
        v = v * 8 + (c - '0');
      }
      if (octal) {
        out += static_cast<char>(v);
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, sep)) parts.push_back(part);
  return parts;
}

bool IsUnder(const std::string& path, const std::string& root) {
  if (path == root) return true;
  std::string prefix = root.back() == '/' ? root : root + "/";
  return path.compare(0, prefix.size(), prefix) == 0;
}

struct MountLine {
  std::string mount_point;
  std::string fstype;
  std::string super_options;
};

// Fields: id parent major:minor root mount-point options [optional...] - fstype source
// super-options
bool ParseMountLine(const std::string& line, MountLine& out) {
  std::istringstream in(line);
  std::vector<std::string> fields;
  std::string f;
  while (in >> f) fields.push_back(f);
  size_t dash = 0;
  while (dash < fields.size() && fields[dash] != "-") ++dash;
  if (dash < 6 || dash + 2 >= fields.size()) return false;
  out.mount_point = Unescape(fields[4]);
  out.fstype = fields[dash + 1];
  out.super_options = dash + 3 < fields.size() ? fields[dash + 3] : "";
  return true;
}

}  // namespace

Result<CgroupLayout> ParseCgroupLayout(const std::string& mountinfo, const std::string& root) {
  CgroupLayout layout;
  layout.root = root;
  bool v2_at_root = false;
  std::istringstream in(mountinfo);
  std::string line;
  while (std::getline(in, line)) {
    MountLine m;
    if (!ParseMountLine(line, m) || !IsUnder(m.mount_point, root)) continue;
    if (m.fstype == "cgroup2") {
      if (layout.unified.empty() || m.mount_point == root) layout.unified = m.mount_point;
      if (m.mount_point == root) v2_at_root = true;
    } else if (m.fstype == "cgroup") {
      for (const std::string& opt : Split(m.super_options, ',')) {
        if (KnownV1Controllers().count(opt) && !layout.v1_controllers.count(opt)) {
          layout.v1_controllers[opt] = m.mount_point;
        }
      }
    }
  }
  if (v2_at_root) {
    layout.mode = CgroupMode::kV2;
    layout.v1_controllers.clear();
  } else if (!layout.v1_controllers.empty()) {
    layout.mode = layout.unified.empty() ? CgroupMode::kV1 : CgroupMode::kHybrid;
  } else if (!layout.unified.empty()) {
    layout.mode = CgroupMode::kV2;
  } else {
    return Status::NotFound("no cgroup or cgroup2 mount under " + root);
  }
  return layout;
}

Result<CgroupLayout> DetectCgroupLayout(const std::string& root) {
  std::ifstream in("/proc/self/mountinfo");
  if (!in) return Status::FromErrno(errno, "read /proc/self/mountinfo");
  std::stringstream text;
  text << in.rdbuf();
  return ParseCgroupLayout(text.str(), root);
}

}  // namespace skiff::runtime
