// Catch2 checks shared by the tests that drive the real kubectl.
#pragma once

#include <catch2/catch.hpp>

#include "tests/apiserver/kubectl_runner.h"
#include "tests/skip.h"

namespace skiff::testing {

// True when kubectl is installed; otherwise the test ends as skipped (exit 77
// for ctest), never as passed.
inline bool RequireKubectl() {
  if (KubectlRunner::Available()) return true;
  SkipTest("kubectl is not installed; this kubectl integration test did not run");
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
