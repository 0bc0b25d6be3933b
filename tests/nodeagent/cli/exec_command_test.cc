// `skiff container exec` against a real container: -it driven through a pty the
// test opens (raw mode while it runs and restored after, the container's TTY,
// window size and SIGWINCH, the exit code), and -i through pipes (stdin
// forwarded, output streamed before the process ends).
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "cli_test_support.h"
#include "tests/nodeagent/fd_text.h"

namespace skiff::cli {
namespace {

using testing::CliFixture;
using testing::Outcome;
using skiff::testing::ReadUntil;
using testing::SkiffBinary;
using skiff::testing::WriteAll;

constexpr auto kPatience = std::chrono::seconds(15);


// Starts `skiff container ... ARGS` with stdin, stdout and stderr on the fds
// given; with a terminal, in a session of its own whose controlling TTY it is.
pid_t Spawn(const std::vector<std::string>& args, int in, int out, int err, bool terminal) {
  std::string binary = SkiffBinary();
  std::vector<char*> argv;
  argv.push_back(binary.data());
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (terminal && (setsid() < 0 || ioctl(in, TIOCSCTTY, 0) < 0)) _exit(120);
    if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(121);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

int WaitExit(pid_t pid) {
  auto deadline = std::chrono::steady_clock::now() + kPatience;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      FAIL("skiff did not exit in time");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool Canonical(int terminal) {
  termios t;
  REQUIRE(tcgetattr(terminal, &t) == 0);
  return (t.c_lflag & ICANON) != 0;
}

void RunDetached(CliFixture& f, const std::string& name) {
  Outcome run = f.Skiff({"run", "-d", "--name", name, CliFixture::kImage, "--", "sleep", "300"});
  INFO(run.err);
  REQUIRE(run.code == 0);
}

TEST_CASE("exec -it: a TTY in the container, raw mode here, resize, the exit code", "[privileged][integration]") {
  CliFixture f;
  RunDetached(f, "box");
  int master = -1, slave = -1;
  winsize size{};
  size.ws_row = 30;
  size.ws_col = 100;
  REQUIRE(openpty(&master, &slave, nullptr, nullptr, &size) == 0);
  std::vector<std::string> args = f.GlobalArgs();
  for (const char* a : {"exec", "-it", "box", "--", "sh"}) args.push_back(a);
  pid_t cli = Spawn(args, slave, slave, slave, /*terminal=*/true);
  close(slave);
  for (int i = 0; i < 500 && Canonical(master); ++i) usleep(10000);
  CHECK_FALSE(Canonical(master));  // raw while the exec runs

  // The shell prints what it sees; $((...)) keeps the answer apart from the echo.
  WriteAll(master, "busybox tty; busybox stty size; test -t 0 && echo in-$((6*7))-tty\n");
  std::string seen = ReadUntil(master, "in-42-tty\r\n");
  INFO(seen);
  CHECK(seen.find("/dev/pts/0\r\n") != std::string::npos);
  CHECK(seen.find("30 100\r\n") != std::string::npos);  // the size of the terminal here

  size.ws_row = 50;
  size.ws_col = 120;
  REQUIRE(ioctl(master, TIOCSWINSZ, &size) == 0);  // SIGWINCH to skiff, which resizes
  WriteAll(master, "busybox stty size\n");
  std::string resized = ReadUntil(master, "50 120\r\n");
  INFO(resized);
  CHECK(resized.find("50 120\r\n") != std::string::npos);

  WriteAll(master, "exit 3\n");
  ReadUntil(master, "");  // to EIO: skiff has exited and closed the terminal
  CHECK(WaitExit(cli) == 3);
  CHECK(Canonical(master));  // restored
  close(master);
}

TEST_CASE("exec -i forwards stdin and streams output before the process ends", "[privileged][integration]") {
  CliFixture f;
  RunDetached(f, "box");
  int in[2], out[2], err[2];
  REQUIRE(pipe2(in, O_CLOEXEC) == 0);
  REQUIRE(pipe2(out, O_CLOEXEC) == 0);
  REQUIRE(pipe2(err, O_CLOEXEC) == 0);
  std::vector<std::string> args = f.GlobalArgs();
  for (const char* a : {"exec", "-i", "box", "sh", "-c", "echo first; echo warn >&2; read line; echo got $line; cat"}) {
    args.push_back(a);
  }
  pid_t cli = Spawn(args, in[0], out[1], err[1], /*terminal=*/false);
  for (int fd : {in[0], out[1], err[1]}) close(fd);
  // The process waits for a line, so these come while it runs.
  CHECK(ReadUntil(out[0], "first\n") == "first\n");
  CHECK(ReadUntil(err[0], "warn\n") == "warn\n");
  WriteAll(in[1], "go\n");
  CHECK(ReadUntil(out[0], "got go\n") == "got go\n");
  WriteAll(in[1], "through cat\n");
  close(in[1]);  // end of file for cat
  CHECK(ReadUntil(out[0], "") == "through cat\n");
  CHECK(WaitExit(cli) == 0);
  for (int fd : {out[0], err[0]}) close(fd);

  // Without -i the process reads /dev/null; -t without a terminal here still
  // gives the process a TTY.
  Outcome plain = f.Skiff({"exec", "box", "sh", "-c", "cat; echo done"});
  CHECK(plain.out == "done\n");
  Outcome tty = f.Skiff({"exec", "-t", "box", "sh", "-c", "busybox tty"});
  CHECK(tty.code == 0);
  CHECK(tty.out == "/dev/pts/0\r\n");
  Outcome refused = f.Skiff({"exec", "-it", "box", "sh"});
  CHECK(refused.code == 1);
  CHECK(refused.err == "skiff container exec: -i -t: the input device is not a TTY\n");
}

}  // namespace
}  // namespace skiff::cli
