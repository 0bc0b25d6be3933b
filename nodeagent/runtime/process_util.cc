#include "nodeagent/runtime/process_util.h"

#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace skiff::runtime {
namespace {

// State (field 3) and start time (field 22) of /proc/<pid>/stat; false when absent.
bool ReadStat(pid_t pid, char& state, uint64_t& start_time) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return false;
  // comm (field 2) may hold spaces and parentheses: fields restart after the last ')'.
  size_t close = line.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  rest >> state;
  for (int i = 4; i < 22 && rest >> field; ++i) {
  }
  return static_cast<bool>(rest >> start_time);
}

}  // namespace

Result<uint64_t> ProcStartTime(pid_t pid) {
  char state;
  uint64_t start;
  if (!ReadStat(pid, state, start)) {
    return Status::NotFound("process " + std::to_string(pid) + " does not exist");
  }
  return start;
}

bool ProcessMatches(pid_t pid, uint64_t start_time) {
  char state;
  uint64_t start;
  if (pid <= 0 || !ReadStat(pid, state, start)) return false;
  return start == start_time && state != 'Z' && state != 'X';
}

bool WaitProcessExit(pid_t pid, std::chrono::milliseconds timeout) {
  int fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) return errno == ESRCH;
  pollfd p{fd, POLLIN, 0};
  int r;
  do r = poll(&p, 1, static_cast<int>(timeout.count()));
  while (r < 0 && errno == EINTR);
  close(fd);
  return r > 0;
}

}  // namespace skiff::runtime
