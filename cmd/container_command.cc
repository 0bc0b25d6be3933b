#include "cmd/container_command.h"

#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "nodeagent/cli/commands.h"

namespace skiff::cmd {
namespace {

using Verb = int (*)(cli::CliEnv&, const cli::Args&, std::ostream&, std::ostream&);

void Usage(std::ostream& err) {
  err << "usage: skiff container [--root DIR] [--cgroup-parent NAME] [--init PATH] COMMAND\n"
         "  image import PATH [--name REF]   import an OCI layout or docker-save archive\n"
         "  image pull REF                   pull from a registry\n"
         "  image ls [-q] | image rm REF...\n"
         "  run [--rm] [-d] [--name N] [--memory 64m] [--cpus 0.5] [--pids 100] [-e K=V]\n"
         "      [-w DIR] [--user UID[:GID]] [--hostname H] [--read-only] [-v HOST:CTR[:ro]]\n"
         "      [--network none|host] [--entrypoint CMD] IMAGE [--] [CMD ARGS...]\n"
         "  ps [-a] [-q] | exec [-i] [-t] [-e K=V] [-w DIR] ID [--] CMD... | logs [-f] ID\n"
         "  stats [ID...]                    CPU %, memory and pids of running containers\n"
         "  kill [-s SIG] ID... | stop [-t SECONDS] ID... | rm [-f] ID...\n";
}

const std::map<std::string, Verb>& Verbs() {
  static const std::map<std::string, Verb> verbs = {
      {"image import", cli::ImageImport}, {"image pull", cli::ImagePull},
      {"image ls", cli::ImageList},       {"image rm", cli::ImageRemove},
      {"run", cli::Run},                  {"ps", cli::List},
      {"exec", cli::Exec},                {"logs", cli::Logs},
      {"kill", cli::Kill},                {"stop", cli::Stop},
      {"rm", cli::Remove},                {"stats", cli::Stats},
  };
  return verbs;
}

}  // namespace

int RunContainer(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  cli::CliOptions options;
  size_t i = 0;
  for (; i < args.size() && args[i].rfind("-", 0) == 0; ++i) {
    std::string flag = args[i].substr(0, args[i].find('='));
    std::string* target = flag == "--root"            ? &options.root
                          : flag == "--cgroup-parent" ? &options.cgroup_parent
                          : flag == "--init"          ? &options.init_binary
                                                      : nullptr;
    if (flag == "-h" || flag == "--help") {
      Usage(std::cout);
      return 0;
    }
    if (target == nullptr) {
      std::cerr << "skiff container: unknown flag \"" << flag << "\"\n";
      Usage(std::cerr);
      return cli::kExitUsage;
    }
    if (args[i].size() > flag.size()) {
      *target = args[i].substr(flag.size() + 1);
    } else if (i + 1 < args.size()) {
      *target = args[++i];
    } else {
      std::cerr << "skiff container: flag " << flag << " needs a value\n";
      return cli::kExitUsage;
    }
    if (target->empty()) {
      std::cerr << "skiff container: flag " << flag << " must not be empty\n";
      return cli::kExitUsage;
    }
  }
  if (i == args.size()) {
    Usage(std::cerr);
    return cli::kExitUsage;
  }
  std::string verb = args[i++];
  if (verb == "image" && i < args.size()) verb += " " + args[i++];
  auto found = Verbs().find(verb);
  if (found == Verbs().end()) {
    std::cerr << "skiff container: unknown command \"" << verb << "\"\n";
    Usage(std::cerr);
    return cli::kExitUsage;
  }
  cli::CliEnv env(options);
  return found->second(env, cli::Args(args.begin() + static_cast<long>(i), args.end()), std::cout, std::cerr);
}

}  // namespace skiff::cmd
