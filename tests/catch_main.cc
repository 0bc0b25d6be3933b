// The main of every Catch2 test binary.
//
// SIGPIPE is ignored: a test's client that writes to a connection the server
// has closed (a refused request closes it; OpenSSL's writes do not pass
// MSG_NOSIGNAL) must see EPIPE and fail or retry, not kill the whole binary.
#define CATCH_CONFIG_RUNNER
#include <signal.h>

#include <catch2/catch.hpp>

int main(int argc, char* argv[]) {
  signal(SIGPIPE, SIG_IGN);
  return Catch::Session().run(argc, argv);
}
