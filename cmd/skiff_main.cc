// skiff: the server-side binary. Subcommands arrive with their issues
// (server, agent, up); today it reports its version.
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  if (argc >= 2 && (std::strcmp(argv[1], "version") == 0 || std::strcmp(argv[1], "--version") == 0)) {
    std::printf("skiff v0.1.0 (Kubernetes API v1.32)\n");
    return 0;
  }
  std::fprintf(stderr, "usage: skiff version\n");
  return 2;
}
