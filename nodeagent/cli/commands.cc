#include "nodeagent/cli/commands.h"

namespace skiff::cli {

int Fail(std::ostream& err, const std::string& verb, const std::string& message, int code) {
  err << "skiff container " << verb << ": " << message << std::endl;
  return code;
}

int Fail(std::ostream& err, const std::string& verb, const Status& status, int code) {
  return Fail(err, verb, status.message(), code);
}

int ShellExitCode(const runtime::ContainerState& state) {
  constexpr int kSignalBase = 128;
  if (state.signal > 0) return kSignalBase + state.signal;
  return state.exit_code < 0 ? kExitFailed : state.exit_code;
}

}  // namespace skiff::cli
