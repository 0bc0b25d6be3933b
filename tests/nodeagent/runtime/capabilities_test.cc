// Capability sets: parsing, Kubernetes add/drop, and applying them in a child.
#include "nodeagent/runtime/capabilities.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>

#include "tests/nodeagent/runtime/cgroup_test_support.h"

namespace skiff::runtime {
namespace {

using testing::ChildResult;
using testing::RunInChild;

TEST_CASE("capability names parse with or without CAP_ and in any case", "[capabilities]") {
  CHECK(ParseCapability("NET_ADMIN").value() == CAP_NET_ADMIN);
  CHECK(ParseCapability("CAP_NET_ADMIN").value() == CAP_NET_ADMIN);
  CHECK(ParseCapability("net_admin").value() == CAP_NET_ADMIN);
  CHECK(ParseCapability("Cap_Sys_Admin").value() == CAP_SYS_ADMIN);
  CHECK(ParseCapability("CHECKPOINT_RESTORE").value() == CAP_CHECKPOINT_RESTORE);
  auto bad = ParseCapability("NET_ADMINN");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == Code::kInvalid);
  CHECK(bad.status().message().find("NET_ADMINN") != std::string::npos);
  CHECK_FALSE(ParseCapability("").ok());
  CHECK_FALSE(ParseCapability("12").ok());
  CHECK_FALSE(ParseCapability("ALL").ok());
  CHECK(CapabilityName(CAP_CHOWN) == "CAP_CHOWN");
  CHECK(CapabilityName(CAP_NET_BIND_SERVICE) == "CAP_NET_BIND_SERVICE");
}

TEST_CASE("the default set is the fourteen capabilities of container runtimes", "[capabilities]") {
  CapabilitySet set = DefaultCapabilities();
  std::vector<std::string> want = {"CAP_CHOWN",       "CAP_DAC_OVERRIDE", "CAP_FOWNER",
                                   "CAP_FSETID",      "CAP_KILL",         "CAP_SETGID",
                                   "CAP_SETUID",      "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE",
                                   "CAP_NET_RAW",     "CAP_SYS_CHROOT",   "CAP_MKNOD",
                                   "CAP_AUDIT_WRITE", "CAP_SETFCAP"};
  CHECK(CapabilityNames(set) == want);
  CHECK_FALSE(set.Has(CAP_SYS_ADMIN));
  CHECK_FALSE(set.Has(CAP_NET_ADMIN));
}

TEST_CASE("add and drop follow containerd's rules", "[capabilities]") {
  SECTION("named adds and drops change the default set") {
    auto state = ComputeCapabilities({"NET_ADMIN", "CAP_SYS_TIME"}, {"chown", "NET_RAW"});
    REQUIRE(state.ok());
    CapabilitySet want = DefaultCapabilities();
    want.Add(CAP_NET_ADMIN);
    want.Add(CAP_SYS_TIME);
    want.Remove(CAP_CHOWN);
    want.Remove(CAP_NET_RAW);
    CHECK(state->effective == want);
    CHECK(state->permitted == want);
    CHECK(state->bounding == want);
    CHECK(state->inheritable == want);
    CHECK(state->ambient.bits == 0);
  }
  SECTION("drop ALL then add keeps only the adds") {
    auto state = ComputeCapabilities({"NET_BIND_SERVICE"}, {"ALL"});
    REQUIRE(state.ok());
    CHECK(CapabilityNames(state->effective) == std::vector<std::string>{"CAP_NET_BIND_SERVICE"});
  }
  SECTION("add ALL then drop keeps everything but the drops") {
    auto state = ComputeCapabilities({"ALL"}, {"SYS_ADMIN"});
    REQUIRE(state.ok());
    CapabilitySet want = AllCapabilities();
    want.Remove(CAP_SYS_ADMIN);
    CHECK(state->effective == want);
  }
  SECTION("privileged gets every capability the kernel has") {
    auto state = ComputeCapabilities({}, {"ALL"}, /*privileged=*/true);
    REQUIRE(state.ok());
    CHECK(state->bounding == AllCapabilities());
    CHECK(state->bounding.Has(LastCapability()));
    CHECK_FALSE(state->bounding.Has(LastCapability() + 1));
  }
  SECTION("unknown names are Invalid with the field of each") {
    auto state = ComputeCapabilities({"NET_ADMIN", "BOGUS"}, {"ALSO_BOGUS"});
    REQUIRE_FALSE(state.ok());
    CHECK(state.status().code() == Code::kInvalid);
    REQUIRE(state.status().causes().size() == 2);
    CHECK(state.status().causes()[0].field == "add[1]");
    CHECK(state.status().causes()[1].field == "drop[0]");
  }
}

TEST_CASE("a child holding the default set shows it in /proc and loses the rest",
          "[capabilities][privileged]") {
  CapabilityState state = ComputeCapabilities({}, {}).value();
  int status = RunInChild([&] {
    if (ApplyCapabilities(state) != 0) return 1;
    auto seen = ReadProcessCapabilities();
    if (!seen.ok()) return 2;
    if (seen->effective != DefaultCapabilities()) return 3;
    if (seen->permitted != DefaultCapabilities()) return 4;
    if (seen->bounding != DefaultCapabilities()) return 5;
    if (seen->ambient.bits != 0) return 6;
    // CAP_SYS_ADMIN is gone: sethostname needs it.
    if (sethostname("x", 1) == 0 || errno != EPERM) return 7;
    // And it cannot come back: raising it in the bounding set is refused.
    CapabilityState more = state;
    more.effective.Add(CAP_SYS_ADMIN);
    more.permitted.Add(CAP_SYS_ADMIN);
    if (ApplyCapabilitySets(more) != EPERM) return 8;
    return 0;
  });
  CHECK(ChildResult(status) == 0);
}

TEST_CASE("dropping CHOWN makes chown fail", "[capabilities][privileged]") {
  testing::TempDir dir;
  std::string file = dir.path() + "/f";
  testing::WriteFile(file, "x");
  CapabilityState state = ComputeCapabilities({}, {"CHOWN"}).value();
  int status = RunInChild([&] {
    if (chown(file.c_str(), 1234, 1234) != 0) return 1;  // still root with every capability
    if (ApplyCapabilities(state) != 0) return 2;
    if (chown(file.c_str(), 4321, 4321) == 0 || errno != EPERM) return 3;
    return 0;
  });
  CHECK(ChildResult(status) == 0);
}

TEST_CASE("a non-root uid keeps its capabilities across setuid until exec",
          "[capabilities][privileged]") {
  CapabilityState state = ComputeCapabilities({}, {}).value();
  int status = RunInChild([&] {
    if (DropBoundingCapabilities(state) != 0) return 1;
    if (KeepCapabilitiesAcrossSetuid() != 0) return 2;
    if (setresgid(1000, 1000, 1000) != 0 || setresuid(1000, 1000, 1000) != 0) return 3;
    if (ApplyCapabilitySets(state) != 0) return 4;
    auto seen = ReadProcessCapabilities();
    if (!seen.ok()) return 5;
    if (seen->effective != DefaultCapabilities()) return 6;
    if (seen->bounding != DefaultCapabilities()) return 7;
    return 0;
  });
  CHECK(ChildResult(status) == 0);
}

TEST_CASE("GuardedUntilExec adds one capability the container lacks and the caller holds",
          "[capabilities][hostile]") {
  auto state = ComputeCapabilities({}, {});
  REQUIRE(state.ok());
  CapabilityState guarded = GuardedUntilExec(*state, AllCapabilities(), /*dac_off=*/false);
  CapabilitySet expected = state->permitted;
  expected.Add(CAP_SYS_PTRACE);
  CHECK(guarded.permitted == expected);
  CHECK(guarded.effective == state->effective);
  CHECK(guarded.bounding == state->bounding);
  CHECK(guarded.inheritable == state->inheritable);

  // A caller without CAP_SYS_PTRACE picks another capability it can keep.
  CapabilitySet held = AllCapabilities();
  held.Remove(CAP_SYS_PTRACE);
  guarded = GuardedUntilExec(*state, held, /*dac_off=*/false);
  CapabilitySet extra{guarded.permitted.bits & ~state->permitted.bits};
  CHECK(__builtin_popcountll(extra.bits) == 1);
  CHECK((extra.bits & held.bits) == extra.bits);
  CHECK((extra.bits & state->bounding.bits) == 0);

  // Nothing to guard with when the container holds all the caller holds.
  guarded = GuardedUntilExec(*state, state->bounding, /*dac_off=*/false);
  CHECK(guarded.permitted == state->permitted);

  // dac_off: the DAC capabilities leave the effective set only.
  guarded = GuardedUntilExec(*state, AllCapabilities(), /*dac_off=*/true);
  CHECK_FALSE(guarded.effective.Has(CAP_DAC_OVERRIDE));
  CHECK_FALSE(guarded.effective.Has(CAP_DAC_READ_SEARCH));
  CHECK(guarded.permitted.Has(CAP_DAC_OVERRIDE));
}

}  // namespace
}  // namespace skiff::runtime
