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
  Result<runtime::Runtime*> rt = env.Runtime();
  if (!rt.ok()) return Fail(err, verb, rt.status());
  int code = 0;
  for (const std::string& name : parser.positionals()) {
    Result<std::string> id = env.ResolveContainer(name);
    Status s = id.ok() ? (*rt)->Kill(*id, signo) : id.status();
    if (!s.ok()) {
      code = Fail(err, verb, s);
      continue;
    }
    out << *id << "\n";
  }
  return code;
}

}  // namespace skiff::cli
