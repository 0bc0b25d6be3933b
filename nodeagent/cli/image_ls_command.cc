// skiff container image ls [-q]
#include "nodeagent/cli/arg_parser.h"
#include "nodeagent/cli/commands.h"
#include "nodeagent/cli/table.h"
#include "nodeagent/cli/units.h"

namespace skiff::cli {
namespace {

// "docker.io/library/busybox:1.36" → {"docker.io/library/busybox", "1.36"};
// "repo@sha256:…" → {"repo", "<none>"}.
std::pair<std::string, std::string> SplitName(const std::string& name) {
  size_t at = name.find('@');
  if (at != std::string::npos) return {name.substr(0, at), "<none>"};
  size_t colon = name.rfind(':');
  size_t slash = name.rfind('/');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) return {name, "<none>"};
  return {name.substr(0, colon), name.substr(colon + 1)};
}

}  // namespace

int ImageList(CliEnv& env, const Args& args, std::ostream& out, std::ostream& err) {
  const std::string verb = "image ls";
  ArgParser parser;
  parser.Bool("-q,--quiet");
  if (Status s = parser.Parse(args); !s.ok()) return Fail(err, verb, s, kExitUsage);
  if (!parser.positionals().empty()) return Fail(err, verb, "usage: image ls [-q]", kExitUsage);
  Result<images::ImageStore*> store = env.Images();
  if (!store.ok()) return Fail(err, verb, store.status());
  Table table({"REPOSITORY", "TAG", "IMAGE ID", "SIZE"});
  for (const images::Image& image : (*store)->List()) {
    if (parser.Has("--quiet")) {
      out << ShortId(image.id) << "\n";
      continue;
    }
    std::vector<std::string> names = image.names;
    if (names.empty()) names.push_back("<none>");
    for (const std::string& name : names) {
      auto [repository, tag] = SplitName(name);
      table.Add({repository, tag, ShortId(image.id), HumanSize(image.size)});
    }
  }
  if (!parser.Has("--quiet")) table.Print(out);
  return 0;
}

}  // namespace skiff::cli
