// Containers end to end on a busybox root: PID 1, namespaces, exit codes and
// signals, logs, exec. Privileged: CI runs as root, so these never skip.
#include "nodeagent/runtime/runtime.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <sstream>

#include "runtime_test_support.h"

namespace skiff::runtime {
namespace {

using testing::BuildBusyboxRootfs;
using testing::BusyboxSpec;
using testing::LogText;
using testing::OpenRuntime;
using testing::ReadFile;
using testing::RunToEnd;
using testing::ScratchDir;

struct Fixture {
  ScratchDir scratch;
  std::string rootfs = scratch.path() + "/rootfs";
  std::string state = scratch.path() + "/state";
  std::unique_ptr<Runtime> rt;
  Fixture() {
    BuildBusyboxRootfs(rootfs);
    rt = OpenRuntime(state);
  }
  std::string Stdout(const std::string& id) {
    return LogText(state + "/" + id + "/container.log", "stdout");
  }
};

TEST_CASE("a container's exit code and output come through", "[privileged][integration]") {
  Fixture f;
  auto spec = BusyboxSpec("exit-code", f.rootfs,
                          {"sh", "-c", "echo out-1; echo err-1 >&2; echo out-2; exit 7"});
  ContainerState state = RunToEnd(*f.rt, spec);
  CHECK(state.status == ContainerStatus::kStopped);
  CHECK(state.exit_code == 7);
  CHECK(state.signal == 0);
  CHECK(state.error.empty());
  CHECK(f.Stdout("exit-code") == "out-1\nout-2\n");
  CHECK(LogText(state.log_path, "stderr") == "err-1\n");
  REQUIRE(f.rt->Delete("exit-code").ok());
  CHECK_FALSE(std::filesystem::exists(f.state + "/exit-code"));
}

TEST_CASE("PID 1 is skiff-init and the process is its child", "[privileged][integration]") {
  Fixture f;
  auto spec = BusyboxSpec("pid-one", f.rootfs,
                          {"sh", "-c", "cat /proc/1/comm; echo ppid=$PPID; echo pid=$$; hostname"});
  ContainerState state = RunToEnd(*f.rt, spec);
  CHECK(state.exit_code == 0);
  CHECK(f.Stdout("pid-one") == "skiff-init\nppid=1\npid=2\nbox-pid-one\n");
  REQUIRE(f.rt->Delete("pid-one").ok());
}

TEST_CASE("a container in a new network namespace has lo up and can reach itself", "[privileged][integration]") {
  Fixture f;
  auto spec = BusyboxSpec("lo-up", f.rootfs,
                          {"sh", "-c",
                           "cat /sys/class/net/lo/flags; "
                           "(echo pong | nc -l -p 7070 &); sleep 0.2; nc 127.0.0.1 7070 </dev/null"});
  spec.namespaces.net.mode = NamespaceSpec::Mode::kNew;
  ContainerState state = RunToEnd(*f.rt, spec);
  CHECK(state.exit_code == 0);
  CHECK(f.Stdout("lo-up") == "0x9\npong\n");  // IFF_UP | IFF_LOOPBACK
  REQUIRE(f.rt->Delete("lo-up").ok());
}

TEST_CASE("a container sees only its own processes and mounts", "[privileged][integration]") {
  Fixture f;
  auto spec = BusyboxSpec("own-view", f.rootfs,
                          {"sh", "-c", "ls /proc | grep -c '^[0-9]'; cat /proc/mounts"});
  ContainerState state = RunToEnd(*f.rt, spec);
  CHECK(state.exit_code == 0);
  std::istringstream out(f.Stdout("own-view"));
  int processes = 0;
  out >> processes;
  CHECK(processes <= 4);  // init, sh, ls, grep
  std::string mounts((std::istreambuf_iterator<char>(out)), {});
  CHECK(mounts.find("overlay / overlay") != std::string::npos);
  CHECK(mounts.find("proc /proc proc") != std::string::npos);
  CHECK(mounts.find("devpts /dev/pts") != std::string::npos);
  CHECK(mounts.find("sysfs /sys sysfs ro") != std::string::npos);
  std::istringstream lines(mounts);
  std::string line;
  while (std::getline(lines, line)) {  // every mount point is a path of the container
    std::istringstream fields(line);
    std::string source, point;
    fields >> source >> point;
    CHECK(point.find(f.scratch.path()) == std::string::npos);
  }
  REQUIRE(f.rt->Delete("own-view").ok());
}

TEST_CASE("masked and read-only paths and a read-only root", "[privileged][integration]") {
  Fixture f;
  auto spec = BusyboxSpec("hardened", f.rootfs,
                          {"sh", "-c",
                           "wc -c < /proc/timer_list; ls /sys/firmware | wc -l; "
                           "touch /proc/sys/kernel/x 2>/dev/null && echo sys-writable; "
                           "touch /probe 2>/dev/null && echo root-writable; "
                           "touch /tmp/x 2>/dev/null || echo tmp-readonly; "
                           "ls /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty "
                           "/dev/ptmx /dev/shm /dev/pts/ptmx /dev/fd -d | wc -l"});
  spec.rootfs.readonly = true;
  ContainerState state = RunToEnd(*f.rt, spec);
  CHECK(state.exit_code == 0);
  CHECK(f.Stdout("hardened") == "0\n0\ntmp-readonly\n10\n");
  REQUIRE(f.rt->Delete("hardened").ok());
}

TEST_CASE("bind and tmpfs mounts, read-only when asked", "[privileged][integration]") {
  Fixture f;
  std::string host = f.scratch.path() + "/volume";
  std::filesystem::create_directories(host);
  std::ofstream(host + "/greeting") << "hello from the host\n";
  auto spec = BusyboxSpec("volumes", f.rootfs,
                          {"sh", "-c",
                           "cat /mnt/ro/greeting; touch /mnt/ro/x 2>/dev/null || echo ro; "
                           "echo written > /mnt/rw/new; touch /scratch/y && echo tmpfs"});
  spec.mounts.push_back({MountSpec::Type::kBind, host, "/mnt/ro", true, ""});
  spec.mounts.push_back({MountSpec::Type::kBind, host, "/mnt/rw", false, ""});
  spec.mounts.push_back({MountSpec::Type::kTmpfs, "", "/scratch", false, "size=1m"});
  ContainerState state = RunToEnd(*f.rt, spec);
  CHECK(state.exit_code == 0);
  CHECK(f.Stdout("volumes") == "hello from the host\nro\ntmpfs\n");
  CHECK(ReadFile(host + "/new") == "written\n");
  REQUIRE(f.rt->Delete("volumes").ok());
}

TEST_CASE("signals reach the process and Stop escalates to SIGKILL", "[privileged][integration]") {
  Fixture f;
  REQUIRE(f.rt->Create(BusyboxSpec("term", f.rootfs, {"sleep", "100"})).ok());
  REQUIRE(f.rt->Start("term").ok());
  CHECK(f.rt->State("term")->status == ContainerStatus::kRunning);
  REQUIRE(f.rt->Kill("term", SIGTERM).ok());
  auto state = f.rt->Wait("term", std::chrono::seconds(10));
  REQUIRE(state.ok());
  CHECK(state->signal == SIGTERM);
  CHECK(state->exit_code == 128 + SIGTERM);

  auto stubborn = BusyboxSpec("stubborn", f.rootfs,
                              {"sh", "-c", "trap '' TERM; echo ready; while true; do sleep 1; done"});
  REQUIRE(f.rt->Create(stubborn).ok());
  REQUIRE(f.rt->Start("stubborn").ok());
  for (int i = 0; i < 100 && f.Stdout("stubborn").empty(); ++i) usleep(20000);
  auto begin = std::chrono::steady_clock::now();
  REQUIRE(f.rt->Stop("stubborn", std::chrono::milliseconds(300)).ok());
  CHECK(std::chrono::steady_clock::now() - begin >= std::chrono::milliseconds(300));
  state = f.rt->State("stubborn");
  REQUIRE(state.ok());
  CHECK(state->status == ContainerStatus::kStopped);
  CHECK(state->signal == SIGKILL);
  CHECK(f.rt->Kill("stubborn", SIGTERM).code() == Code::kConflict);
  REQUIRE(f.rt->Delete("term").ok());
  REQUIRE(f.rt->Delete("stubborn").ok());
}

TEST_CASE("exec runs in the container's namespaces", "[privileged][integration]") {
  Fixture f;
  REQUIRE(f.rt->Create(BusyboxSpec("exec", f.rootfs, {"sleep", "100"})).ok());
  REQUIRE(f.rt->Start("exec").ok());
  auto r = f.rt->Exec("exec", {{"sh", "-c", "hostname; cat /proc/1/comm; ls /proc | grep -c '^[0-9]'"}});
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  CHECK(r->exit_code == 0);
  std::istringstream out(r->stdout_data);
  std::string hostname, init;
  int processes = 0;
  out >> hostname >> init >> processes;
  CHECK(hostname == "box-exec");
  CHECK(init == "skiff-init");
  CHECK(processes <= 6);  // init, sleep, sh, ls, grep
  auto code = f.rt->Exec("exec", {{"sh", "-c", "echo oops >&2; exit 3"}});
  REQUIRE(code.ok());
  CHECK(code->exit_code == 3);
  CHECK(code->stderr_data == "oops\n");
  auto custom = f.rt->Exec("exec", {{"sh", "-c", "pwd; echo $GREETING"}, {"GREETING=hi"}, "/tmp"});
  REQUIRE(custom.ok());
  CHECK(custom->stdout_data == "/tmp\nhi\n");
  auto missing = f.rt->Exec("exec", {{"no-such-program"}});
  CHECK(missing.status().sys_errno() == ENOENT);
  REQUIRE(f.rt->Delete("exec", /*force=*/true).ok());
}

TEST_CASE("create, start and delete report their errors", "[privileged][integration]") {
  Fixture f;
  auto bad = BusyboxSpec("bad", f.rootfs, {});
  Status invalid = f.rt->Create(bad);
  CHECK(invalid.code() == Code::kInvalid);
  CHECK_FALSE(std::filesystem::exists(f.state + "/bad"));

  auto missing = BusyboxSpec("missing", f.rootfs, {"/bin/nope"});
  Status s = f.rt->Create(missing);
  CHECK(s.sys_errno() == ENOENT);
  CHECK(s.message().find("find executable /bin/nope") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(f.state + "/missing"));

  REQUIRE(f.rt->Create(BusyboxSpec("twice", f.rootfs, {"true"})).ok());
  CHECK(f.rt->Create(BusyboxSpec("twice", f.rootfs, {"true"})).code() == Code::kAlreadyExists);
  CHECK(f.rt->State("twice")->status == ContainerStatus::kCreated);
  CHECK(f.rt->Delete("twice").code() == Code::kConflict);
  REQUIRE(f.rt->Delete("twice", /*force=*/true).ok());
  CHECK(f.rt->State("twice").status().code() == Code::kNotFound);
  CHECK(f.rt->Start("nobody").code() == Code::kNotFound);
  CHECK(f.rt->Delete("nobody").code() == Code::kNotFound);

  // What a caller killed in the middle of Create leaves: a directory, no state.json.
  std::filesystem::create_directories(f.state + "/interrupted/rootfs");
  CHECK(f.rt->Create(BusyboxSpec("interrupted", f.rootfs, {"true"})).code() ==
        Code::kAlreadyExists);
  REQUIRE(f.rt->Delete("interrupted").ok());
  CHECK_FALSE(std::filesystem::exists(f.state + "/interrupted"));
  CHECK(RunToEnd(*f.rt, BusyboxSpec("interrupted", f.rootfs, {"true"})).exit_code == 0);
  REQUIRE(f.rt->Delete("interrupted").ok());
}

TEST_CASE("the container outlives a SIGKILLed caller and is re-attached", "[privileged][integration]") {
  Fixture f;
  f.rt.reset();
  int ready[2];
  REQUIRE(pipe(ready) == 0);
  pid_t caller = fork();
  if (caller == 0) {
    auto rt = OpenRuntime(f.state);
    auto spec = BusyboxSpec("survivor", f.rootfs,
                            {"sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.05; done"});
    bool ok = rt->Create(spec).ok() && rt->Start("survivor").ok();
    (void)!write(ready[1], ok ? "y" : "n", 1);
    pause();
    _exit(0);
  }
  close(ready[1]);
  char answer = 0;
  REQUIRE(read(ready[0], &answer, 1) == 1);
  close(ready[0]);
  kill(caller, SIGKILL);
  waitpid(caller, nullptr, 0);
  REQUIRE(answer == 'y');

  auto rt = OpenRuntime(f.state);
  auto state = rt->State("survivor");
  REQUIRE(state.ok());
  CHECK(state->status == ContainerStatus::kRunning);
  usleep(300000);
  auto listed = rt->List();
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  auto r = rt->Exec("survivor", {{"echo", "still here"}});
  REQUIRE(r.ok());
  CHECK(r->stdout_data == "still here\n");
  REQUIRE(rt->Stop("survivor", std::chrono::seconds(5)).ok());
  state = rt->State("survivor");
  CHECK(state->signal == SIGTERM);
  // Every tick the shell wrote reached the log, in order, as whole lines.
  std::istringstream ticks(LogText(state->log_path, "stdout"));
  std::string word;
  int expected = 0, n = 0;
  while (ticks >> word >> n) CHECK(n == expected++);
  CHECK(expected >= 3);
  REQUIRE(rt->Delete("survivor").ok());
}

}  // namespace
}  // namespace skiff::runtime

