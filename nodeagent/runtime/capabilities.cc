// Capabilities of a container: see capabilities.h.
#include "nodeagent/runtime/capabilities.h"

#include <linux/capability.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <fstream>
#include <sstream>

namespace skiff::runtime {
namespace {

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool IsAll(const std::string& name) { return Upper(name) == "ALL" || Upper(name) == "CAP_ALL"; }

}  // namespace

CapabilitySet DefaultCapabilities() {
  CapabilitySet set;
  for (int cap : {CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD, CAP_NET_RAW,
                  CAP_SETGID, CAP_SETUID, CAP_SETFCAP, CAP_SETPCAP, CAP_NET_BIND_SERVICE,
                  CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE}) {
    set.Add(cap);
  }
  return set;
}

int LastCapability() {
  static const int kLast = [] {
    std::ifstream in("/proc/sys/kernel/cap_last_cap");
    int last = -1;
    if (in >> last && last > 0 && last < 64) return last;
    return static_cast<int>(CAP_LAST_CAP);
  }();
  return kLast;
}

CapabilitySet AllCapabilities() {
  CapabilitySet set;
  for (int cap = 0; cap <= LastCapability(); ++cap) set.Add(cap);
  return set;
}

Result<int> ParseCapability(std::string_view name) {
  std::string lower = Lower(std::string(name));
  if (lower.rfind("cap_", 0) != 0) lower = "cap_" + lower;
  cap_value_t value;
  // libcap also accepts bare numbers; a capability name must be a name.
  bool is_name = lower.size() > 4 && !std::isdigit(static_cast<unsigned char>(lower[4]));
  if (!is_name || cap_from_name(lower.c_str(), &value) != 0 || value < 0 || value >= 64) {
    std::string why = "unknown capability \"" + std::string(name) + "\"";
    return Status::Invalid(why, {{"", "FieldValueNotSupported", why}});
  }
  return static_cast<int>(value);
}

std::string CapabilityName(int cap) {
  char* text = cap_to_name(static_cast<cap_value_t>(cap));
  std::string name = text != nullptr ? Upper(text) : std::to_string(cap);
  cap_free(text);
  if (name.rfind("CAP_", 0) != 0) name = "CAP_" + name;
  return name;
}

std::vector<std::string> CapabilityNames(CapabilitySet set) {
  std::vector<std::string> names;
  for (int cap = 0; cap < 64; ++cap) {
    if (set.Has(cap)) names.push_back(CapabilityName(cap));
  }
  return names;
}

CapabilityState CapabilityStateOf(CapabilitySet set) {
  CapabilityState state;
  state.bounding = state.effective = state.permitted = state.inheritable = set;
  state.last_cap = LastCapability();
  return state;
}

Result<CapabilityState> ComputeCapabilities(const std::vector<std::string>& add,
                                            const std::vector<std::string>& drop, bool privileged) {
  std::vector<FieldCause> causes;
  auto parse_all = [&](const std::vector<std::string>& names, const char* field,
                       std::vector<int>& out, bool& all) {
    for (size_t i = 0; i < names.size(); ++i) {
      if (IsAll(names[i])) {
        all = true;
        continue;
      }
      auto cap = ParseCapability(names[i]);
      if (cap.ok()) {
        out.push_back(*cap);
      } else {
        causes.push_back({std::string(field) + "[" + std::to_string(i) + "]",
                          "FieldValueNotSupported", cap.status().message()});
      }
    }
  };
  std::vector<int> adds, drops;
  bool add_all = false, drop_all = false;
  parse_all(add, "add", adds, add_all);
  parse_all(drop, "drop", drops, drop_all);
  if (!causes.empty()) {
    std::string message = "capabilities:";
    for (const FieldCause& c : causes) message += " " + c.field + ": " + c.message + ";";
    message.pop_back();
    return Status::Invalid(message, std::move(causes));
  }
  if (privileged) return CapabilityStateOf(AllCapabilities());
  CapabilitySet set = DefaultCapabilities();
  if (add_all) set = AllCapabilities();
  if (drop_all) set = CapabilitySet{};
  for (int cap : adds) set.Add(cap);
  for (int cap : drops) set.Remove(cap);
  return CapabilityStateOf(set);
}

int DropBoundingCapabilities(const CapabilityState& state) noexcept {
  for (int cap = 0; cap <= state.last_cap; ++cap) {
    if (state.bounding.Has(cap)) continue;
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) return errno;
  }
  return 0;
}

