#include "nodeagent/cli/raw_terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

namespace skiff::cli {

RawTerminal::~RawTerminal() { Restore(); }

Status RawTerminal::Enter(int fd) {
  termios settings;
  if (tcgetattr(fd, &settings) < 0) return Status::FromErrno(errno, "read the terminal's settings");
  termios raw = settings;
  cfmakeraw(&raw);
  if (tcsetattr(fd, TCSADRAIN, &raw) < 0) return Status::FromErrno(errno, "put the terminal in raw mode");
  fd_ = fd;
  saved_ = settings;
  return Status::Ok();
}

void RawTerminal::Restore() {
  if (fd_ < 0) return;
  tcsetattr(fd_, TCSADRAIN, &saved_);
  fd_ = -1;
}

WindowSize TerminalSize(int fd) {
  winsize size{};
  if (ioctl(fd, TIOCGWINSZ, &size) < 0) return {};
  return {size.ws_row, size.ws_col};
}

}  // namespace skiff::cli
