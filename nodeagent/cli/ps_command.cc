// skiff container ps [-a] [-q]
#include <ctime>

#include "nodeagent/cli/arg_parser.h"
#include "nodeagent/cli/commands.h"
#include "nodeagent/cli/table.h"
#include "nodeagent/cli/units.h"

namespace skiff::cli {
namespace {

std::string Ago(const std::string& rfc3339, int64_t now) {
  Result<int64_t> then = ParseRfc3339Seconds(rfc3339);
  if (!then.ok()) return "";
  return HumanDuration(now - *then) + " ago";
}

std::string StatusText(const runtime::ContainerState& state, int64_t now) {
  switch (state.status) {
    case runtime::ContainerStatus::kCreated:
      return "Created";
    case runtime::ContainerStatus::kRunning: {
      Result<int64_t> started = ParseRfc3339Seconds(state.started_at);
      std::string up = "Up ";
      up += started.ok() ? HumanDuration(now - *started) : "?";
      return up;
    }
    case runtime::ContainerStatus::kStopped:
      break;
  }
  std::string text = "Exited (";
  text += std::to_string(ShellExitCode(state));
  text += ")";
  if (state.oom_killed) text += " OOMKilled";
  if (!state.finished_at.empty()) {
    text += " ";
    text += Ago(state.finished_at, now);
  }
  return text;
}

std::string Quoted(const std::vector<std::string>& command) {
  std::string text;
  for (const std::string& arg : command) text += (text.empty() ? "" : " ") + arg;
  constexpr size_t kMaxShown = 30;
  if (text.size() > kMaxShown) text = text.substr(0, kMaxShown - 3) + "...";
  return "\"" + text + "\"";
}

}  // namespace

int List(CliEnv& env, const Args& args, std::ostream& out, std::ostream& err) {
  const std::string verb = "ps";
  ArgParser parser;
  parser.Bool("-a,--all");
  parser.Bool("-q,--quiet");
  if (Status s = parser.Parse(args); !s.ok()) return Fail(err, verb, s, kExitUsage);
  if (!parser.positionals().empty()) return Fail(err, verb, "usage: ps [-a] [-q]", kExitUsage);
  Result<runtime::Runtime*> rt = env.Runtime();
  if (!rt.ok()) return Fail(err, verb, rt.status());
  Result<std::vector<runtime::ContainerState>> states = (*rt)->List();
  if (!states.ok()) return Fail(err, verb, states.status());
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  Table table({"CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS"});
  for (const runtime::ContainerState& state : *states) {
    if (!parser.Has("--all") && state.status != runtime::ContainerStatus::kRunning) continue;
    if (parser.Has("--quiet")) {
      out << state.id << "\n";
      continue;
    }
    Result<ContainerRecord> record = env.LoadRecord(state.id);
    table.Add({state.id, record.ok() ? record->image : "", record.ok() ? Quoted(record->command) : "",
               Ago(state.created_at, now), StatusText(state, now)});
  }
  if (!parser.Has("--quiet")) table.Print(out);
  return 0;
}

}  // namespace skiff::cli
