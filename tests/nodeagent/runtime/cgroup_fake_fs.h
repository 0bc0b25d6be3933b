// FakeCgroupFs: an in-memory cgroup v2 tree that behaves like the kernel's for
// what CgroupV2 does: mkdir fills in the interface files of the controllers the
// parent delegates, "+cpu" into cgroup.subtree_control needs the controller in
// cgroup.controllers, cgroup.kill empties the subtree, cgroup.freeze updates
// cgroup.events, rmdir refuses a cgroup with processes or children (EBUSY).
#pragma once

#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "nodeagent/runtime/cgroup_fs.h"

namespace skiff::runtime::testing {

class FakeCgroupFs : public CgroupFs {
 public:
  // has_kill: whether new cgroups get cgroup.kill (Linux >= 5.14).
  explicit FakeCgroupFs(std::string root, std::string controllers = "cpu memory pids",
                        bool has_kill = true)
      : root_(std::move(root)), has_kill_(has_kill) {
    dirs_.insert(root_);
    files_[root_ + "/cgroup.controllers"] = controllers;
    files_[root_ + "/cgroup.subtree_control"] = "";
    files_[root_ + "/cgroup.procs"] = "";
  }

  Result<std::string> Read(const std::string& path) override {
    auto it = files_.find(path);
    if (it == files_.end()) return Error(ENOENT, "read", path);
    return it->second;
  }

  Status Write(const std::string& path, std::string_view data) override {
    auto it = files_.find(path);
    if (it == files_.end()) return Error(ENOENT, "write", path);
    writes.push_back(path + "=" + std::string(data));
    std::string dir = Parent(path);
    std::string base = path.substr(dir.size() + 1);
    if (base == "cgroup.subtree_control") return Delegate(dir, std::string(data));
    if (base == "cgroup.procs") {
      it->second += std::string(data) + "\n";
    } else if (base == "cgroup.kill") {
      for (const auto& [d, procs] : SubtreeProcs(dir)) {
        std::istringstream in(procs);
        pid_t pid;
        while (in >> pid) RemovePid(pid);
      }
    } else if (base == "cgroup.freeze") {
      files_[dir + "/cgroup.events"] =
          std::string("populated 0\nfrozen ") + std::string(data) + "\n";
      it->second = std::string(data);
    } else {
      it->second = std::string(data);
    }
    return Status::Ok();
  }

  Status Mkdir(const std::string& path) override {
    if (Exists(path)) return Error(EEXIST, "mkdir", path);
    std::string parent = Parent(path);
    if (!dirs_.count(parent)) return Error(ENOENT, "mkdir", path);
    dirs_.insert(path);
    std::string enabled = files_[parent + "/cgroup.subtree_control"];
    files_[path + "/cgroup.procs"] = "";
    files_[path + "/cgroup.controllers"] = enabled;
    files_[path + "/cgroup.subtree_control"] = "";
    files_[path + "/cgroup.events"] = "populated 0\nfrozen 0\n";
    files_[path + "/cgroup.freeze"] = "0";
    if (has_kill_) files_[path + "/cgroup.kill"] = "";
    files_[path + "/cpu.stat"] = "usage_usec 0\nuser_usec 0\nsystem_usec 0\n";
    if (Has(enabled, "cpu")) {
      files_[path + "/cpu.weight"] = "100";
      files_[path + "/cpu.max"] = "max 100000";
    }
    if (Has(enabled, "memory")) {
      files_[path + "/memory.max"] = "max";
      files_[path + "/memory.swap.max"] = "max";
      files_[path + "/memory.current"] = "0";
      files_[path + "/memory.stat"] = "anon 0\ninactive_file 0\n";
      files_[path + "/memory.events"] = "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n";
    }
    if (Has(enabled, "pids")) {
      files_[path + "/pids.max"] = "max";
      files_[path + "/pids.current"] = "0";
    }
    return Status::Ok();
  }

