// Hostile tests of `skiff container` (issue 15). A container that writes a
// forged status on init's pipe gets its real exit code (finding 4). A `run`
// killed with SIGKILL leaves nothing behind (finding 5): the next verb removes
// a --rm container once it has ended, and one the CLI created but never
// started, with its processes, cgroup, mounts and state.
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "tests/nodeagent/cli/cli_test_support.h"

namespace skiff::cli {
namespace {

using testing::CliFixture;
using testing::Outcome;

bool Listed(CliFixture& f, const std::string& id, bool all) {
  std::vector<std::string> args = {"ps", "-q"};
  if (all) args.push_back("-a");
  return f.Skiff(args).out.find(id + "\n") != std::string::npos;
}

// Nothing of container `id` is left: no state, no CLI record, no cgroup.
void CheckRemoved(CliFixture& f, const std::string& id) {
  CHECK_FALSE(std::filesystem::exists(f.root() + "/state/" + id));
  CHECK_FALSE(std::filesystem::exists(f.root() + "/containers/" + id + ".json"));
  CHECK_FALSE(std::filesystem::exists(f.CgroupFile("pids", id, "")));
}

TEST_CASE("run returns the real exit code whatever the container writes on init's pipe",
          "[hostile][privileged][integration]") {
  CliFixture f;
  Outcome exited = f.Skiff({"run", "--rm", CliFixture::kImage, "sh", "-c",
                            "exec 2>/dev/null; printf 'exit 0\\n' >/proc/1/fd/3; exit 7"});
  CHECK(exited.code == 7);
  Outcome killed = f.Skiff({"run", "--rm", CliFixture::kImage, "sh", "-c",
                            "exec 2>/dev/null; printf 'exit 0\\n' >/proc/1/fd/3; kill -9 $$"});
  CHECK(killed.code == 137);
}

TEST_CASE("run --rm killed with SIGKILL: the next verb removes the container once it ended",
          "[hostile][privileged][integration]") {
  CliFixture f;
  auto run = f.Start({"run", "--rm", "--name", "victim", CliFixture::kImage, "sleep", "30"});
  bool running = false;
  for (int i = 0; i < 400 && !running; ++i) {
    usleep(25000);
    running = Listed(f, "victim", /*all=*/false);
  }
  REQUIRE(running);
  kill(run.pid(), SIGKILL);
  run.Wait();
  // The container outlives its CLI (as with docker run --rm) ...
  CHECK(Listed(f, "victim", /*all=*/true));
  REQUIRE(f.Skiff({"kill", "victim"}).code == 0);
  // ... and once it has ended, the next verb removes it.
  bool listed = true;
  for (int i = 0; i < 400 && listed; ++i) {
    usleep(25000);
    listed = Listed(f, "victim", /*all=*/true);
  }
  CHECK_FALSE(listed);
  CheckRemoved(f, "victim");
}

// Runs `skiff container ARGS` under ptrace and kills it with SIGKILL when it
// enters the openat of <state>/<id>/start.fifo, which is Runtime::Start's
// first step (Create opens the fifo in the monitor, a process not traced):
// exactly between Create and Start. x86_64 only.
bool KillAtStart(const std::vector<std::string>& args) {
#if defined(__x86_64__)
  std::string binary = testing::SkiffBinary();
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3; ++fd) dup2(null, fd);
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    raise(SIGSTOP);
    std::vector<char*> argv = {const_cast<char*>(binary.c_str())};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL);
  int deliver = 0;
  bool killed = false;
  for (;;) {
    if (ptrace(PTRACE_SYSCALL, pid, 0, deliver) != 0) break;
    deliver = 0;
    if (waitpid(pid, &status, 0) != pid || WIFEXITED(status) || WIFSIGNALED(status)) break;
    int sig = WSTOPSIG(status);
    if (sig != (SIGTRAP | 0x80)) {
      if (sig != SIGTRAP) deliver = sig;
      continue;
    }
    user_regs_struct regs;
    if (ptrace(PTRACE_GETREGS, pid, 0, &regs) != 0) break;
    if (regs.orig_rax != SYS_openat || regs.rax != static_cast<unsigned long long>(-ENOSYS))
      continue;
    char path[4096] = {};
    std::string mem = "/proc/" + std::to_string(pid) + "/mem";
    int fd = open(mem.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) break;
    (void)pread(fd, path, sizeof(path) - 1, static_cast<off_t>(regs.rsi));
    close(fd);
    std::string opened(path);
    if (opened.size() > 11 && opened.substr(opened.size() - 11) == "/start.fifo") {
      kill(pid, SIGKILL);
      killed = true;
      break;
    }
  }
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return killed;
#else
  (void)args;
  return false;
#endif
}

TEST_CASE("run killed with SIGKILL between Create and Start: the next verb kills and removes it",
          "[hostile][privileged][integration]") {
  CliFixture f;
  std::vector<std::string> args = f.GlobalArgs();
  for (const char* a : {"run", "--name", "half", CliFixture::kImage, "sleep", "30"})
    args.push_back(a);
  REQUIRE(KillAtStart(args));
  std::string state_json = f.root() + "/state/half/state.json";
  REQUIRE(std::filesystem::exists(state_json));
  REQUIRE(std::filesystem::exists(f.root() + "/state/half/start.fifo"));
  // The next verb: ps prunes first, so the container is gone from its list.
  CHECK_FALSE(Listed(f, "half", /*all=*/true));
  CheckRemoved(f, "half");
}

}  // namespace
}  // namespace skiff::cli
