// Test helper: reads a file under the source tree's manifests/ folder.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace skiff::api::testing {

// The repository root, found from this header's own location so that tests
// run from any build directory.
inline std::filesystem::path SourceRoot() {
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
}

inline std::string ReadManifest(const std::string& relative) {
  std::ifstream in(SourceRoot() / "manifests" / relative);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace skiff::api::testing
