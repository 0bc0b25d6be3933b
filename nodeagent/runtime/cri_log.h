// CriLogWriter: a container's stdout and stderr in the Kubernetes CRI log format.
//
// Each line becomes "<RFC 3339 time, nanoseconds, UTC> <stream> <tag> <text>\n",
// e.g. "2026-11-28T23:59:59.123456789Z stdout F hello". Tag F marks a full line;
// a line longer than kMaxLine is cut into P (partial) records followed by the F
// record that ends it, as containerd and kubelet do. Bytes that arrive without a
// newline wait in a per-stream buffer until the newline, kMaxLine, or Flush.
//
// Used by the monitor (skiff-init monitor); allocates, not thread-safe. Write
// errors are remembered (last_error) and the bytes dropped: a full disk must not
// block the container.
#pragma once

#include <time.h>

#include <cstddef>
#include <functional>
#include <string>

namespace skiff::runtime {

enum class LogStream { kStdout, kStderr };

// "2026-11-28T23:59:59.123456789Z"
std::string FormatCriTimestamp(const timespec& t);

class CriLogWriter {
 public:
  static constexpr size_t kMaxLine = 16 * 1024;
  using NowFn = std::function<timespec()>;

  // Writes to fd (not owned); now defaults to clock_gettime(CLOCK_REALTIME).
  explicit CriLogWriter(int fd, NowFn now = nullptr);

  void Write(LogStream stream, const char* data, size_t len);
  // Writes what is buffered for `stream` as a full (F) line.
  void Flush(LogStream stream);
  int last_error() const { return last_error_; }
  // Writes to `fd` from now on (after the log file was reopened).
  void set_fd(int fd) { fd_ = fd; }

 private:
  void Emit(LogStream stream, const char* text, size_t len, char tag);

  int fd_;
  NowFn now_;
  std::string pending_[2];
  int last_error_ = 0;
};

}  // namespace skiff::runtime
