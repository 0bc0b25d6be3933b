#include "nodeagent/cli/attach.h"

#include <signal.h>

#include <csignal>

#include "nodeagent/cli/log_follower.h"

namespace skiff::cli {
namespace {

constexpr std::chrono::milliseconds kPollInterval{50};
volatile std::sig_atomic_t g_pending_signal = 0;

void OnSignal(int signo) { g_pending_signal = signo; }

// Installs OnSignal for the stop signals while alive.
class StopSignals {
 public:
  explicit StopSignals(bool enabled) : enabled_(enabled) {
    if (!enabled_) return;
    g_pending_signal = 0;
    struct sigaction action {};
    action.sa_handler = OnSignal;
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < kCount; ++i) sigaction(kSignals[i], &action, &old_[i]);
  }
  ~StopSignals() {
    if (!enabled_) return;
    for (size_t i = 0; i < kCount; ++i) sigaction(kSignals[i], &old_[i], nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  static constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
  static constexpr size_t kCount = sizeof(kSignals) / sizeof(kSignals[0]);
  bool enabled_;
  struct sigaction old_[kCount];
};

}  // namespace

Result<runtime::ContainerState> Attach(runtime::Runtime& rt, const std::string& id,
                                       const AttachOptions& options) {
  Result<runtime::ContainerState> state = rt.State(id);
  if (!state.ok()) return state.status();
  StopSignals signals(options.forward_signals);
  LogFollower follower(state->log_path);
  bool stopping = false;
  auto kill_at = std::chrono::steady_clock::time_point::max();
  for (;;) {
    Result<std::vector<LogChunk>> chunks = follower.Pump();
    // The log appears when the monitor starts; until then there is nothing to show.
    if (chunks.ok()) WriteChunks(*chunks, options.out_fd, options.err_fd);
    if (state->status == runtime::ContainerStatus::kStopped) {
      if (!chunks.ok() && chunks.status().code() != Code::kNotFound) return chunks.status();
      return state;
    }
    if (g_pending_signal != 0) {
      g_pending_signal = 0;
      if (!stopping) {
        stopping = true;
        kill_at = std::chrono::steady_clock::now() + options.stop_grace;
        (void)rt.Kill(id, SIGTERM);  // Conflict: it ended meanwhile, Wait sees it
      } else {
        kill_at = std::chrono::steady_clock::now();
      }
    }
    if (stopping && std::chrono::steady_clock::now() >= kill_at) {
      (void)rt.Kill(id, SIGKILL);
      kill_at = std::chrono::steady_clock::time_point::max();
    }
    state = rt.Wait(id, kPollInterval);
    if (!state.ok()) {
      if (state.status().code() != Code::kTimeout) return state.status();
      state = rt.State(id);  // still running (or created): stream on
      if (!state.ok()) return state.status();
    }
  }
}

}  // namespace skiff::cli
