// Helpers shared by the image-store tests: a temp dir removed at scope exit,
// directory listings and running the project's test-image script.
#pragma once

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "nodeagent/images/fs_util.h"

namespace skiff::images {

class TempDir {
 public:
  TempDir() {
    std::string pattern = "/tmp/skiff-images-test-XXXXXX";
    path_ = ::mkdtemp(pattern.data()) ? pattern : "";
  }
  ~TempDir() { (void)RemoveTree(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::vector<std::string> ListDir(const std::string& path) {
  std::vector<std::string> out;
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return out;
  while (dirent* e = ::readdir(dir)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") out.push_back(name);
  }
  ::closedir(dir);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace skiff::images

namespace skiff::images {

inline void WriteTestFile(const std::string& path, const std::string& data) {
  REQUIRE(WriteFileAtomic(path, data).ok());
}

}  // namespace skiff::images

namespace skiff::images {

// Runs a shell command; returns its stdout (REQUIREs exit status 0).
inline std::string ShellOutput(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  int rc = ::pclose(pipe);
  INFO(command << " → " << out);
  REQUIRE(rc == 0);
  return out;
}

// Deterministic bytes that do not compress.
inline std::string NoiseBytes(size_t size, uint32_t seed) {
  std::string out(size, '\0');
  for (char& c : out) {
    seed = seed * 1664525u + 1013904223u;
    c = static_cast<char>(seed >> 24);
  }
  return out;
}

}  // namespace skiff::images

namespace skiff::images {

// Builds the busybox test image (scripts/make-test-image.sh) into dir; returns
// its manifest digest.
inline std::string MakeTestImage(const std::string& dir, const std::string& tag = "1",
                                 const std::string& compression = "gzip") {
  std::string out =
      ShellOutput("LAYER_COMPRESSION=" + compression + " " + std::string(SKIFF_SOURCE_DIR) +
                  "/scripts/make-test-image.sh " + dir + " " + tag);
  return out.substr(0, out.find('\n'));
}

}  // namespace skiff::images
