// Catch2 checks shared by the tests that drive the real kubectl.
#pragma once

#include <catch2/catch.hpp>

#include "tests/apiserver/kubectl_runner.h"

namespace skiff::testing {

// Every kubectl case needs kubectl; say so loudly rather than pass without it.
inline bool RequireKubectl() {
  if (KubectlRunner::Available()) return true;
  WARN("SKIPPED: kubectl is not installed; this kubectl integration test did not run");
  return false;
}

}  // namespace skiff::testing

// Evaluates the kubectl run once, then checks its exit code and that its output
// contains text.
#define EXPECT_KUBECTL(run, code, text)                       \
  do {                                                        \
    const ::skiff::testing::KubectlResult& result_ = (run);   \
    INFO("kubectl printed:\n" << result_.out);                \
    CHECK(result_.exit_code == (code));                       \
    CHECK_THAT(result_.out, Catch::Matchers::Contains(text)); \
  } while (0)
