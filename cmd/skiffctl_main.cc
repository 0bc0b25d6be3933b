// skiffctl: the kubectl-style client. Verbs arrive with the API server.
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  if (argc >= 2 && (std::strcmp(argv[1], "version") == 0 || std::strcmp(argv[1], "--version") == 0)) {
    std::printf("skiffctl v0.1.0\n");
    return 0;
  }
  std::fprintf(stderr, "usage: skiffctl version\n");
  return 2;
}
