// FuzzCheck: the one way a fuzz target reports a broken promise of the code it
// drives (a round trip that does not round-trip, defaulting that is not
// idempotent, a file written outside its directory). It prints the message to
// stderr and aborts, which both drivers (libFuzzer and standalone_main.cc)
// turn into a saved failing input. Error Statuses are not failures: a parser
// that rejects input cleanly is doing its job.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace skiff::fuzz {

inline void FuzzCheck(bool ok, std::string_view what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz check failed: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

}  // namespace skiff::fuzz
