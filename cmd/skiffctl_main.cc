// skiffctl: the kubectl-style client. The verbs live in ctl/, one file each.
#include <signal.h>

#include <iostream>
#include <string>
#include <vector>

#include "ctl/get_command.h"
#include "ctl/global_flags.h"
#include "ctl/version_command.h"

namespace {

constexpr const char* kUsage =
    "usage: skiffctl [--kubeconfig FILE] [--context NAME] [-n NAMESPACE] VERB ...\n"
    "verbs:\n"
    "  version [--client]                                  print the client and server versions\n"
    "  get RESOURCE [NAME] [-A] [-l SELECTOR] [-o json|yaml|name]   show objects\n";

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);  // a closed connection is an error value, not death
  std::vector<std::string> args(argv + 1, argv + argc);
  skiff::Result<skiff::ctl::GlobalFlags> flags = skiff::ctl::ParseGlobalFlags(args);
  if (!flags.ok()) {
    std::cerr << "skiffctl: " << flags.status().message() << "\n" << kUsage;
    return 2;
  }
  if (args.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  std::string verb = args.front();
  args.erase(args.begin());
  if (verb == "version" || verb == "--version") return skiff::ctl::RunVersion(*flags, args, std::cout, std::cerr);
  if (verb == "get") return skiff::ctl::RunGet(*flags, args, std::cout, std::cerr);
  std::cerr << "skiffctl: unknown verb \"" << verb << "\"\n" << kUsage;
  return 2;
}