  Status Rmdir(const std::string& path) override {
    if (!dirs_.count(path)) return Error(ENOENT, "rmdir", path);
    for (const std::string& d : dirs_) {
      if (Parent(d) == path) return Error(EBUSY, "rmdir", path);
    }
    if (!files_[path + "/cgroup.procs"].empty()) return Error(EBUSY, "rmdir", path);
    dirs_.erase(path);
    for (auto it = files_.begin(); it != files_.end();) {
      it = Parent(it->first) == path ? files_.erase(it) : std::next(it);
    }
    return Status::Ok();
  }

  bool Exists(const std::string& path) override { return dirs_.count(path) || files_.count(path); }

  Result<std::vector<std::string>> ListDirs(const std::string& path) override {
    if (!dirs_.count(path)) return Error(ENOENT, "list", path);
    std::vector<std::string> names;
    for (const std::string& d : dirs_) {
      if (d != path && Parent(d) == path) names.push_back(d.substr(path.size() + 1));
    }
    return names;
  }

  void Pause(std::chrono::microseconds) override { ++pauses; }

  Status SetDeviceFilter(const std::string& dir, const std::vector<DeviceRule>& rules) override {
    if (!dirs_.count(dir)) return Error(ENOENT, "attach device filter", dir);
    device_rules[dir] = rules;
    return Status::Ok();
  }

  int Kill(pid_t pid, int sig) override {
    kills.push_back({pid, sig});
    RemovePid(pid);
    return 0;
  }

  // Test access.
  void Set(const std::string& path, const std::string& text) { files_[path] = text; }
  std::string Get(const std::string& path) const {
    auto it = files_.find(path);
    return it == files_.end() ? "<absent>" : it->second;
  }
  size_t DirCount() const { return dirs_.size(); }

  std::vector<std::string> writes;
  std::vector<std::pair<pid_t, int>> kills;
  std::set<pid_t> unkillable;                                   // processes no signal removes
  std::map<std::string, std::vector<DeviceRule>> device_rules;  // by cgroup directory
  int pauses = 0;

 private:
  void RemovePid(pid_t pid) {
    if (unkillable.count(pid)) return;
    for (auto& [path, text] : files_) {
      if (path.size() < 13 || path.compare(path.size() - 13, 13, "/cgroup.procs") != 0) continue;
      std::istringstream in(text);
      std::string kept, line;
      while (std::getline(in, line)) {
        if (line != std::to_string(pid)) kept += line + "\n";
      }
      text = kept;
    }
  }

  static std::string Parent(const std::string& path) { return path.substr(0, path.rfind('/')); }
  static bool Has(const std::string& words, const std::string& word) {
    std::istringstream in(words);
    std::string w;
    while (in >> w) {
      if (w == word) return true;
    }
    return false;
  }
  static Status Error(int err, const char* op, const std::string& path) {
    std::string message = std::string(op) + " " + path + ": " + std::strerror(err);
    if (err == ENOENT) return Status(Code::kNotFound, message, err);
    if (err == EEXIST) return Status(Code::kAlreadyExists, message, err);
    return Status(Code::kInternal, message, err);
  }
  Status Delegate(const std::string& dir, const std::string& data) {
    if (data.size() < 2 || data[0] != '+')
      return Error(EINVAL, "write", dir + "/cgroup.subtree_control");
    std::string controller = data.substr(1);
    if (!Has(files_[dir + "/cgroup.controllers"], controller)) {
      return Error(EINVAL, "write", dir + "/cgroup.subtree_control");
    }
    std::string& enabled = files_[dir + "/cgroup.subtree_control"];
    if (!Has(enabled, controller)) enabled += (enabled.empty() ? "" : " ") + controller;
    return Status::Ok();
  }
  std::map<std::string, std::string> SubtreeProcs(const std::string& dir) {
    std::map<std::string, std::string> out;
    for (const std::string& d : dirs_) {
      if (d == dir || d.rfind(dir + "/", 0) == 0) out[d] = files_[d + "/cgroup.procs"];
    }
    return out;
  }

  std::string root_;
  bool has_kill_;
  std::set<std::string> dirs_;
  std::map<std::string, std::string> files_;
};

}  // namespace skiff::runtime::testing
