// The live (not zombie) processes whose parent is this test process, read from
// /proc. Shared by the runtime and `skiff container` tests, which check that
// nothing they started is left running. A process that exits while /proc is
// read is skipped.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace skiff::testing {

inline std::vector<pid_t> ChildPids() {
  std::vector<pid_t> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
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