int KeepCapabilitiesAcrossSetuid() noexcept {
  return ::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == 0 ? 0 : errno;
}

int ApplyCapabilitySets(const CapabilityState& state) noexcept {
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;
  __user_cap_data_struct data[2]{};
  auto low = [](CapabilitySet s) { return static_cast<uint32_t>(s.bits & 0xffffffffu); };
  auto high = [](CapabilitySet s) { return static_cast<uint32_t>(s.bits >> 32); };
  data[0].effective = low(state.effective);
  data[0].permitted = low(state.permitted);
  data[0].inheritable = low(state.inheritable);
  data[1].effective = high(state.effective);
  data[1].permitted = high(state.permitted);
  data[1].inheritable = high(state.inheritable);
  if (::syscall(SYS_capset, &header, data) != 0) return errno;
  // Kernels before 4.3 have no ambient set; there is nothing to clear then.
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) {
    if (errno != EINVAL) return errno;
    return state.ambient.bits == 0 ? 0 : EINVAL;
  }
  for (int cap = 0; cap <= state.last_cap; ++cap) {
    if (!state.ambient.Has(cap)) continue;
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0) return errno;
  }
  return 0;
}

CapabilityState GuardedUntilExec(const CapabilityState& state, CapabilitySet held,
                                 bool dac_off) noexcept {
  CapabilityState guarded = state;
  auto usable = [&](int cap) { return held.Has(cap) && !state.bounding.Has(cap); };
  int guard = usable(CAP_SYS_PTRACE) ? CAP_SYS_PTRACE : -1;
  for (int cap = 0; guard < 0 && cap < 64; ++cap) {
    if (usable(cap)) guard = cap;
  }
  if (guard >= 0) guarded.permitted.Add(guard);
  if (dac_off) {
    guarded.effective.Remove(CAP_DAC_OVERRIDE);
    guarded.effective.Remove(CAP_DAC_READ_SEARCH);
  }
  return guarded;
}

CapabilitySet CurrentPermitted() noexcept {
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;
  __user_cap_data_struct data[2]{};
  if (::syscall(SYS_capget, &header, data) != 0) return {};
  return CapabilitySet{(uint64_t{data[1].permitted} << 32) | data[0].permitted};
}

int ApplyCapabilities(const CapabilityState& state) noexcept {
  int err = DropBoundingCapabilities(state);
  return err != 0 ? err : ApplyCapabilitySets(state);
}

Result<CapabilityState> ReadProcessCapabilities(const std::string& pid) {
  std::string path = "/proc/" + pid + "/status";
  std::ifstream in(path);
  if (!in) return Status::FromErrno(errno, "read " + path);
  CapabilityState state;
  state.last_cap = LastCapability();
  std::string line;
  int found = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string key, hex;
    if (!(fields >> key >> hex)) continue;
    CapabilitySet* target = key == "CapInh:"   ? &state.inheritable
                            : key == "CapPrm:" ? &state.permitted
                            : key == "CapEff:" ? &state.effective
                            : key == "CapBnd:" ? &state.bounding
                            : key == "CapAmb:" ? &state.ambient
                                               : nullptr;
    if (target == nullptr) continue;
    target->bits = std::stoull(hex, nullptr, 16);
    ++found;
  }
  if (found < 4) return Status::Internal(path + ": no capability lines");
  return state;
}

}  // namespace skiff::runtime
