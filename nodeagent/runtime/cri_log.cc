#include "nodeagent/runtime/cri_log.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace skiff::runtime {

std::string FormatCriTimestamp(const timespec& t) {
  struct tm tm;
  gmtime_r(&t.tv_sec, &tm);
  char buf[64];
  snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, t.tv_nsec);
  return buf;
}

CriLogWriter::CriLogWriter(int fd, NowFn now) : fd_(fd), now_(std::move(now)) {
  if (!now_) {
    now_ = [] {
      timespec t;
      clock_gettime(CLOCK_REALTIME, &t);
      return t;
    };
  }
}

void CriLogWriter::Write(LogStream stream, const char* data, size_t len) {
  std::string& pending = pending_[static_cast<int>(stream)];
  pending.append(data, len);
  size_t start = 0;
  for (;;) {
    size_t nl = pending.find('\n', start);
    size_t available = (nl == std::string::npos ? pending.size() : nl) - start;
    if (available >= kMaxLine) {
      Emit(stream, pending.data() + start, kMaxLine, 'P');
      start += kMaxLine;
      continue;
    }
    if (nl == std::string::npos) break;
    Emit(stream, pending.data() + start, nl - start, 'F');
    start = nl + 1;
  }
  pending.erase(0, start);
}

void CriLogWriter::Flush(LogStream stream) {
  std::string& pending = pending_[static_cast<int>(stream)];
  if (pending.empty()) return;
  Emit(stream, pending.data(), pending.size(), 'F');
  pending.clear();
}

void CriLogWriter::Emit(LogStream stream, const char* text, size_t len, char tag) {
  std::string record = FormatCriTimestamp(now_());
  record += stream == LogStream::kStdout ? " stdout " : " stderr ";
  record += tag;
  record += ' ';
  record.append(text, len);
  record += '\n';
  // O_APPEND and one write per record: readers never see half a record.
  size_t done = 0;
  while (done < record.size()) {
    ssize_t w = ::write(fd_, record.data() + done, record.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      last_error_ = w < 0 ? errno : EIO;
      return;
    }
    done += static_cast<size_t>(w);
  }
}

}  // namespace skiff::runtime
