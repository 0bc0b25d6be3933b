// skiff container exec [-i] [-t] [-e K=V] [-w DIR] [--timeout S] ID [--] CMD ARGS...
//
// Runs a process in the container's namespaces, cgroup, user, capabilities and
// seccomp filter, streams what it writes as it writes it, and returns its exit
// code (128+signal when a signal ended it). -i forwards this process's stdin
// (else the process reads /dev/null); -t gives it a TTY of the container's
// devpts. With -t and a terminal on stdin, SIGWINCH resizes the TTY, and with
// -i too the local terminal is raw while the process runs (restored on every
// return). SIGINT, SIGTERM, SIGHUP and SIGQUIT go to the process. --timeout
// kills it after S seconds (default: an hour without -i or -t, none with them).
#include <unistd.h>

#include <cstdlib>

#include "nodeagent/cli/arg_parser.h"
#include "nodeagent/cli/commands.h"
#include "nodeagent/cli/exec_pump.h"
#include "nodeagent/cli/raw_terminal.h"
#include "nodeagent/cli/run_config.h"

namespace skiff::cli {
namespace {

const std::string kVerb = "exec";
const std::string kUsage = "usage: exec [-i] [-t] [-e K=V] [-w DIR] [--timeout S] ID [--] CMD ARGS...";
constexpr int kDefaultTimeoutSeconds = 3600;

// "-it" is "-i -t", as Docker reads it; only up to the first positional.
Args SplitShortFlags(const Args& args) {
  Args out;
  bool flags = true;
  for (const std::string& arg : args) {
    bool combined = flags && arg.size() > 2 && arg[0] == '-' && arg.find_first_not_of("it", 1) == std::string::npos;
    if (arg == "--" || (!arg.empty() && arg[0] != '-')) flags = false;
    if (!combined) {
      out.push_back(arg);
      continue;
    }
    for (size_t i = 1; i < arg.size(); ++i) out.push_back(std::string("-") + arg[i]);
  }
  return out;
}

Result<runtime::ExecSpec> ToExecSpec(CliEnv& env, const ArgParser& parser, const std::string& id,
                                     const Args& command) {
  runtime::ExecSpec spec;
  spec.args = command;
  spec.cwd = parser.Get("--workdir");
  spec.tty = parser.Has("--tty");
  spec.open_stdin = parser.Has("--interactive");
  if (parser.Has("--env")) {
    Result<ContainerRecord> record = env.LoadRecord(id);
    Result<std::vector<std::string>> merged =
        MergeEnv(record.ok() ? record->env : std::vector<std::string>{}, parser.Values("--env"));
    if (!merged.ok()) return merged.status();
    spec.env = std::move(*merged);
  }
  return spec;
}

}  // namespace

int Exec(CliEnv& env, const Args& args, std::ostream& out, std::ostream& err) {
  ArgParser parser(ArgParser::Mode::kStopAtPositional);
  parser.Bool("-i,--interactive");
  parser.Bool("-t,--tty");
  parser.Value("-e,--env");
  parser.Value("-w,--workdir");
  parser.Value("--timeout");
  if (Status s = parser.Parse(SplitShortFlags(args)); !s.ok()) return Fail(err, kVerb, s, kExitUsage);
  Args rest = parser.positionals();
  if (rest.size() >= 2 && rest[1] == "--") rest.erase(rest.begin() + 1);
  if (rest.size() < 2) return Fail(err, kVerb, kUsage, kExitUsage);
  bool interactive = parser.Has("--interactive"), tty = parser.Has("--tty");
  PumpOptions pump;
  if (parser.Has("--timeout") || !(interactive || tty)) {
    int timeout = std::atoi(parser.Get("--timeout", std::to_string(kDefaultTimeoutSeconds)).c_str());
    if (timeout <= 0) return Fail(err, kVerb, "--timeout wants a positive number of seconds", kExitUsage);
    pump.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout);
  }
  bool local_terminal = tty && isatty(0);
  if (interactive && tty && !local_terminal) return Fail(err, kVerb, "-i -t: the input device is not a TTY");
  Result<std::string> id = env.ResolveContainer(rest[0]);
  if (!id.ok()) return Fail(err, kVerb, id.status());
  Result<runtime::ExecSpec> spec = ToExecSpec(env, parser, *id, Args(rest.begin() + 1, rest.end()));
  if (!spec.ok()) return Fail(err, kVerb, spec.status(), kExitUsage);
  if (local_terminal) {
    WindowSize size = TerminalSize(0);
    spec->rows = size.rows;
    spec->cols = size.cols;
    pump.resize_from = 0;
  }
  pump.forward_stdin = interactive;
  Result<runtime::Runtime*> rt = env.Runtime();
  if (!rt.ok()) return Fail(err, kVerb, rt.status());
  Result<runtime::ExecSession> session = (*rt)->ExecStart(*id, *spec);
  if (!session.ok()) return Fail(err, kVerb, session.status(), kExitRunFailed);
  RawTerminal raw;
  if (local_terminal && interactive) {
    if (Status s = raw.Enter(0); !s.ok()) return Fail(err, kVerb, s, kExitRunFailed);
  }
  Result<runtime::ExecExit> exit = PumpExec(*session, pump, out, err);
  raw.Restore();
  if (!exit.ok()) return Fail(err, kVerb, exit.status(), kExitRunFailed);
  runtime::ContainerState ended;
  ended.exit_code = exit->exit_code;
  ended.signal = exit->signal;
  return ShellExitCode(ended);
}

}  // namespace skiff::cli
