// The fault loop of the runtime tests: fail the Nth system call of a
// container's whole life (create, start, wait, delete; in the caller, the
// monitor and the container's child) for N = 1, 2, ... until a run passes with
// no fault left to inject. After each run no mount, process or state directory
// may be left. Returns the names of the calls that were failed, so a test can
// check the loop reached the steps it cares about.
#pragma once

#include <sys/prctl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "nodeagent/runtime/faulty_sys.h"
#include "nodeagent/runtime/runtime.h"
#include "runtime_test_support.h"

namespace skiff::runtime::testing {

// Children still alive after up to two seconds (monitors exit on their own).
inline std::vector<pid_t> LingeringChildren() {
  std::vector<pid_t> left;
  for (int i = 0; i < 200; ++i) {
    left = LiveChildren();
    if (left.empty()) break;
    usleep(10000);
  }
  return left;
}

// The lines of /proc/self/mountinfo that name a path under dir. The runtime
// mounts only below the state root and the spec's paths, all in the test's
// scratch dir; other tests run beside this one (ctest -j) and mount scratch
// file systems of their own, which must not count as this loop's leaks.
inline std::string MountsUnder(const std::string& dir) {
  std::istringstream in(ReadFile("/proc/self/mountinfo"));
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.find(dir) != std::string::npos) out += line + "\n";
  }
  return out;
}

// One container's life; any step may fail. True when it ran to the end.
inline bool Life(Runtime& rt, const ContainerSpec& spec) {
  if (!rt.Create(spec).ok()) return false;
  bool ran = rt.Start(spec.id).ok();
  auto state = rt.Wait(spec.id, std::chrono::seconds(10));
  ran = ran && state.ok() && state->exit_code == 0;
  // A fault may hit Delete itself: the second attempt must finish the job.
  if (!rt.Delete(spec.id, true).ok()) REQUIRE(rt.Delete(spec.id, true).ok());
  return ran;
}

inline std::set<std::string> RunFaultLoop(const std::string& state_root, const ContainerSpec& spec) {
  // Orphaned monitors become our children, so a leaked process cannot hide.
  REQUIRE(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0);
  const std::string scratch = std::filesystem::path(state_root).parent_path().string();
  std::string mounts_before = MountsUnder(scratch);
  long calls_without_fault = 0;
  {
    FaultySys counter(LinuxSysInstance(), 0, 0);
    auto rt = OpenRuntime(state_root, &counter);
    REQUIRE(Life(*rt, spec));
    calls_without_fault = counter.calls();
  }
  REQUIRE(calls_without_fault > 40);
  std::set<std::string> failed_calls;
  // The last steps (Start, the monitor's exec, init's) run concurrently, so
  // their numbering varies a little between runs: go on until no fault fires.
  bool fired = true;
  for (long n = 1; fired && n <= 2 * calls_without_fault; ++n) {
    FaultySys faulty(LinuxSysInstance(), n, EIO);
    auto rt = OpenRuntime(state_root, &faulty);
    bool ran = Life(*rt, spec);
    INFO("fault at call " << n << " (" << faulty.fired_call() << "), ran to the end: " << ran);
    fired = faulty.fired();
    CHECK((fired || ran));
    failed_calls.insert(faulty.fired_call());
    CHECK_FALSE(std::filesystem::exists(state_root + "/" + spec.id));
    CHECK(MountsUnder(scratch) == mounts_before);
    CHECK(LingeringChildren().empty());
  }
  prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
  CHECK_FALSE(fired);
  return failed_calls;
}

}  // namespace skiff::runtime::testing
