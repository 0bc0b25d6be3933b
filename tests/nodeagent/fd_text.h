// Reading and writing text on a pipe or a pty master in tests: what the exec
// tests of the runtime and of `skiff container` both need.
#pragma once

#include <poll.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

namespace skiff::testing {

// Reads fd until its text holds `needle`, it ends (end of file, or EIO on a pty
// master whose slave is closed), or `patience` runs out. Returns all it read.
inline std::string ReadUntil(int fd, const std::string& needle,
                             std::chrono::milliseconds patience = std::chrono::seconds(15)) {
  std::string text;
  auto deadline = std::chrono::steady_clock::now() + patience;
  while (needle.empty() || text.find(needle) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  return text;
}

inline void WriteAll(int fd, const std::string& text) {
  REQUIRE(write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
}

}  // namespace skiff::testing
