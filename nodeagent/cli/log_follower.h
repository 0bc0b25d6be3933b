// LogFollower: reads a container's CRI log file (see runtime/cri_log.h) from the
// start and hands back the text of each stream, as `logs` and an attached `run`
// show it: a P (partial) record's text as is, an F record's followed by a newline.
//
// Pump reads what has been appended since the last call and returns the complete
// records in order; a record still being written (no newline yet) waits for the
// next Pump. A line that is not a CRI record is passed through as stdout text.
// A missing file is NotFound (the container was deleted); read errors keep errno.
// Not thread-safe; owns its file descriptor.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace skiff::cli {

struct LogChunk {
  bool is_stderr = false;
  std::string text;
};

// The text of one CRI record line (without its newline); false when it is not one.
bool ParseCriRecord(std::string_view line, LogChunk& chunk);

class LogFollower {
 public:
  explicit LogFollower(std::string path) : path_(std::move(path)) {}
  ~LogFollower();
  LogFollower(const LogFollower&) = delete;
  LogFollower& operator=(const LogFollower&) = delete;

  Result<std::vector<LogChunk>> Pump();

 private:
  std::string path_;
  int fd_ = -1;
  std::string pending_;
};

// Writes chunks to out (stdout records) and err (stderr records), unbuffered.
void WriteChunks(const std::vector<LogChunk>& chunks, int out_fd, int err_fd);

}  // namespace skiff::cli
