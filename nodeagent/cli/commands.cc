#include "nodeagent/cli/commands.h"

namespace skiff::cli {

int Fail(std::ostream& err, const std::string& verb, const std::string& message, int code) {
  err << "skiff container " << verb << ": " << message << std::endl;
  return code;
}

int Fail(std::ostream& err, const std::string& verb, const Status& status, int code) {
  return Fail(err, verb, status.message(), code);
}

int ForEachContainer(CliEnv& env, const std::string& verb, const std::vector<std::string>& names,
                     const std::function<Status(runtime::Runtime&, const std::string& id)>& op,
                     std::ostream& out, std::ostream& err) {
  Result<runtime::Runtime*> rt = env.Runtime();
  if (!rt.ok()) return Fail(err, verb, rt.status());
  int code = 0;
  for (const std::string& name : names) {
    Result<std::string> id = env.ResolveContainer(name);
    Status s = id.ok() ? op(**rt, *id) : id.status();
    if (!s.ok()) {
      code = Fail(err, verb, s);
      continue;
    }
    out << *id << "\n";
  }
  return code;
}

int ShellExitCode(const runtime::ContainerState& state) {
  constexpr int kSignalBase = 128;
  if (state.signal > 0) return kSignalBase + state.signal;
  return state.exit_code < 0 ? kExitFailed : state.exit_code;
}

}  // namespace skiff::cli
