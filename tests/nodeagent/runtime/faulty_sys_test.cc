#include "nodeagent/runtime/faulty_sys.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>

namespace skiff::runtime {
namespace {

TEST_CASE("FaultySys fails exactly the Nth call, counting calls of forked children") {
  FaultySys sys(LinuxSysInstance(), 3, EIO);
  int fd = sys.Open("/dev/null", O_RDONLY | O_CLOEXEC, 0);  // call 1
  REQUIRE(fd >= 0);
  pid_t child = fork();
  if (child == 0) {
    char c;
    _exit(sys.Read(fd, &c, 1) == 0 ? 0 : 1);  // call 2, in the child
  }
  int status = 0;
  waitpid(child, &status, 0);
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(sys.calls() == 2);
  CHECK_FALSE(sys.fired());
  char c;
  CHECK(sys.Read(fd, &c, 1) == -EIO);  // call 3 fails
  CHECK(sys.fired());
  CHECK(sys.fired_call() == "read");
  CHECK(sys.Read(fd, &c, 1) == 0);  // call 4 goes through
  close(fd);
}

TEST_CASE("LinuxSys returns -errno") {
  Sys& sys = LinuxSysInstance();
  CHECK(sys.Open("/no/such/file", O_RDONLY, 0) == -ENOENT);
  CHECK(sys.Kill(-12345678, 0) == -ESRCH);
}

}  // namespace
}  // namespace skiff::runtime
