// CgroupFs: the only way the cgroup managers touch the file system.
//
// Paths are absolute. LinuxCgroupFs makes the real calls; any directory tree
// works, so tests point a manager at a temp directory that mimics a cgroup mount.
// FaultyCgroupFs wraps another CgroupFs and fails one chosen call, for fault
// loops ("fail call n for n = 1, 2, ... and check nothing is left behind").
//
// Every failure is a Status with the errno and "<op> <path>" as context.
// LinuxCgroupFs is stateless and thread-safe; FaultyCgroupFs counts calls
// atomically.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "nodeagent/runtime/cgroups.h"

namespace skiff::runtime {

class CgroupFs {
 public:
  virtual ~CgroupFs() = default;
  // The whole file. NotFound (errno ENOENT) when it does not exist.
  virtual Result<std::string> Read(const std::string& path) = 0;
  // One write(2) of `data` to an existing file (no O_CREAT, no O_TRUNC beyond
  // what cgroup files do), as the kernel expects one value per write.
  virtual Status Write(const std::string& path, std::string_view data) = 0;
  // One write(2) per value, in order, through one open of the file (device
  // rules: one rule per write). Stops at the first failure.
  virtual Status WriteEach(const std::string& path, const std::vector<std::string>& values) {
    for (const std::string& v : values) SKIFF_RETURN_IF_ERROR(Write(path, v));
    return Status::Ok();
  }
  // AlreadyExists (errno EEXIST) when the directory exists.
  virtual Status Mkdir(const std::string& path) = 0;
  // NotFound (ENOENT) when absent; the kernel's EBUSY when it has processes or children.
  virtual Status Rmdir(const std::string& path) = 0;
  virtual bool Exists(const std::string& path) = 0;
  // Names of the subdirectories of `path` (not "." or "..").
  virtual Result<std::vector<std::string>> ListDirs(const std::string& path) = 0;
  // Waits a little before polling again (real sleep; fakes may return at once).
  virtual void Pause(std::chrono::microseconds d) = 0;
  // kill(pid, sig): 0 or the errno. Here so a fake tree never signals real pids.
  virtual int Kill(pid_t pid, int sig) = 0;
  // cgroup v2: replaces the device eBPF program of the cgroup directory `dir`
  // (cgroup_device_filter.h). Here so a fake tree never loads real programs.
  virtual Status SetDeviceFilter(const std::string& dir, const std::vector<DeviceRule>& rules) = 0;
};

std::shared_ptr<CgroupFs> NewLinuxCgroupFs();

// Fails the fail_at-th call (1-based) of Read/Write/Mkdir/Rmdir/ListDirs/SetDeviceFilter with
// EIO, or every call from then on when sticky. fail_at = 0 never fails.
class FaultyCgroupFs : public CgroupFs {
 public:
  FaultyCgroupFs(std::shared_ptr<CgroupFs> inner, int fail_at, bool sticky = false)
      : inner_(std::move(inner)), fail_at_(fail_at), sticky_(sticky) {}
  Result<std::string> Read(const std::string& path) override;
  Status Write(const std::string& path, std::string_view data) override;
  Status Mkdir(const std::string& path) override;
  Status Rmdir(const std::string& path) override;
  bool Exists(const std::string& path) override { return inner_->Exists(path); }
  Result<std::vector<std::string>> ListDirs(const std::string& path) override;
  void Pause(std::chrono::microseconds d) override { inner_->Pause(d); }
  int Kill(pid_t pid, int sig) override { return inner_->Kill(pid, sig); }
  Status SetDeviceFilter(const std::string& dir, const std::vector<DeviceRule>& rules) override;
  // Calls counted so far, and whether the fault has fired.
  int calls() const { return calls_.load(); }
  bool fired() const { return fired_.load(); }
  // Stops failing (to clean up after a faulty run with the same object).
  void Disarm() { fail_at_ = 0; }

 private:
  Status Fault(std::string_view op, const std::string& path);
  std::shared_ptr<CgroupFs> inner_;
  std::atomic<int> fail_at_;
  bool sticky_;
  std::atomic<int> calls_{0};
  std::atomic<bool> fired_{false};
};

}  // namespace skiff::runtime
