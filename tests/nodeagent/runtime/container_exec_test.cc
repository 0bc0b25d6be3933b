// Runtime::ExecStart on a running busybox container: a TTY from the container's
// devpts (tty, test -t, stty size after Resize), stdin forwarding, output that
// streams before the end, the container's cgroup and pid namespace, signals,
// and that a failed or abandoned exec leaves no process and no fd behind.
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <regex>
#include <set>

#include "nodeagent/runtime/cgroups.h"
#include "nodeagent/runtime/faulty_sys.h"
#include "nodeagent/runtime/runtime.h"
#include "runtime_test_support.h"
#include "tests/nodeagent/fd_text.h"

namespace skiff::runtime {
namespace {

using testing::BuildBusyboxRootfs;
using testing::BusyboxSpec;
using testing::InitBinary;
using testing::LiveChildren;
using testing::ReadProcFile;
using skiff::testing::ReadUntil;
using skiff::testing::WriteAll;
using testing::ScratchDir;

constexpr auto kPatience = std::chrono::seconds(10);

// A running `sleep` container, in a cgroup of its own under a parent named for
// this test process; everything goes at the end.
struct ExecFixture {
  ScratchDir scratch;
  std::string rootfs = scratch.path() + "/rootfs";
  std::string state = scratch.path() + "/state";
  CgroupLayout layout;
  CgroupOptions cgroup_options;
  std::unique_ptr<Runtime> rt;
  std::string id = "exec-box";

