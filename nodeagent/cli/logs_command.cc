// skiff container logs [-f] ID
//
// Prints the container's log (stdout records on stdout, stderr records on
// stderr); -f follows it until the container stops.
#include "nodeagent/cli/arg_parser.h"
#include "nodeagent/cli/attach.h"
#include "nodeagent/cli/commands.h"
#include "nodeagent/cli/log_follower.h"

namespace skiff::cli {

int Logs(CliEnv& env, const Args& args, std::ostream& out, std::ostream& err) {
  const std::string verb = "logs";
  ArgParser parser;
  parser.Bool("-f,--follow");
  if (Status s = parser.Parse(args); !s.ok()) return Fail(err, verb, s, kExitUsage);
  if (parser.positionals().size() != 1) return Fail(err, verb, "usage: logs [-f] ID", kExitUsage);
  Result<std::string> id = env.ResolveContainer(parser.positionals()[0]);
  if (!id.ok()) return Fail(err, verb, id.status());
  Result<runtime::Runtime*> rt = env.Runtime();
  if (!rt.ok()) return Fail(err, verb, rt.status());
  out.flush();
  if (parser.Has("--follow")) {
    Result<runtime::ContainerState> state = Attach(**rt, *id, AttachOptions{});
    if (!state.ok()) return Fail(err, verb, state.status());
    return 0;
  }
  Result<runtime::ContainerState> state = (*rt)->State(*id);
  if (!state.ok()) return Fail(err, verb, state.status());
  LogFollower follower(state->log_path);
  Result<std::vector<LogChunk>> chunks = follower.Pump();
  if (!chunks.ok()) {
    if (chunks.status().code() == Code::kNotFound) return 0;  // nothing written yet
    return Fail(err, verb, chunks.status());
  }
  WriteChunks(*chunks, 1, 2);
  return 0;
}

}  // namespace skiff::cli
