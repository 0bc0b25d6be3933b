// The exec helper's channel: one SetupReport per message, with the fds it carries.
#include "nodeagent/runtime/exec_channel.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>

namespace skiff::runtime {
namespace {

struct Channel {
  UniqueFd a, b;
  Channel() {
    int fds[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) == 0);
    a.Reset(fds[0]);
    b.Reset(fds[1]);
  }
};

TEST_CASE("a report arrives whole, with the fds sent along, close-on-exec") {
  Channel c;
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  UniqueFd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
  SetupReport ready;
  ready.kind = SetupReport::kReady;
  ready.init_pid = 4242;
  const int fds[2] = {read_end.get(), write_end.get()};
  REQUIRE(SendReport(c.a.get(), ready, fds, 2) == 0);
  REQUIRE(SendReport(c.a.get(), ErrorReport(ENOENT, "find executable", "nope")) == 0);

  SetupReport got;
  std::vector<UniqueFd> received;
  REQUIRE(ReceiveReport(c.b.get(), got, received) == 1);
  CHECK(got.kind == SetupReport::kReady);
  CHECK(got.init_pid == 4242);
  REQUIRE(received.size() == 2);
  CHECK(fcntl(received[0].get(), F_GETFD) == FD_CLOEXEC);
  // The received fds are the same pipe: what goes in one comes out of the other.
  REQUIRE(write(received[1].get(), "x", 1) == 1);
  char byte = 0;
  REQUIRE(read(read_end.get(), &byte, 1) == 1);
  CHECK(byte == 'x');

  received.clear();
  REQUIRE(ReceiveReport(c.b.get(), got, received) == 1);
  CHECK(got.kind == SetupReport::kError);
  CHECK(got.err == ENOENT);
  CHECK(std::string(got.step) == "find executable");
  CHECK(std::string(got.detail) == "nope");
  CHECK(received.empty());

  c.a.Reset();
  CHECK(ReceiveReport(c.b.get(), got, received) == 0);  // the helper is gone
}

TEST_CASE("a message that is not one report is a protocol error") {
  Channel c;
  REQUIRE(write(c.a.get(), "short", 5) == 5);
  SetupReport got;
  std::vector<UniqueFd> received;
  CHECK(ReceiveReport(c.b.get(), got, received) == -EPROTO);
  int fds[3] = {0, 1, 2};
  CHECK(SendReport(c.a.get(), SetupReport{}, fds, 3) == -EINVAL);  // more than kMaxReportFds
  c.b.Reset();
  CHECK(SendReport(c.a.get(), SetupReport{}) == -EPIPE);  // no SIGPIPE either
}

}  // namespace
}  // namespace skiff::runtime
