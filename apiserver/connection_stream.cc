#include "apiserver/connection_stream.h"

#include <poll.h>

#include <algorithm>
#include <cstring>

namespace skiff::apiserver {

namespace {
constexpr size_t kReadChunk = 16 * 1024;
}  // namespace

ConnectionStream::ConnectionStream(Connection& conn, const Clock& clock, StreamLimits limits)
    : conn_(conn), clock_(clock), limits_(limits) {
  buf_.swap(conn_.buffered());
}

bool ConnectionStream::Wait(IoWait wait, std::chrono::milliseconds timeout, bool reading) const {
  if (wait == IoWait::kClosed) return false;
  if (reading) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(limits_.read_deadline -
                                                                      clock_.Monotonic());
    if (left.count() <= 0) return false;
    timeout = std::min(timeout, left);
  }
  pollfd pfd{conn_.fd(), static_cast<short>(wait == IoWait::kWritable ? POLLOUT : POLLIN), 0};
  int ret;
  do {
    ret = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
  } while (ret < 0 && errno == EINTR);
  return ret > 0;
}

bool ConnectionStream::is_readable() const {
  return off_ < buf_.size() || conn_.HasPendingTls() ||
         Wait(IoWait::kReadable, limits_.read_timeout, true);
}

bool ConnectionStream::is_writable() const {
  return !write_failed_ && Wait(IoWait::kWritable, limits_.write_timeout, false);
}

bool ConnectionStream::Fill() {
  buf_.clear();
  off_ = 0;
  char chunk[kReadChunk];
  while (true) {
    IoResult r = conn_.Read(chunk, sizeof chunk);
    if (r.bytes > 0) {
      buf_.assign(chunk, static_cast<size_t>(r.bytes));
      return true;
    }
    if (!Wait(r.wait, limits_.read_timeout, true)) return false;
  }
}

ssize_t ConnectionStream::read(char* ptr, size_t size) {
  if (read_failed_) return -1;
  if (handed_ >= limits_.read_budget) {
    too_large_ = read_failed_ = true;
    return -1;
  }
  if (off_ >= buf_.size() && !Fill()) {
    read_failed_ = true;
    return -1;
  }
  size_t n = std::min({size, buf_.size() - off_, limits_.read_budget - handed_});
  std::memcpy(ptr, buf_.data() + off_, n);
  off_ += n;
  handed_ += n;
  return static_cast<ssize_t>(n);
}

ssize_t ConnectionStream::write(const char* ptr, size_t size) {
  if (write_failed_) return -1;
  size_t done = 0;
  while (done < size) {
    // OpenSSL wants a retried write to repeat the same arguments.
    IoResult r = conn_.Write(ptr + done, size - done);
    if (r.bytes > 0) {
      done += static_cast<size_t>(r.bytes);
      continue;
    }
    if (!Wait(r.wait, limits_.write_timeout, false)) {
      write_failed_ = true;
      return -1;
    }
  }
  return static_cast<ssize_t>(size);
}

void ConnectionStream::ReturnUnread() {
  std::string& rest = conn_.buffered();
  rest.assign(buf_, off_, std::string::npos);
  buf_.clear();
  off_ = 0;
}

}  // namespace skiff::apiserver
