// skiff container stop [-t SECONDS] ID...   (SIGTERM, then SIGKILL after the grace period)
#include <cstdlib>

#include "nodeagent/cli/arg_parser.h"
#include "nodeagent/cli/commands.h"

namespace skiff::cli {

int Stop(CliEnv& env, const Args& args, std::ostream& out, std::ostream& err) {
  const std::string verb = "stop";
  ArgParser parser;
  parser.Value("-t,--time");
  if (Status s = parser.Parse(args); !s.ok()) return Fail(err, verb, s, kExitUsage);
  if (parser.positionals().empty()) return Fail(err, verb, "usage: stop [-t SECONDS] ID...", kExitUsage);
  constexpr const char* kDefaultGraceSeconds = "10";
  std::string grace_text = parser.Get("--time", kDefaultGraceSeconds);
  char* end = nullptr;
  long grace = std::strtol(grace_text.c_str(), &end, 10);
  if (grace_text.empty() || *end != '\0' || grace < 0) {
    return Fail(err, verb, "-t wants a number of seconds, got \"" + grace_text + "\"", kExitUsage);
  }
  return ForEachContainer(
      env, verb, parser.positionals(),
      [&](runtime::Runtime& rt, const std::string& id) { return rt.Stop(id, std::chrono::seconds(grace)); },
      out, err);
}

}  // namespace skiff::cli