  ExecFixture() {
    BuildBusyboxRootfs(rootfs);
    auto detected = DetectCgroupLayout();
    REQUIRE(detected.ok());
    layout = *detected;
    cgroup_options.parent = "skiff-exec-test-" + std::to_string(getpid());
    rt = Open(nullptr);
    Status created = rt->Create(BusyboxSpec(id, rootfs, {"sleep", "300"}));
    INFO(created.ToString());
    REQUIRE(created.ok());
    REQUIRE(rt->Start(id).ok());
  }
  ~ExecFixture() {
    if (rt) CHECK(rt->Delete(id, /*force=*/true).ok());
    rt.reset();
    std::vector<std::string> roots;
    for (const auto& [controller, mount] : layout.v1_controllers) roots.push_back(mount);
    if (!layout.unified.empty()) roots.push_back(layout.unified);
    for (const std::string& root : roots) {
      std::string parent = root + "/" + cgroup_options.parent;
      int r = rmdir(parent.c_str());
      INFO(parent << ": " << strerror(errno));
      CHECK((r == 0 || errno == ENOENT));
    }
  }
  // A runtime on the same state root (sys null: the real kernel).
  std::unique_ptr<Runtime> Open(Sys* sys) {
    RuntimeOptions options;
    options.state_root = state;
    options.init_binary = InitBinary();
    options.sys = sys;
    options.cgroups = NewCgroupManager(layout, cgroup_options);
    auto opened = Runtime::Open(options);
    REQUIRE(opened.ok());
    return std::move(*opened);
  }
  ExecSession Start(ExecSpec spec) {
    Result<ExecSession> session = rt->ExecStart(id, spec);
    INFO(session.status().ToString());
    REQUIRE(session.ok());
    return std::move(*session);
  }
  pid_t InitPid() {
    auto s = rt->State(id);
    REQUIRE(s.ok());
    return s->init_pid;
  }
};


int OpenFdCount() {
  int count = 0;
  DIR* dir = opendir("/proc/self/fd");
  REQUIRE(dir != nullptr);
  while (readdir(dir) != nullptr) ++count;
  closedir(dir);
  return count;
}

std::string NsLink(pid_t pid, const char* ns) {
  char target[256] = {};
  std::string path = "/proc/" + std::to_string(pid) + "/ns/" + ns;
  ssize_t n = readlink(path.c_str(), target, sizeof(target) - 1);
  return n > 0 ? std::string(target, static_cast<size_t>(n)) : "";
}

TEST_CASE("exec with a TTY gets a pty of the container's devpts as its controlling terminal",
          "[privileged][integration]") {
  ExecFixture f;
  // Fields 6 and 7 of the shell's own stat: its session (it leads one) and its
  // controlling terminal (not 0).
  ExecSpec spec{{"sh", "-c", "busybox tty; test -t 0 && test -t 1 && echo stdin-is-a-tty; "
                             "read pid comm state ppid pgrp sid tty rest </proc/self/stat; "
                             "test $sid = $$ && test $tty != 0 && echo session-with-ctty"}};
  spec.tty = true;
  ExecSession session = f.Start(spec);
  CHECK(session.tty_fd() >= 0);
  CHECK(session.stdout_fd() == -1);
  CHECK(session.stdin_fd() == -1);
  std::string out = ReadUntil(session.tty_fd(), "");  // to EIO: the process and its slave are gone
  INFO(out);
  // The pty's output processing turns \n into \r\n; the devpts is the container's
  // own instance, so its first pty is /dev/pts/0.
  CHECK(std::regex_search(out, std::regex("^/dev/pts/[0-9]+\r\nstdin-is-a-tty\r\nsession-with-ctty\r\n$")));
  auto exit = session.Wait(kPatience);
  REQUIRE(exit.ok());
  CHECK(exit->exit_code == 0);
}

TEST_CASE("the TTY starts at the asked size and Resize changes it", "[privileged][integration]") {
  ExecFixture f;
  ExecSpec spec{{"sh", "-c", "busybox stty size; read go; busybox stty size"}};
  spec.tty = true;
  spec.open_stdin = true;
  spec.rows = 24;
  spec.cols = 80;
  ExecSession session = f.Start(spec);
  CHECK(ReadUntil(session.tty_fd(), "24 80\r\n").find("24 80\r\n") != std::string::npos);
  REQUIRE(session.Resize(40, 132).ok());
  WriteAll(session.tty_fd(), "go\n");
  std::string rest = ReadUntil(session.tty_fd(), "");
  INFO(rest);
  CHECK(rest.find("40 132\r\n") != std::string::npos);
  auto exit = session.Wait(kPatience);
  REQUIRE(exit.ok());
  CHECK(exit->exit_code == 0);
  // Without a TTY there is nothing to resize.
  ExecSession plain = f.Start({{"true"}});
  CHECK(plain.Resize(10, 10).code() == Code::kBadRequest);
}

TEST_CASE("exec forwards stdin: cat echoes what is written and ends at EOF", "[privileged][integration]") {
  ExecFixture f;
  ExecSpec spec{{"cat"}};
  spec.open_stdin = true;
  ExecSession session = f.Start(spec);
  REQUIRE(session.stdin_fd() >= 0);
  WriteAll(session.stdin_fd(), "hello\n");
  CHECK(ReadUntil(session.stdout_fd(), "hello\n") == "hello\n");
  WriteAll(session.stdin_fd(), "again\n");
  CHECK(ReadUntil(session.stdout_fd(), "again\n") == "again\n");
  session.CloseStdin();
  CHECK(ReadUntil(session.stdout_fd(), "").empty());  // end of file
  auto exit = session.Wait(kPatience);
  REQUIRE(exit.ok());
  CHECK(exit->exit_code == 0);

  // Through a TTY: the line discipline echoes, cat repeats, ^D ends it.
  spec.tty = true;
  ExecSession tty = f.Start(spec);
  WriteAll(tty.tty_fd(), "hi\n");
  CHECK(ReadUntil(tty.tty_fd(), "hi\r\nhi\r\n") == "hi\r\nhi\r\n");
  WriteAll(tty.tty_fd(), "\x04");
  auto tty_exit = tty.Wait(kPatience);
  REQUIRE(tty_exit.ok());
  CHECK(tty_exit->exit_code == 0);
}

TEST_CASE("output streams while the process runs", "[privileged][integration]") {
  ExecFixture f;
  ExecSpec spec{{"sh", "-c", "echo first; echo to-stderr >&2; read line; echo second $line"}};
  spec.open_stdin = true;
  ExecSession session = f.Start(spec);
  CHECK(ReadUntil(session.stdout_fd(), "first\n") == "first\n");
  CHECK(ReadUntil(session.stderr_fd(), "to-stderr\n") == "to-stderr\n");
  CHECK(session.Wait(std::chrono::milliseconds(0)).status().code() == Code::kTimeout);  // still running
  WriteAll(session.stdin_fd(), "now\n");
  CHECK(ReadUntil(session.stdout_fd(), "") == "second now\n");
  auto exit = session.Wait(kPatience);
  REQUIRE(exit.ok());
  CHECK(exit->exit_code == 0);
}

TEST_CASE("an exec'd process is in the container's cgroup and pid namespace, and takes signals",
          "[privileged][integration]") {
  ExecFixture f;
  pid_t init = f.InitPid();
  for (bool tty : {false, true}) {
    INFO("tty " << tty);
    ExecSpec spec{{"sh", "-c", "echo pid=$$; exec sleep 300"}};
    spec.tty = tty;
    ExecSession session = f.Start(spec);
    int out = tty ? session.tty_fd() : session.stdout_fd();
    std::string said = ReadUntil(out, "\n");
    INFO(said);
    int inner_pid = std::atoi(said.substr(said.find('=') + 1).c_str());
    CHECK(inner_pid > 1);
    CHECK(inner_pid < 20);  // numbered in the container's pid namespace
    CHECK(session.pid() != inner_pid);
    CHECK(NsLink(session.pid(), "pid") == NsLink(init, "pid"));
    CHECK(NsLink(session.pid(), "mnt") == NsLink(init, "mnt"));
    std::string cgroups = ReadProcFile("/proc/" + std::to_string(session.pid()) + "/cgroup");
    CHECK(cgroups == ReadProcFile("/proc/" + std::to_string(init) + "/cgroup"));
    CHECK(cgroups.find(f.cgroup_options.parent + "/" + f.id) != std::string::npos);
    REQUIRE(session.Signal(SIGTERM).ok());
    auto exit = session.Wait(kPatience);
    REQUIRE(exit.ok());
    CHECK(exit->signal == SIGTERM);
    CHECK(exit->exit_code == 128 + SIGTERM);
  }
}

TEST_CASE("a failed or abandoned exec leaves no process and no fd behind", "[privileged][integration]") {
  ExecFixture f;
  REQUIRE(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0);  // orphans would land here
  std::vector<pid_t> children = LiveChildren();
  int fds = OpenFdCount();
  for (bool tty : {false, true}) {
    ExecSpec missing{{"no-such-program"}};
    missing.tty = tty;
    missing.open_stdin = true;
    Result<ExecSession> failed = f.rt->ExecStart(f.id, missing);
    CHECK(failed.status().sys_errno() == ENOENT);
    CHECK(failed.status().message().find("find executable no-such-program") != std::string::npos);
    pid_t pid = 0;
    {
      ExecSpec sleeper{{"sleep", "300"}};
      sleeper.tty = tty;
      sleeper.open_stdin = true;
      ExecSession abandoned = f.Start(sleeper);
      pid = abandoned.pid();
      CHECK(kill(pid, 0) == 0);
    }
    CHECK(kill(pid, 0) < 0);  // killed and reaped with its session
  }
  // A caller that dies takes its exec with it (the helper sees the hang-up).
  int pid_pipe[2];
  REQUIRE(pipe(pid_pipe) == 0);
  pid_t caller = fork();
  REQUIRE(caller >= 0);
  if (caller == 0) {
    Result<ExecSession> session = f.rt->ExecStart(f.id, {{"sleep", "300"}});
    pid_t pid = session.ok() ? session->pid() : 0;
    (void)!write(pid_pipe[1], &pid, sizeof(pid));
    _exit(0);  // no destructors: as if killed
  }
  close(pid_pipe[1]);
  pid_t orphaned = 0;
  REQUIRE(read(pid_pipe[0], &orphaned, sizeof(orphaned)) == sizeof(orphaned));
  close(pid_pipe[0]);
  REQUIRE(orphaned > 0);
  for (int i = 0; i < 500 && kill(orphaned, 0) == 0; ++i) {
    LiveChildren();  // reaps the caller, then its helper (orphans land here)
    usleep(10000);
  }
  CHECK(kill(orphaned, 0) < 0);
  std::vector<pid_t> left;  // the helper exits just after its process
  for (int i = 0; i < 200; ++i) {
    left = LiveChildren();
    if (left == children) break;
    usleep(10000);
  }
  CHECK(left == children);
  CHECK(OpenFdCount() == fds);
  CHECK(f.rt->ExecStart(f.id, {{""}}).status().code() == Code::kInvalid);
  CHECK(f.rt->ExecStart("no-such-box", {{"true"}}).status().code() == Code::kNotFound);
  prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
}

TEST_CASE("a fault at any system call of a TTY exec leaves no process and no fd behind",
          "[privileged][integration]") {
  ExecFixture f;
  REQUIRE(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0);
  std::vector<pid_t> children = LiveChildren();
  int fds = OpenFdCount();
  ExecSpec spec{{"sh", "-c", "test -t 0 && cat"}};
  spec.tty = true;
  spec.open_stdin = true;
  bool fired = true;
  std::set<std::string> failed_calls;
  for (long n = 1; fired && n < 100; ++n) {
    FaultySys faulty(LinuxSysInstance(), n, EIO);
    bool ran = false;
    {
      auto rt = f.Open(&faulty);
      Result<ExecSession> session = rt->ExecStart(f.id, spec);
      if (session.ok()) {
        WriteAll(session->tty_fd(), "x\n\x04");
        auto exit = session->Wait(kPatience);
        ran = exit.ok() && exit->exit_code == 0;
      }
      INFO("fault at call " << n << " (" << faulty.fired_call() << "): " << session.status().ToString());
      fired = faulty.fired();
      CHECK((fired || ran));
      if (fired && !session.ok()) CHECK(session.status().sys_errno() == EIO);
    }
    failed_calls.insert(faulty.fired_call());
    CHECK(OpenFdCount() == fds);
    CHECK(LiveChildren() == children);
  }
  CHECK_FALSE(fired);
  for (const char* call : {"fork", "setns", "open", "setsid", "execveat"}) {
    INFO(call);
    CHECK(failed_calls.count(call) == 1);
  }
  prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
}

}  // namespace
}  // namespace skiff::runtime
