// skiff: the server-side binary. Subcommands: server, up, container, version.
#include <cstdio>
#include <cstring>

#include "cmd/container_command.h"
#include "cmd/server_command.h"

namespace {

void Usage() {
  std::fprintf(stderr,
               "usage: skiff COMMAND [flags]\n"
               "  server   API server over an embedded SQLite store (--data-dir DIR --listen HOST:PORT)\n"
               "  up       a single-node cluster in the foreground (today: the API server)\n"
               "  container  run and inspect containers and images on this machine (debugging)\n"
               "  version  print the version\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    Usage();
    return 2;
  }
  const char* command = argv[1];
  if (std::strcmp(command, "version") == 0 || std::strcmp(command, "--version") == 0) {
    std::printf("skiff v0.1.0 (Kubernetes API v1.32)\n");
    return 0;
  }
  if (std::strcmp(command, "container") == 0) {
    return skiff::cmd::RunContainer(argc - 2, argv + 2);
  }
  if (std::strcmp(command, "server") == 0 || std::strcmp(command, "up") == 0) {
    return skiff::cmd::RunServer(argc - 2, argv + 2, command);
  }
  std::fprintf(stderr, "skiff: unknown command \"%s\"\n", command);
  Usage();
  return 2;
}
