// SetupReport: the fixed-size message the processes of a container start send
// each other over pipes (container child -> monitor -> caller; exec helpers ->
// caller). Plain data, so the child side can fill it without allocating and the
// static skiff-init binary can share it.
//
// A reader that gets end-of-file before a whole report learns that the writer
// died (or exec'd: the pipes are close-on-exec) without saying why.
#pragma once

#include <cstdint>
#include <cstring>

namespace skiff::runtime {

struct SetupReport {
  enum Kind : int32_t { kReady = 1, kError = 2, kExited = 3 };
  int32_t kind = 0;
  int32_t err = 0;          // errno of the failed step (kError), wait status (kExited)
  int32_t init_pid = 0;     // host pid of the container's init (kReady)
  int32_t monitor_pid = 0;  // host pid of the monitor (kReady)
  char step[64] = {};       // the failed step ("mount /proc")
  char detail[160] = {};    // more context (a path), may be empty
};

// Fills an error report; never allocates.
inline SetupReport ErrorReport(int err, const char* step, const char* detail = "") {
  SetupReport r;
  r.kind = SetupReport::kError;
  r.err = err;
  strncpy(r.step, step, sizeof(r.step) - 1);
  strncpy(r.detail, detail ? detail : "", sizeof(r.detail) - 1);
  return r;
}

}  // namespace skiff::runtime
