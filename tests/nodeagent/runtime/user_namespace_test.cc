// Containers in a user namespace of their own (hostUsers: false): root inside is
// uid 100000 outside, image files show as root through idmapped layers, host
// root's powers are gone, exec joins the namespace, limits still hold, and a
// fault at any system call leaves nothing behind. Privileged: CI runs as root.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "nodeagent/runtime/cgroups.h"
#include "nodeagent/runtime/faulty_sys.h"
#include "nodeagent/runtime/runtime.h"
#include "fault_loop.h"
#include "runtime_test_support.h"

namespace skiff::runtime {
namespace {

using testing::BuildBusyboxRootfs;
using testing::BusyboxSpec;
using testing::InitBinary;
using testing::LiveChildren;
using testing::LogText;
using testing::OpenRuntime;
using testing::RunFaultLoop;
using testing::ReadFile;
using testing::ReadProcFile;
using testing::RunToEnd;
using testing::ScratchDir;

constexpr uint32_t kHostRoot = 100000;

// A spec whose container ids 0..65535 are the host's 100000..165535.
ContainerSpec UsernsSpec(const std::string& id, const std::string& rootfs,
                         std::vector<std::string> args) {
  ContainerSpec spec = BusyboxSpec(id, rootfs, std::move(args));
  spec.namespaces.user.mode = NamespaceSpec::Mode::kNew;
  spec.namespaces.uid_mappings = {{0, kHostRoot, 65536}};
  spec.namespaces.gid_mappings = {{0, kHostRoot, 65536}};
  return spec;
}

struct UsernsFixture {
  ScratchDir scratch;
  std::string rootfs = scratch.path() + "/rootfs";
  std::string state = scratch.path() + "/state";
  std::unique_ptr<Runtime> rt;
  explicit UsernsFixture(Sys* sys = nullptr) {
    // The container's root reaches <state>/<id> by path; mkdtemp made the scratch 0700.
    chmod(scratch.path().c_str(), 0755);
    BuildBusyboxRootfs(rootfs);
    rt = OpenRuntime(state, sys);
  }
  std::string Stdout(const std::string& id) {
    return LogText(state + "/" + id + "/container.log", "stdout");
  }
  std::string Stderr(const std::string& id) {
    return LogText(state + "/" + id + "/container.log", "stderr");
  }
};

uid_t OwnerOf(const std::string& path) {
  struct stat st;
  REQUIRE(lstat(path.c_str(), &st) == 0);
  return st.st_uid;
}

TEST_CASE("in its own user namespace a container is root inside and 100000 outside",
          "[privileged][integration]") {
  UsernsFixture f;
  auto spec = UsernsSpec("userns-ids", f.rootfs,
                         {"sh", "-c",
                          "id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map; "
                          "stat -c %u:%g /bin/busybox /etc/hostname; touch /made-inside; "
                          "mkdir /root/dir; echo written > /root/dir/file"});
  ContainerState state = RunToEnd(*f.rt, spec);
  INFO(f.Stderr("userns-ids"));
  CHECK(state.exit_code == 0);
  CHECK(f.Stdout("userns-ids") ==
        "0\n0\n"
        "         0     100000      65536\n"
        "         0     100000      65536\n"
        "0:0\n0:0\n");
  std::string upper = f.state + "/userns-ids/upper";
  CHECK(OwnerOf(upper + "/made-inside") == kHostRoot);
  CHECK(OwnerOf(upper + "/root/dir/file") == kHostRoot);
  CHECK(ReadFile(upper + "/root/dir/file") == "written\n");
  // The image's files are untouched on the host: still root's.
  CHECK(OwnerOf(f.rootfs + "/bin/busybox") == 0);
  REQUIRE(f.rt->Delete("userns-ids").ok());
  CHECK_FALSE(std::filesystem::exists(f.state + "/userns-ids"));
}

TEST_CASE("in its own user namespace host root's powers are gone", "[privileged][integration]") {
  UsernsFixture f;
  // Every capability inside and no seccomp filter: what is refused is refused by
  // the kernel because the namespace does not own the host's objects. (Loading
  // a module is not tried: this project's kernels are built without modules.)
  std::string plain = f.scratch.path() + "/plain", mapped = f.scratch.path() + "/mapped";
  std::filesystem::create_directories(plain);
  std::filesystem::create_directories(mapped);
  std::ofstream(plain + "/host-file") << "host\n";
  std::filesystem::create_symlink("busybox", f.rootfs + "/bin/renice");
  std::filesystem::create_symlink("busybox", f.rootfs + "/bin/mknod");
  auto spec = UsernsSpec("userns-powers", f.rootfs,
                         {"sh", "-c",
                          "stat -c %u /plain/host-file /mapped; "
                          "touch /plain/new 2>/dev/null || echo plain-refused; "
                          "echo x >> /plain/host-file 2>/dev/null || echo append-refused; "
                          "touch /mapped/new && echo mapped-written; "
                          "mknod /tmp/null c 1 3 2>/dev/null || echo mknod-refused; "
                          "renice -n -5 -p $$ 2>/dev/null || echo renice-refused; "
                          "grep CapEff /proc/self/status"});
  spec.security.cap_add = {"ALL"};
  spec.security.seccomp = false;
  spec.mounts.push_back({MountSpec::Type::kBind, plain, "/plain", false, "", false});
  spec.mounts.push_back({MountSpec::Type::kBind, mapped, "/mapped", false, "", true});
  ContainerState state = RunToEnd(*f.rt, spec);
  INFO(f.Stderr("userns-powers"));
  CHECK(state.exit_code == 0);
  CHECK(f.Stdout("userns-powers") ==
        "65534\n0\n"  // unmapped host root shows as nobody; the idmapped volume as root
        "plain-refused\nappend-refused\nmapped-written\nmknod-refused\nrenice-refused\n"
        "CapEff:\t000001ffffffffff\n");
  CHECK(ReadFile(plain + "/host-file") == "host\n");
  CHECK_FALSE(std::filesystem::exists(plain + "/new"));
  // Through the idmapped volume the container's root writes as the host's root.
  CHECK(OwnerOf(mapped + "/new") == 0);
  REQUIRE(f.rt->Delete("userns-powers").ok());
}

TEST_CASE("a state root the container's root cannot search fails Create clearly",
          "[privileged][integration]") {
  ScratchDir scratch;  // mkdtemp: 0700, root's
  std::string rootfs = scratch.path() + "/rootfs", state = scratch.path() + "/state";
  BuildBusyboxRootfs(rootfs);
  auto rt = OpenRuntime(state);
  Status created = rt->Create(UsernsSpec("userns-locked", rootfs, {"true"}));
  CHECK_FALSE(created.ok());
  CHECK(created.message().find("cannot search a directory above its state " + scratch.path()) !=
        std::string::npos);
  CHECK_FALSE(std::filesystem::exists(state + "/userns-locked"));
}

TEST_CASE("in its own user namespace a container joins a network namespace the host owns",
          "[privileged][integration]") {
  UsernsFixture f;
  auto spec = UsernsSpec("userns-netjoin", f.rootfs,
                         {"sh", "-c",
                          "readlink /proc/self/ns/net; ls /sys/class/net | grep -c '^lo$'; "
                          "ip link set lo down 2>/dev/null || echo not-ours"});
  std::filesystem::create_symlink("busybox", f.rootfs + "/bin/ip");
  spec.namespaces.net = {NamespaceSpec::Mode::kJoin, "/proc/self/ns/net"};
  ContainerState state = RunToEnd(*f.rt, spec);
  INFO(f.Stderr("userns-netjoin"));
  CHECK(state.exit_code == 0);
  std::string ours = std::filesystem::read_symlink("/proc/self/ns/net").string();
  CHECK(f.Stdout("userns-netjoin") == ours + "\n1\nnot-ours\n");
  REQUIRE(f.rt->Delete("userns-netjoin").ok());
}

TEST_CASE("a plain root directory is idmapped too", "[privileged][integration]") {
  UsernsFixture f;
  auto spec = UsernsSpec("userns-plain", f.rootfs,
                         {"sh", "-c", "stat -c %u /bin/busybox; id -u; touch /x 2>&1 | wc -l"});
  spec.rootfs.lower_dirs.clear();
  spec.rootfs.plain_dir = f.rootfs;
  spec.rootfs.readonly = true;
  ContainerState state = RunToEnd(*f.rt, spec);
  INFO(f.Stderr("userns-plain"));
  CHECK(state.exit_code == 0);
  CHECK(f.Stdout("userns-plain") == "0\n0\n1\n");  // touch fails: the root is read-only
  REQUIRE(f.rt->Delete("userns-plain").ok());
}

TEST_CASE("exec joins the container's user namespace", "[privileged][integration]") {
  UsernsFixture f;
  auto spec = UsernsSpec("userns-exec", f.rootfs, {"sleep", "30"});
  spec.process.uid = 1000;
  spec.process.gid = 1000;
  REQUIRE(f.rt->Create(spec).ok());
  REQUIRE(f.rt->Start("userns-exec").ok());
  auto r = f.rt->Exec("userns-exec",
                      {{"sh", "-c", "id -u; id -g; cat /proc/self/uid_map; stat -c %u /proc/1"}});
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  INFO(r->stderr_data);
  CHECK(r->exit_code == 0);
  CHECK(r->stdout_data == "1000\n1000\n         0     100000      65536\n1000\n");
  auto state = f.rt->State("userns-exec");
  REQUIRE(state.ok());
  CHECK(ReadProcFile("/proc/" + std::to_string(state->init_pid) + "/status").find("Uid:\t101000") !=
        std::string::npos);
  REQUIRE(f.rt->Delete("userns-exec", true).ok());
}

TEST_CASE("in its own user namespace a container still runs in its cgroup and is OOM-killed",
          "[privileged][integration]") {
  ScratchDir scratch;
  chmod(scratch.path().c_str(), 0755);
  std::string rootfs = scratch.path() + "/rootfs";
  BuildBusyboxRootfs(rootfs);
  auto layout = DetectCgroupLayout();
  REQUIRE(layout.ok());
  CgroupOptions options;
  options.parent = "skiff-userns-test-" + std::to_string(getpid());
  RuntimeOptions ro;
  ro.state_root = scratch.path() + "/state";
  ro.init_binary = InitBinary();
  ro.cgroups = NewCgroupManager(*layout, options);
  auto opened = Runtime::Open(ro);
  REQUIRE(opened.ok());
  std::unique_ptr<Runtime> rt = std::move(*opened);
  auto spec = UsernsSpec("userns-hog", rootfs,
                         {"sh", "-c",
                          "grep -c userns-hog /proc/self/cgroup; "
                          "tail -c 200000000 /dev/zero"});
  spec.resources.memory_limit_bytes = 32 << 20;
  ContainerState state = RunToEnd(*rt, spec);
  CHECK(state.oom_killed);
  CHECK(state.exit_code == 128 + SIGKILL);
  CHECK(std::stoi(LogText(state.log_path, "stdout")) >= 1);
  REQUIRE(rt->Delete("userns-hog").ok());
  rt.reset();
  for (const auto& [controller, mount] : layout->v1_controllers) {
    rmdir((mount + "/" + options.parent).c_str());
  }
  if (!layout->unified.empty()) rmdir((layout->unified + "/" + options.parent).c_str());
}

TEST_CASE("in its own user namespace a fault at any system call leaves nothing behind",
          "[privileged][integration][slow]") {
  ScratchDir scratch;
  chmod(scratch.path().c_str(), 0755);
  std::string rootfs = scratch.path() + "/rootfs", state = scratch.path() + "/state";
  std::string volume = scratch.path() + "/volume";
  BuildBusyboxRootfs(rootfs);
  std::filesystem::create_directories(volume);
  auto spec = UsernsSpec("fault", rootfs, {"sh", "-c", "touch /made; ls /v /w >/dev/null"});
  spec.mounts.push_back({MountSpec::Type::kBind, volume, "/v", true, "", true});
  spec.mounts.push_back({MountSpec::Type::kBind, volume, "/w", true, "", false});
  std::set<std::string> failed_calls = RunFaultLoop(state, spec);
  std::string all;
  for (const std::string& c : failed_calls) all += c + " ";
  INFO("failed calls: " << all);
  // The user namespace's own steps, in the monitor and in the child.
  for (const char* call : {"fchownat", "fchmodat", "open_tree", "mount_setattr", "move_mount",
                           "setgroups", "setresuid", "write"}) {
    INFO(call);
    CHECK(failed_calls.count(call) == 1);
  }
  // The child waits (without a Sys call) until the monitor has sent the mounts,
  // so both ends of the hand-over are reached.
  CHECK(failed_calls.count("sendmsg") == 1);
  CHECK(failed_calls.count("recvmsg") == 1);
}

}  // namespace
}  // namespace skiff::runtime
