// skiff container exec [-e K=V] [-w DIR] ID [--] CMD ARGS...
//
// Runs the process to its end in the container's namespaces, cgroup, user,
// capabilities and seccomp filter, prints what it wrote and returns its exit
// code (128+signal when a signal ended it). No TTY, stdin is /dev/null.
#include <unistd.h>

#include <cstdlib>

#include "nodeagent/cli/arg_parser.h"
#include "nodeagent/cli/commands.h"
#include "nodeagent/cli/run_config.h"

namespace skiff::cli {

int Exec(CliEnv& env, const Args& args, std::ostream& out, std::ostream& err) {
  const std::string verb = "exec";
  ArgParser parser(ArgParser::Mode::kStopAtPositional);
  parser.Value("-e,--env");
  parser.Value("-w,--workdir");
  parser.Value("--timeout");
  if (Status s = parser.Parse(args); !s.ok()) return Fail(err, verb, s, kExitUsage);
  std::vector<std::string> rest = parser.positionals();
  if (rest.size() >= 2 && rest[1] == "--") rest.erase(rest.begin() + 1);
  if (rest.size() < 2) return Fail(err, verb, "usage: exec [-e K=V] [-w DIR] ID [--] CMD ARGS...", kExitUsage);
  constexpr int kDefaultTimeoutSeconds = 3600;
  int timeout = std::atoi(parser.Get("--timeout", std::to_string(kDefaultTimeoutSeconds)).c_str());
  if (timeout <= 0) return Fail(err, verb, "--timeout wants a positive number of seconds", kExitUsage);
  Result<std::string> id = env.ResolveContainer(rest[0]);
  if (!id.ok()) return Fail(err, verb, id.status());
  runtime::ExecSpec spec;
  spec.args.assign(rest.begin() + 1, rest.end());
  spec.cwd = parser.Get("--workdir");
  if (parser.Has("--env")) {
    Result<ContainerRecord> record = env.LoadRecord(*id);
    Result<std::vector<std::string>> merged =
        MergeEnv(record.ok() ? record->env : std::vector<std::string>{}, parser.Values("--env"));
    if (!merged.ok()) return Fail(err, verb, merged.status(), kExitUsage);
    spec.env = std::move(*merged);
  }
  Result<runtime::Runtime*> rt = env.Runtime();
  if (!rt.ok()) return Fail(err, verb, rt.status());
  Result<runtime::ExecResult> result = (*rt)->Exec(*id, spec, std::chrono::seconds(timeout));
  if (!result.ok()) return Fail(err, verb, result.status(), kExitRunFailed);
  out << result->stdout_data << std::flush;
  err << result->stderr_data << std::flush;
  runtime::ContainerState ended;
  ended.exit_code = result->exit_code;
  ended.signal = result->signal;
  return ShellExitCode(ended);
}

}  // namespace skiff::cli
