// Attach: the foreground half of `run` and of `logs -f`. It streams a running
// container's CRI log to this process's stdout and stderr until the container
// stops, then returns its final state.
//
// With forward_signals, SIGINT, SIGTERM and SIGHUP to this process stop the
// container: the first sends it SIGTERM, and a second signal or the end of the
// grace period sends SIGKILL; streaming goes on until it has stopped. Without,
// the signals keep their usual effect on this process (the container runs on).
//
// Errors: NotFound when the container or its log disappears (deleted from
// elsewhere), the runtime's errors otherwise. The handlers are restored on return.
#pragma once

#include <chrono>
#include <string>

#include "base/status.h"
#include "nodeagent/runtime/runtime.h"

namespace skiff::cli {

struct AttachOptions {
  bool forward_signals = false;
  std::chrono::milliseconds stop_grace{10000};
  int out_fd = 1;
  int err_fd = 2;
};

Result<runtime::ContainerState> Attach(runtime::Runtime& rt, const std::string& id,
                                       const AttachOptions& options);

}  // namespace skiff::cli
