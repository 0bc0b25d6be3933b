// RawTerminal: puts a terminal in raw mode (no echo, no line editing, no
// signals from ^C or ^Z, no output processing: every byte goes to the program
// and its output is shown as it is), and puts the old settings back when it is
// destroyed, so `exec -it` leaves the user's terminal as it found it on every
// return path. Not copyable.
#pragma once

#include <termios.h>

#include "base/status.h"

namespace skiff::cli {

class RawTerminal {
 public:
  RawTerminal() = default;
  ~RawTerminal();
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

  // Internal (with errno) when fd is not a terminal or its settings cannot change.
  Status Enter(int fd);
  // Back to the saved settings (also done by the destructor); idempotent.
  void Restore();

 private:
  int fd_ = -1;
  termios saved_{};
};

// The window size of a terminal: rows, cols; {0, 0} when fd is not one.
struct WindowSize {
  unsigned short rows = 0, cols = 0;
};
WindowSize TerminalSize(int fd);

}  // namespace skiff::cli
