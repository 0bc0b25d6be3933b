// The CRI log writer of the monitor (nodeagent/runtime/init/cri_log.c).
#include "nodeagent/runtime/init/cri_log.h"

#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <memory>
#include <string>

namespace {

timespec FixedClock() { return timespec{1795910399, 123456789}; }

std::string Timestamp(timespec t) {
  char buf[CRI_TIMESTAMP_SIZE];
  size_t n = cri_format_timestamp(&t, buf);
  return std::string(buf, n);
}

// The log written through a pipe, with a clock that never moves.
struct Captured {
  int fds[2] = {-1, -1};
  std::unique_ptr<cri_log> log = std::make_unique<cri_log>();
  Captured() {
    REQUIRE(pipe(fds) == 0);
    cri_log_init(log.get(), fds[1], FixedClock);
  }
  ~Captured() {
    close(fds[0]);
    if (fds[1] >= 0) close(fds[1]);
  }
  void Write(cri_stream stream, const std::string& s) {
    cri_log_write(log.get(), stream, s.data(), s.size());
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
  CHECK(Timestamp(FixedClock()) == kTime);
  CHECK(Timestamp({0, 5}) == "1970-01-01T00:00:00.000000005Z");
}

TEST_CASE("whole lines are F records, split writes are joined") {
  Captured c;
  c.Write(CRI_STDOUT, "hel");
  c.Write(CRI_STDERR, "oops\n");
  c.Write(CRI_STDOUT, "lo\n\nworld\n");
  std::string t = kTime;
  CHECK(c.Text() == t + " stderr F oops\n" + t + " stdout F hello\n" + t + " stdout F \n" + t +
                        " stdout F world\n");
}

TEST_CASE("long lines become P records and a flush ends a line without newline") {
  Captured c;
  std::string longline(CRI_LOG_MAX_LINE + 10, 'x');
  longline += '\n';
  c.Write(CRI_STDOUT, longline);
  c.Write(CRI_STDOUT, "tail");
  cri_log_flush(c.log.get(), CRI_STDOUT);
  cri_log_flush(c.log.get(), CRI_STDERR);
  std::string t = kTime;
  CHECK(c.Text() == t + " stdout P " + std::string(CRI_LOG_MAX_LINE, 'x') + "\n" + t +
                        " stdout F xxxxxxxxxx\n" + t + " stdout F tail\n");
}

TEST_CASE("a line of exactly the maximum, split across writes, is one P and an empty F") {
  Captured c;
  std::string half(CRI_LOG_MAX_LINE / 2, 'y');
  c.Write(CRI_STDOUT, half);
  c.Write(CRI_STDOUT, half + "\nz\n");
  std::string t = kTime;
  CHECK(c.Text() == t + " stdout P " + std::string(CRI_LOG_MAX_LINE, 'y') + "\n" + t +
                        " stdout F \n" + t + " stdout F z\n");
}

TEST_CASE("a write error is remembered and the bytes are dropped") {
  Captured c;
  close(c.fds[0]);
  c.fds[0] = -1;
  auto old = signal(SIGPIPE, SIG_IGN);
  c.Write(CRI_STDOUT, "lost\n");
  signal(SIGPIPE, old);
  CHECK(c.log->last_error == EPIPE);
}

}  // namespace
