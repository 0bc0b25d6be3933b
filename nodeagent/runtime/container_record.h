// The on-disk state of one container: <state root>/<id>/state.json, written by
// the runtime, and exit.json, written by the monitor when the container ends.
//
// state.json holds what a restarted agent needs to re-attach: the host pids of
// init and the monitor with their start times (so a reused pid is not mistaken
// for them), paths, the cgroup name, and the process and security settings that
// Exec repeats. Both files are replaced atomically (write a temp file, rename),
// so a reader sees the old or the new content, never half of it. They are not
// fsynced: they describe processes, which do not survive a reboot anyway (the
// state root belongs on /run).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "base/status.h"
#include "nodeagent/runtime/container_spec.h"
#include "nodeagent/runtime/sys.h"

namespace skiff::runtime {

struct ContainerRecord {
  std::string id;
  pid_t init_pid = 0;
  uint64_t init_start_time = 0;
  pid_t monitor_pid = 0;
  uint64_t monitor_start_time = 0;
  std::string log_path;
  std::string cgroup;                  // name given to the CgroupManager; "" without cgroups
  bool owns_overlay_dirs = false;      // upper/ and work/ live in the state dir
  std::string created_at, started_at;  // RFC 3339 with nanoseconds
  ProcessSpec process;
  SecuritySpec security;
  bool auto_remove = false;  // ContainerSpec's, for Prune
  bool remove_unstarted = false;
};

struct ExitRecord {
  int exit_code = 0;
  int signal = 0;  // 0 unless the process died of a signal
  std::string finished_at;
  std::string error;  // a failure of the last start steps, or ""
};

// Writes <dir>/state.json atomically through sys (every call a fault point).
Status WriteContainerRecord(Sys& sys, const std::string& dir, const ContainerRecord& record);
// NotFound when there is no state.json; Internal (naming the file) when it is corrupt.
Result<ContainerRecord> ReadContainerRecord(const std::string& dir);
// nullopt while the container has not ended.
Result<std::optional<ExitRecord>> ReadExitRecord(const std::string& dir);

}  // namespace skiff::runtime
