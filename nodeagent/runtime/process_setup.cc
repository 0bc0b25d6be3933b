#include "nodeagent/runtime/process_setup.h"

#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace skiff::runtime {
namespace {

bool Executable(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

StepError Fail(int neg_errno, const char* step) { return StepError{-neg_errno, step, ""}; }

}  // namespace

std::string FindExecutable(const std::string& arg0, const std::vector<std::string>& env) {
  if (arg0.find('/') != std::string::npos) return Executable(arg0) ? arg0 : "";
  std::string path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (const std::string& e : env) {
    if (e.rfind("PATH=", 0) == 0) path = e.substr(5);
  }
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(start, end - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + arg0;
    if (Executable(candidate)) return candidate;
    start = end + 1;
  }
  return "";
}

StepError ApplyIdentity(Sys& sys, const ProcessSpec& p, const CapabilityState& caps,
                        bool no_new_privs, bool dac_off) {
  const CapabilitySet held = CurrentPermitted();
  int r = -DropBoundingCapabilities(caps);
  if (r < 0) return Fail(r, "drop bounding capabilities");
  if (p.uid != 0) {
    r = -KeepCapabilitiesAcrossSetuid();
    if (r < 0) return Fail(r, "keep capabilities across setuid");
  }
  r = sys.Setgroups(p.supplementary_groups.size(), p.supplementary_groups.data());
  if (r < 0) return Fail(r, "setgroups");
  r = sys.Setresgid(p.gid);
  if (r < 0) return Fail(r, "setresgid");
  r = sys.Setresuid(p.uid);
  if (r < 0) return Fail(r, "setresuid");
  r = -ApplyCapabilitySets(GuardedUntilExec(caps, held, dac_off));
  if (r < 0) return Fail(r, "set capabilities");
  if (no_new_privs) {
    r = sys.Prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    if (r < 0) return Fail(r, "set no_new_privs");
  }
  return {};
}

}  // namespace skiff::runtime
