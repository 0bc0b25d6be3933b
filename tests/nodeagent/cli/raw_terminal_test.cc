// RawTerminal on a pty the test opens: raw while held, as before once restored.
#include "nodeagent/cli/raw_terminal.h"

#include <pty.h>
#include <unistd.h>

#include <catch2/catch.hpp>

namespace skiff::cli {
namespace {

TEST_CASE("a raw terminal is restored to its old settings") {
  int master = -1, slave = -1;
  winsize size{};
  size.ws_row = 33;
  size.ws_col = 99;
  REQUIRE(openpty(&master, &slave, nullptr, nullptr, &size) == 0);
  termios before;
  REQUIRE(tcgetattr(slave, &before) == 0);
  REQUIRE((before.c_lflag & (ICANON | ECHO | ISIG)) == (ICANON | ECHO | ISIG));
  {
    RawTerminal raw;
    REQUIRE(raw.Enter(slave).ok());
    termios during;
    REQUIRE(tcgetattr(slave, &during) == 0);
    CHECK((during.c_lflag & (ICANON | ECHO | ISIG)) == 0);
    CHECK((during.c_oflag & OPOST) == 0);
  }  // restored by the destructor
  termios after;
  REQUIRE(tcgetattr(slave, &after) == 0);
  CHECK(after.c_lflag == before.c_lflag);
  CHECK(after.c_iflag == before.c_iflag);
  CHECK(after.c_oflag == before.c_oflag);
  WindowSize got = TerminalSize(slave);
  CHECK(got.rows == 33);
  CHECK(got.cols == 99);
  close(master);
  close(slave);
}

TEST_CASE("raw mode on something that is not a terminal fails and restores nothing") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  RawTerminal raw;
  Status s = raw.Enter(fds[0]);
  CHECK(s.sys_errno() == ENOTTY);
  raw.Restore();  // harmless
  WindowSize none = TerminalSize(fds[0]);
  CHECK(none.rows == 0);
  CHECK(none.cols == 0);
  close(fds[0]);
  close(fds[1]);
}

}  // namespace
}  // namespace skiff::cli
