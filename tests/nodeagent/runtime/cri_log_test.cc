#include "nodeagent/runtime/cri_log.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

namespace skiff::runtime {
namespace {

// The log written through a pipe, with a clock that never moves.
struct Captured {
  int fds[2];
  CriLogWriter writer;
  Captured() : fds{-1, -1}, writer((pipe(fds), fds[1]), [] { return timespec{1795910399, 123456789}; }) {}
  ~Captured() {
    close(fds[0]);
    close(fds[1]);
  }
  std::string Text() {
    close(fds[1]);
    fds[1] = -1;
    std::string out;
    char buf[65536];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof(buf))) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }
};

constexpr const char* kTime = "2026-11-28T23:59:59.123456789Z";

TEST_CASE("the CRI timestamp has nanoseconds and a Z") {
  CHECK(FormatCriTimestamp({1795910399, 123456789}) == kTime);
  CHECK(FormatCriTimestamp({0, 5}) == "1970-01-01T00:00:00.000000005Z");
}

TEST_CASE("whole lines are F records, split writes are joined") {
  Captured c;
  c.writer.Write(LogStream::kStdout, "hel", 3);
  c.writer.Write(LogStream::kStderr, "oops\n", 5);
  c.writer.Write(LogStream::kStdout, "lo\n\nworld\n", 10);
  std::string t = kTime;
  CHECK(c.Text() == t + " stderr F oops\n" + t + " stdout F hello\n" + t + " stdout F \n" + t +
                        " stdout F world\n");
}

TEST_CASE("long lines become P records and Flush ends a line without newline") {
  Captured c;
  std::string longline(CriLogWriter::kMaxLine + 10, 'x');
  longline += '\n';
  c.writer.Write(LogStream::kStdout, longline.data(), longline.size());
  c.writer.Write(LogStream::kStdout, "tail", 4);
  c.writer.Flush(LogStream::kStdout);
  c.writer.Flush(LogStream::kStderr);
  std::string t = kTime;
  CHECK(c.Text() == t + " stdout P " + std::string(CriLogWriter::kMaxLine, 'x') + "\n" + t +
                        " stdout F xxxxxxxxxx\n" + t + " stdout F tail\n");
}

}  // namespace
}  // namespace skiff::runtime
