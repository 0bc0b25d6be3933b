// Checks and conversions of CgroupResources: see cgroup_resources.h.
#include "nodeagent/runtime/cgroup_resources.h"

#include <algorithm>
#include <vector>

namespace skiff::runtime {

Status ValidateCgroupResources(const CgroupResources& r) {
  std::vector<FieldCause> causes;
  auto bad = [&](const char* field, const std::string& why) {
    causes.push_back({field, "FieldValueInvalid", why});
  };
  if (r.cpu_shares && (*r.cpu_shares < 2 || *r.cpu_shares > 262144)) {
    bad("cpu_shares", "must be between 2 and 262144");
  }
  if (r.cpu_quota_us && *r.cpu_quota_us != -1 && *r.cpu_quota_us < 1000) {
    bad("cpu_quota_us", "must be -1 or at least 1000");
  }
  if (r.cpu_period_us && (*r.cpu_period_us < 1000 || *r.cpu_period_us > 1000000)) {
    bad("cpu_period_us", "must be between 1000 and 1000000");
  }
  if (r.memory_limit_bytes && *r.memory_limit_bytes != -1 && *r.memory_limit_bytes <= 0) {
    bad("memory_limit_bytes", "must be -1 or positive");
  }
  if (r.pids_limit && *r.pids_limit != -1 && *r.pids_limit <= 0) {
    bad("pids_limit", "must be -1 or positive");
  }
  if (r.devices) {
    for (size_t i = 0; i < r.devices->size(); ++i) {
      const DeviceRule& d = (*r.devices)[i];
      bool type_ok = d.type == 'a' || d.type == 'b' || d.type == 'c';
      bool access_ok = !d.access.empty() && d.access.find_first_not_of("rwm") == std::string::npos;
      if (!type_ok || !access_ok || d.major < -1 || d.minor < -1) {
        causes.push_back({"devices[" + std::to_string(i) + "]", "FieldValueInvalid",
                          "must be a, b or c with access of r, w, m and numbers >= -1"});
      }
    }
  }
  if (causes.empty()) return Status::Ok();
  std::string message = "invalid cgroup resources:";
  for (const FieldCause& c : causes) message += " " + c.field + " " + c.message + ";";
  message.pop_back();
  return Status::Invalid(message, std::move(causes));
}

std::vector<DeviceRule> DefaultDeviceRules() {
  return {
      {'c', -1, -1, "m"},     // mknod of any character device
      {'b', -1, -1, "m"},     // mknod of any block device
      {'c', 1, 3, "rwm"},     // /dev/null
      {'c', 1, 5, "rwm"},     // /dev/zero
      {'c', 1, 7, "rwm"},     // /dev/full
      {'c', 1, 8, "rwm"},     // /dev/random
      {'c', 1, 9, "rwm"},     // /dev/urandom
      {'c', 5, 0, "rwm"},     // /dev/tty
      {'c', 5, 1, "rwm"},     // /dev/console
      {'c', 5, 2, "rwm"},     // /dev/ptmx
      {'c', 136, -1, "rwm"},  // /dev/pts/*
  };
}

std::vector<DeviceRule> AllDevicesRules() { return {{'a', -1, -1, "rwm"}}; }

std::string DeviceRuleText(const DeviceRule& rule) {
  if (rule.type == 'a') return "a";
  auto number = [](int64_t n) { return n < 0 ? std::string("*") : std::to_string(n); };
  return std::string(1, rule.type) + " " + number(rule.major) + ":" + number(rule.minor) + " " +
         rule.access;
}

uint64_t CpuSharesToWeight(uint64_t shares) {
  shares = std::clamp<uint64_t>(shares, 2, 262144);
  return 1 + ((shares - 2) * 9999) / 262142;
}

}  // namespace skiff::runtime