namespace skiff::runtime {
namespace {

TEST_CASE("the log is reopened after a rotation and no line is lost", "[privileged][integration]") {
  Fixture f;
  auto spec = BusyboxSpec("rotate", f.rootfs,
                          {"sh", "-c", "i=0; while [ $i -lt 60 ]; do echo $i; i=$((i+1)); sleep 0.01; done"});
  REQUIRE(f.rt->Create(spec).ok());
  REQUIRE(f.rt->Start("rotate").ok());
  std::string log = f.state + "/rotate/container.log";
  for (int i = 0; i < 200 && ReadFile(log).size() < 200; ++i) usleep(5000);
  REQUIRE(std::rename(log.c_str(), (log + ".1").c_str()) == 0);
  REQUIRE(f.rt->ReopenLog("rotate").ok());
  auto state = f.rt->Wait("rotate", std::chrono::seconds(20));
  REQUIRE(state.ok());
  CHECK(state->exit_code == 0);
  std::string before = LogText(log + ".1", "stdout"), after = LogText(log, "stdout");
  CHECK_FALSE(before.empty());
  CHECK_FALSE(after.empty());
  std::string expected;
  for (int i = 0; i < 60; ++i) expected += std::to_string(i) + "\n";
  CHECK(before + after == expected);
  REQUIRE(f.rt->Delete("rotate").ok());
  CHECK(f.rt->ReopenLog("rotate").code() == Code::kNotFound);
}

TEST_CASE("a container joins another's network, uts, ipc and pid namespaces by path",
          "[privileged][integration]") {
  Fixture f;
  REQUIRE(f.rt->Create(BusyboxSpec("pod", f.rootfs, {"sleep", "100"})).ok());
  REQUIRE(f.rt->Start("pod").ok());
  auto pod = f.rt->State("pod");
  REQUIRE(pod.ok());
  std::string ns = "/proc/" + std::to_string(pod->init_pid) + "/ns/";
  auto spec = BusyboxSpec("member", f.rootfs,
                          {"sh", "-c",
                           "hostname; readlink /proc/self/ns/net; readlink /proc/self/ns/ipc; "
                           "cat /proc/1/comm; echo $$"});
  spec.namespaces.net = {NamespaceSpec::Mode::kJoin, ns + "net"};
  spec.namespaces.uts = {NamespaceSpec::Mode::kJoin, ns + "uts"};
  spec.namespaces.ipc = {NamespaceSpec::Mode::kJoin, ns + "ipc"};
  spec.namespaces.pid = {NamespaceSpec::Mode::kJoin, ns + "pid"};
  ContainerState state = RunToEnd(*f.rt, spec);
  CHECK(state.exit_code == 0);
  char net[64], ipc[64];
  ssize_t n1 = readlink((ns + "net").c_str(), net, sizeof(net));
  ssize_t n2 = readlink((ns + "ipc").c_str(), ipc, sizeof(ipc));
  REQUIRE((n1 > 0 && n2 > 0));
  std::istringstream out(f.Stdout("member"));
  std::string hostname, member_net, member_ipc, pid1;
  int pid = 0;
  out >> hostname >> member_net >> member_ipc >> pid1 >> pid;
  CHECK(hostname == "box-pod");
  CHECK(member_net == std::string(net, static_cast<size_t>(n1)));
  CHECK(member_ipc == std::string(ipc, static_cast<size_t>(n2)));
  CHECK(pid1 == "skiff-init");  // the pod's init is PID 1 of the shared pid namespace
  CHECK(pid > 2);
  REQUIRE(f.rt->Delete("member").ok());
  REQUIRE(f.rt->Delete("pod", true).ok());
}

// The caller's lowest descriptors may be free when it creates a container (its
// other threads open and close files all the time); the start fifo of the
// container's child then lands on 3 or 4, where init's descriptors go.
TEST_CASE("a container starts when the caller's descriptors 3 and 4 are free",
          "[privileged][integration]") {
  ScratchDir scratch;
  std::string rootfs = scratch.path() + "/rootfs";
  BuildBusyboxRootfs(rootfs);
  std::string init = testing::InitBinary();
  pid_t pid = fork();
  if (pid == 0) {
    syscall(SYS_close_range, 3, ~0U, 0);
    int low[] = {open("/dev/null", O_RDONLY), open("/dev/null", O_RDONLY)};  // 3 and 4
    RuntimeOptions options;
    options.state_root = scratch.path() + "/state";
    options.init_binary = init;
    auto rt = Runtime::Open(options);
    if (!rt.ok()) _exit(10);
    for (int fd : low) close(fd);
    for (int i = 0; i < 3; ++i) {
      std::string id = "low-fds-" + std::to_string(i);
      if (!(*rt)->Create(BusyboxSpec(id, rootfs, {"true"})).ok()) _exit(11);
      if (!(*rt)->Start(id).ok()) _exit(12);
      auto state = (*rt)->Wait(id, std::chrono::seconds(20));
      if (!state.ok() || state->exit_code != 0) _exit(13);
      if (!(*rt)->Delete(id).ok()) _exit(14);
    }
    _exit(0);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

// Create returns while the monitor is still on its way to skiff-init: a
// ReopenLog at once must neither kill it nor lose the log.
TEST_CASE("ReopenLog right after Create keeps the monitor and the log",
          "[privileged][integration]") {
  Fixture f;
  for (int i = 0; i < 5; ++i) {
    std::string id = "reopen-early-" + std::to_string(i);
    REQUIRE(f.rt->Create(BusyboxSpec(id, f.rootfs, {"echo", "hi"})).ok());
    REQUIRE(f.rt->ReopenLog(id).ok());
    REQUIRE(f.rt->Start(id).ok());
    auto state = f.rt->Wait(id, std::chrono::seconds(20));
    REQUIRE(state.ok());
    CHECK(state->exit_code == 0);
    CHECK(state->error.empty());
    CHECK(f.Stdout(id) == "hi\n");
    REQUIRE(f.rt->Delete(id).ok());
  }
}

TEST_CASE("a log path that cannot be opened fails Create and leaves nothing",
          "[privileged][integration]") {
  Fixture f;
  auto spec = BusyboxSpec("bad-log", f.rootfs, {"true"});
  spec.log_path = f.scratch.path() + "/no-such-dir/bad.log";
  Status created = f.rt->Create(spec);
  INFO(created.ToString());
  CHECK(created.code() == Code::kInternal);
  CHECK(created.ToString().find("open the log " + spec.log_path) != std::string::npos);
  CHECK(created.sys_errno() == ENOENT);
  CHECK_FALSE(std::filesystem::exists(f.state + "/bad-log"));
  CHECK(f.rt->State("bad-log").status().code() == Code::kNotFound);
}

}  // namespace
}  // namespace skiff::runtime
