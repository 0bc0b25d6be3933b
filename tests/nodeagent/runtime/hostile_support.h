// Helpers of the hostile runtime tests ([hostile]): the probe program that
// attacks the runtime from inside a container (probe/hostile_probe.c), and
// reading its "key=value ..." report.
#pragma once

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include "nodeagent/runtime/runtime.h"

namespace skiff::runtime::testing {

// Copies hostile_probe (built beside skiff-init) to <rootfs>/bin/hostile_probe.
inline void InstallProbe(const std::string& rootfs) {
  const char* bin = std::getenv("SKIFF_BIN_DIR");
  REQUIRE(bin != nullptr);
  std::filesystem::copy_file(std::string(bin) + "/hostile_probe", rootfs + "/bin/hostile_probe",
                             std::filesystem::copy_options::overwrite_existing);
  REQUIRE(chmod((rootfs + "/bin/hostile_probe").c_str(), 0755) == 0);
}

// Force-deletes a container when the test leaves its scope, also on a failed
// REQUIRE: a probe left running would spin for its whole time bound.
class ContainerGuard {
 public:
  ContainerGuard(Runtime& rt, std::string id) : rt_(rt), id_(std::move(id)) {}
  ~ContainerGuard() { (void)rt_.Delete(id_, /*force=*/true); }
  ContainerGuard(const ContainerGuard&) = delete;
  ContainerGuard& operator=(const ContainerGuard&) = delete;

 private:
  Runtime& rt_;
  std::string id_;
};

// "seen=3 attached=0" -> {seen: 3, attached: 0}.
inline std::map<std::string, long> ProbeCounts(const std::string& line) {
  std::map<std::string, long> out;
  std::istringstream words(line);
  for (std::string word; words >> word;) {
    size_t eq = word.find('=');
    if (eq != std::string::npos) out[word.substr(0, eq)] = std::atol(word.c_str() + eq + 1);
  }
  return out;
}

}  // namespace skiff::runtime::testing
