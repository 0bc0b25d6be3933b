// skiff container rm [-f] ID...   (-f kills a running container first)
#include "nodeagent/cli/arg_parser.h"
#include "nodeagent/cli/commands.h"

namespace skiff::cli {

int Remove(CliEnv& env, const Args& args, std::ostream& out, std::ostream& err) {
  const std::string verb = "rm";
  ArgParser parser;
  parser.Bool("-f,--force");
  if (Status s = parser.Parse(args); !s.ok()) return Fail(err, verb, s, kExitUsage);
  if (parser.positionals().empty()) return Fail(err, verb, "usage: rm [-f] ID...", kExitUsage);
  Result<runtime::Runtime*> rt = env.Runtime();
  if (!rt.ok()) return Fail(err, verb, rt.status());
  int code = 0;
  for (const std::string& name : parser.positionals()) {
    Result<std::string> id = env.ResolveContainer(name);
    Status s = id.ok() ? (*rt)->Delete(*id, parser.Has("--force")) : id.status();
    if (!s.ok()) {
      code = Fail(err, verb, s);
      continue;
    }
    env.RemoveRecord(*id);
    out << *id << "\n";
  }
  return code;
}

}  // namespace skiff::cli
