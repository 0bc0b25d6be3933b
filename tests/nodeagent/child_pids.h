// The live (not zombie) processes whose parent is this test process, read from
// /proc. Shared by the runtime and `skiff container` tests, which check that
// nothing they started is left running. A process that exits while /proc is
// read is skipped.
#pragma once

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace skiff::testing {

// The text of /proc/<pid>/stat, "" when the process is gone.
inline std::string ReadProcStat(const std::filesystem::path& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  char buf[1024];
  ssize_t n = read(fd, buf, sizeof(buf));
  close(fd);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

inline std::vector<pid_t> ChildPids() {
  std::vector<pid_t> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    // A raw read: a process that exits between open and read fails it with
    // ESRCH, which libstdc++'s stream buffer would throw.
    std::string stat = ReadProcStat(entry.path() / "stat");
    size_t close = stat.rfind(')');
    if (close == std::string::npos || close + 2 > stat.size()) continue;
    std::istringstream fields(stat.substr(close + 2));
    char state = 0;
    pid_t ppid = 0;
    fields >> state >> ppid;
    if (ppid == getpid() && state != 'Z') out.push_back(std::stoi(name));
  }
  return out;
}

}  // namespace skiff::testing
