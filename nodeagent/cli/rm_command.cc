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
  bool force = parser.Has("--force");
  return ForEachContainer(env, verb, parser.positionals(),
                          [&](runtime::Runtime& rt, const std::string& id) {
                            Status s = rt.Delete(id, force);
                            if (s.ok()) env.RemoveRecord(id);
                            return s;
                          },
                          out, err);
}

}  // namespace skiff::cli
