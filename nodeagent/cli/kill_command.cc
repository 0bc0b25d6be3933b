// skiff container kill [-s SIG] ID...   (default SIGKILL, as docker kill)
#include <signal.h>

#include "nodeagent/cli/arg_parser.h"
#include "nodeagent/cli/commands.h"
#include "nodeagent/cli/units.h"

namespace skiff::cli {

int Kill(CliEnv& env, const Args& args, std::ostream& out, std::ostream& err) {
  const std::string verb = "kill";
  ArgParser parser;
  parser.Value("-s,--signal");
  if (Status s = parser.Parse(args); !s.ok()) return Fail(err, verb, s, kExitUsage);
  if (parser.positionals().empty()) return Fail(err, verb, "usage: kill [-s SIG] ID...", kExitUsage);
  int signo = SIGKILL;
  if (parser.Has("--signal")) {
    Result<int> parsed = ParseSignal(parser.Get("--signal"));
    if (!parsed.ok()) return Fail(err, verb, parsed.status(), kExitUsage);
    signo = *parsed;
  }
  return ForEachContainer(env, verb, parser.positionals(),
                          [&](runtime::Runtime& rt, const std::string& id) { return rt.Kill(id, signo); },
                          out, err);
}

}  // namespace skiff::cli
