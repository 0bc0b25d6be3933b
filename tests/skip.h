// SkipTest: ends the running test case as skipped, for ctest.
//
// Catch2 v2 has no skip. Every test case runs as its own process under ctest
// (catch_discover_tests), whose SKIP_RETURN_CODE is 77 (tests/CMakeLists.txt),
// so a test that cannot run here (a missing tool) exits with 77 and ctest
// reports it as skipped, never as passed. Run outside ctest, the binary stops
// there with the reason on stderr.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace skiff::testing {

inline constexpr int kSkipExitCode = 77;

[[noreturn]] inline void SkipTest(const std::string& why) {
  std::fprintf(stderr, "SKIP: %s\n", why.c_str());
  std::fflush(nullptr);
  std::_Exit(kSkipExitCode);
}

}  // namespace skiff::testing
