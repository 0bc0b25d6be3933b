#include "nodeagent/cli/log_follower.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace skiff::cli {
namespace {

constexpr size_t kReadChunk = 64 * 1024;

void WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a closed terminal or pipe: nothing more to show
    data.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

bool ParseCriRecord(std::string_view line, LogChunk& chunk) {
  size_t time_end = line.find(' ');
  if (time_end == std::string_view::npos) return false;
  size_t stream_end = line.find(' ', time_end + 1);
  if (stream_end == std::string_view::npos) return false;
  std::string_view stream = line.substr(time_end + 1, stream_end - time_end - 1);
  if (stream != "stdout" && stream != "stderr") return false;
  std::string_view rest = line.substr(stream_end + 1);
  if (rest.empty() || (rest[0] != 'F' && rest[0] != 'P')) return false;
  bool full = rest[0] == 'F';
  rest.remove_prefix(1);
  if (!rest.empty()) {
    if (rest[0] != ' ') return false;
    rest.remove_prefix(1);
  }
  chunk.is_stderr = stream == "stderr";
  chunk.text = std::string(rest);
  if (full) chunk.text += '\n';
  return true;
}

LogFollower::~LogFollower() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::vector<LogChunk>> LogFollower::Pump() {
  if (fd_ < 0) {
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      int err = errno;
      if (err == ENOENT) return Status::NotFound("log " + path_ + " does not exist");
      return Status::FromErrno(err, "open log " + path_);
    }
  }
  std::string buf(kReadChunk, '\0');
  for (;;) {
    ssize_t n = ::read(fd_, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::FromErrno(errno, "read log " + path_);
    if (n == 0) break;
    pending_.append(buf.data(), static_cast<size_t>(n));
  }
  std::vector<LogChunk> out;
  size_t start = 0;
  for (size_t nl; (nl = pending_.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string_view line(pending_.data() + start, nl - start);
    LogChunk chunk;
    if (!ParseCriRecord(line, chunk)) chunk = LogChunk{false, std::string(line) + "\n"};
    // Consecutive records of one stream travel as one chunk: fewer writes.
    if (!out.empty() && out.back().is_stderr == chunk.is_stderr) {
      out.back().text += chunk.text;
    } else {
      out.push_back(std::move(chunk));
    }
  }
  pending_.erase(0, start);
  return out;
}

void WriteChunks(const std::vector<LogChunk>& chunks, int out_fd, int err_fd) {
  for (const LogChunk& chunk : chunks) WriteAll(chunk.is_stderr ? err_fd : out_fd, chunk.text);
}

}  // namespace skiff::cli
