// Helpers shared by CgroupV1 and CgroupV2: checking names, making and removing
// directory trees through a CgroupFs, and parsing cgroup files.
//
// Internal to the runtime's cgroup code. Every function reports failures as a
// Status naming the file; none keeps state.
#pragma once

#include <sys/types.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "nodeagent/runtime/cgroup_fs.h"

namespace skiff::runtime::cgroup_tree {

// Waits between polls of a cgroup file: 50us first, doubling up to 5ms, so a
// state the kernel reaches at once costs little and a slow one costs few reads.
class Backoff {
 public:
  void Wait(CgroupFs& fs) {
    fs.Pause(next_);
    next_ = std::min(next_ * 2, std::chrono::microseconds(5000));
  }

 private:
  std::chrono::microseconds next_{50};
};

// Invalid for "", an absolute path, "." / ".." components or empty components.
Status ValidateName(const std::string& name);
std::string Join(const std::string& dir, const std::string& rel);

// The value of `key` in "key value" lines (memory.events, cpu.stat, memory.stat,
// memory.oom_control). nullopt when the key is absent or not a number.
std::optional<uint64_t> KeyedValue(std::string_view text, std::string_view key);
// A decimal number, or "max" (returned as -1); surrounding whitespace ignored.
Result<int64_t> ParseLimit(std::string_view text, const std::string& file);
Result<uint64_t> ReadUint(CgroupFs& fs, const std::string& file);
Result<std::vector<pid_t>> ReadPids(CgroupFs& fs, const std::string& procs_file);

// Makes base/rel and its missing parents below `base` (base itself must exist
// or is made too), calling init(dir) on each directory below base, parents
// first: on those it made and on parents that existed (another creator may have
// made one and not yet set it up, so init must be idempotent).
// Appends the made directories to `made`. AlreadyExists when the leaf exists.
Status MakeDirs(CgroupFs& fs, const std::string& base, const std::string& rel,
                const std::function<Status(const std::string&)>& init,
                std::vector<std::string>& made);
// Removes `dirs` in reverse order, ignoring errors (rollback).
void RemoveDirs(CgroupFs& fs, const std::vector<std::string>& dirs);

// `dir` and every cgroup below it, deepest first. Empty when `dir` is absent.
Result<std::vector<std::string>> TreeDeepestFirst(CgroupFs& fs, const std::string& dir);
// Whether any cgroup in the tree at `dir` has a process (false when absent).
Result<bool> TreeHasProcesses(CgroupFs& fs, const std::string& dir);
// Sends `sig` to every process of every cgroup in the tree at `dir`.
Status SignalTree(CgroupFs& fs, const std::string& dir, int sig);
// Kills (SIGKILL) what is still in the tree at `dir`, waits for it to empty and
// removes its directories deepest first, retrying EBUSY until `timeout` has
// passed (then Unavailable naming the busy cgroup). OK when `dir` is absent.
Status RemoveTree(CgroupFs& fs, const std::string& dir, std::chrono::milliseconds timeout);
// Polls `file` until one of its lines is `want_line` ("FROZEN", "frozen 1"), for
// up to `timeout`. Unavailable on timeout.
Status WaitForLine(CgroupFs& fs, const std::string& file, const std::string& want_line,
                   std::chrono::milliseconds timeout);

}  // namespace skiff::runtime::cgroup_tree
