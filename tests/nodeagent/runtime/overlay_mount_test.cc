// The root overlay with many layers (issue 15, finding 1). mount(2) used to get
// every layer's absolute path in one option string, which the kernel cuts at a
// page: with the layers on a file system other than "/" and a root of 15 or 135
// characters, 45 layers ended the list on a bare "/" and the container read the
// host's root; with the default root (25 characters) more than ~38 layers did
// not start at all. These run images laid out as the image store lays them out
// (<root>/images/layers/<64 hex>) under roots of those lengths.
#include "nodeagent/runtime/overlay_mount.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "nodeagent/runtime/container_spec.h"
#include "nodeagent/runtime/faulty_sys.h"
#include "runtime_test_support.h"

namespace skiff::runtime {
namespace {

namespace fs = std::filesystem;
using testing::BuildBusyboxRootfs;
using testing::BusyboxSpec;
using testing::LogText;
using testing::OpenRuntime;
using testing::RunToEnd;

// The option string the runtime used to hand mount(2), and what the kernel kept of it.
std::string OldOverlayOptions(const std::vector<std::string>& lowers, const std::string& upper,
                              const std::string& work) {
  std::string data = "lowerdir=";
  for (size_t i = 0; i < lowers.size(); ++i) data += (i ? ":" : "") + lowers[i];
  return data + ",upperdir=" + upper + ",workdir=" + work;
}
std::string KernelKept(const std::string& data) { return data.substr(0, kMaxMountDataLength); }

// The image store's layer directories under a root: topmost first.
std::vector<std::string> LayerPaths(const std::string& root, size_t count) {
  std::vector<std::string> out;
  for (size_t i = 0; i < count; ++i) {
    char hex[65];
    snprintf(hex, sizeof hex, "%064zx", count - i);  // one digest-like name per layer
    out.push_back(root + "/images/layers/" + hex);
  }
  return out;
}

// Whether the old option string, for `count` layers under a root of `length`
// characters, ends on the host's root once the kernel has cut it.
bool OldCutLandsOnSlash(size_t length, size_t count) {
  std::string root(length, 'r');
  root[0] = '/';
  std::string dir = root + "/state/many";
  std::string kept =
      KernelKept(OldOverlayOptions(LayerPaths(root, count), dir + "/upper", dir + "/work"));
  return kept.ends_with(":/");
}

// A file on the host's "/" only: a container must never see it.
class HostRootSentinel {
 public:
  HostRootSentinel() {
    char name[] = "/skiff-hostile-sentinel-XXXXXX";
    int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    close(fd);
    path_ = name;
  }
  ~HostRootSentinel() { unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A root directory of exactly `length` characters, on a tmpfs of its own when
// asked (then the layers are not on the host's root file system), removed
// (and unmounted) at scope exit.
class SizedRoot {
 public:
  SizedRoot(size_t length, bool tmpfs) {
    char base[] = "/tmp/skXXXXXX";
    REQUIRE(mkdtemp(base) != nullptr);
    base_ = base;
    REQUIRE(length > base_.size() + 1);
    chmod(base, 0755);  // a container's own root walks to its state by path
    if (tmpfs) {
      REQUIRE(mount("tmpfs", base, "tmpfs", MS_NOSUID | MS_NODEV, "size=256m,mode=755") == 0);
      mounted_ = true;
    }
    path_ = base_ + "/" + std::string(length - base_.size() - 1, 'r');
    REQUIRE(path_.size() == length);
    fs::create_directories(path_);
  }
  ~SizedRoot() {
    std::error_code ec;
    if (mounted_) umount2(base_.c_str(), MNT_DETACH);
    fs::remove_all(base_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string base_, path_;
  bool mounted_ = false;
};

// `count` layers under root: the topmost holds busybox, each one a file
// /layers/<i> of its own.
std::vector<std::string> MakeLayers(const std::string& root, size_t count) {
  std::vector<std::string> layers = LayerPaths(root, count);
  BuildBusyboxRootfs(layers[0]);
  for (size_t i = 0; i < count; ++i) {
    fs::create_directories(layers[i] + "/layers");
    std::ofstream(layers[i] + "/layers/" + std::to_string(i)) << i << "\n";
  }
  return layers;
}

// Runs an image of `count` layers from a state root under root; returns stdout.
// own_userns: in a user namespace of its own, root inside being 100000 outside.
std::string RunManyLayers(const std::string& root, size_t count, const std::string& sentinel,
                          Sys* sys = nullptr, bool own_userns = false) {
  std::vector<std::string> layers = MakeLayers(root, count);
  std::string state = root + "/state";
  auto rt = OpenRuntime(state, sys);
  ContainerSpec spec = BusyboxSpec("many", layers[0],
                                   {"sh", "-c",
                                    "test -e " + sentinel +
                                        " && echo host-root-visible; ls /layers | wc -l; "
                                        "touch /written && echo writable"});
  spec.rootfs.lower_dirs = layers;
  if (own_userns) {
    spec.namespaces.user.mode = NamespaceSpec::Mode::kNew;
    spec.namespaces.uid_mappings = {{0, 100000, 65536}};
    spec.namespaces.gid_mappings = {{0, 100000, 65536}};
  }
  ContainerState end = RunToEnd(*rt, spec);
  std::string out = LogText(state + "/many/container.log", "stdout");
  CHECK(end.exit_code == 0);
  REQUIRE(rt->Delete("many", true).ok());
  return out;
}

std::string Expected(size_t count) { return std::to_string(count) + "\nwritable\n"; }

TEST_CASE("the old overlay option string ended on the host's root at root lengths 15 and 135",
          "[hostile]") {
  // The reproduction of the report, for the layout LayerPaths builds: the lengths
  // the tests below run at are the ones where the cut made "/" a layer.
  std::vector<size_t> hits;
  for (size_t length = 14; length <= 300; ++length) {
    if (OldCutLandsOnSlash(length, 45)) hits.push_back(length);
  }
  CHECK(hits == std::vector<size_t>{15, 135});
  // And the default root (/var/lib/skiff/containers) lost layers from 39 on.
  std::string root = "/var/lib/skiff/containers";
  CHECK(OldOverlayOptions(LayerPaths(root, 38), root + "/state/x/upper", root + "/state/x/work")
            .size() <= kMaxMountDataLength);
  CHECK(OldOverlayOptions(LayerPaths(root, 39), root + "/state/x/upper", root + "/state/x/work")
            .size() > kMaxMountDataLength);
}

TEST_CASE("45 layers under a state root where the old cut hit '/' never show the host's root",
          "[hostile][privileged][integration]") {
  HostRootSentinel sentinel;
  for (size_t length : {size_t{15}, size_t{135}}) {
    INFO("root of " << length << " characters");
    REQUIRE(OldCutLandsOnSlash(length, 45));
    SizedRoot root(length, true);
    CHECK(RunManyLayers(root.path(), 45, sentinel.path()) == Expected(45));
  }
}

TEST_CASE("an image of 100 layers starts from a root of the default length",
          "[hostile][privileged][integration]") {
  HostRootSentinel sentinel;
  SizedRoot root(std::string("/var/lib/skiff/containers").size(), false);
  CHECK(RunManyLayers(root.path(), 100, sentinel.path()) == Expected(100));
}

TEST_CASE("without layers by descriptor in the new mount API, mount(2) still takes 100 layers",
          "[hostile][privileged][integration]") {
  HostRootSentinel sentinel;
  // fsopen missing (before 5.2), or "lowerdir+" refused for a descriptor (before 6.13).
  for (auto [call, err] : {std::pair{"fsopen", ENOSYS}, std::pair{"fsconfig", EINVAL}}) {
    INFO(call << " fails with " << err);
    FaultySys old_kernel(LinuxSysInstance(), call, err);
    SizedRoot root(15, true);
    CHECK(RunManyLayers(root.path(), 100, sentinel.path(), &old_kernel) == Expected(100));
    CHECK(old_kernel.fired());
  }
}

TEST_CASE("100 layers in a user namespace of the container's own, with and without fsopen",
          "[hostile][privileged][integration]") {
  HostRootSentinel sentinel;
  FaultySys old_kernel(LinuxSysInstance(), "fsopen", ENOSYS);
  for (Sys* sys : {&LinuxSysInstance(), static_cast<Sys*>(&old_kernel)}) {
    INFO((sys == &old_kernel ? "mount(2)" : "new mount API"));
    SizedRoot root(15, true);
    CHECK(RunManyLayers(root.path(), 100, sentinel.path(), sys, true) == Expected(100));
  }
  CHECK(old_kernel.fired());
}

TEST_CASE("more layers than overlayfs stacks are refused with the count and the limit",
          "[hostile]") {
  ContainerSpec spec = BusyboxSpec("deep", "/l", {"true"});
  spec.rootfs.lower_dirs = LayerPaths("/var/lib/skiff/containers", kMaxOverlayLayers);
  CHECK(ValidateSpec(spec).ok());
  spec.rootfs.lower_dirs = LayerPaths("/var/lib/skiff/containers", kMaxOverlayLayers + 1);
  Status s = ValidateSpec(spec);
  CHECK(s.code() == Code::kInvalid);
  CHECK_THAT(s.ToString(), Catch::Contains("501 layers") && Catch::Contains("at most 500"));
}

TEST_CASE("the mount(2) options for the most layers fit in a page", "[hostile]") {
  std::vector<int> fds(kMaxOverlayLayers, 9999);  // the widest descriptors we allow for
  std::string data = FdOverlayOptions(fds, 9998, 9997);
  CHECK(data.size() <= kMaxMountDataLength);
  CHECK(FdOverlayOptions({12, 13}, 10, 11) == "lowerdir=12:13,upperdir=10,workdir=11");
}

// Runs fn in a child with a mount namespace of its own (so nothing it mounts
// outlives it); returns its exit code.
template <typename Fn>
int InOwnMountNamespace(Fn fn) {
  pid_t pid = fork();
  if (pid == 0) {
    if (unshare(CLONE_NEWNS) < 0 ||
        mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) {
      _exit(100);
    }
    _exit(fn());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 200;
}

// 0 when VerifyOverlay accepts the mount on dir, 1 when it refuses it, 2+ on setup errors.
int Verdict(const std::string& dir, const std::string& work) {
  int fd = open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return 2;
  StepError e = VerifyOverlay(fd, work);
  close(fd);
  return e.ok() ? 0 : e.err == EPROTO ? 1 : 3;
}

TEST_CASE("a root mount that lost its upper or work directory is refused",
          "[hostile][privileged]") {
  testing::ScratchDir dir;
  std::string d = dir.path();
  for (const char* sub : {"lower", "lower2", "upper", "work", "mnt"}) {
    fs::create_directories(d + "/" + sub);
  }
  std::string full = "lowerdir=" + d + "/lower,upperdir=" + d + "/upper,workdir=" + d + "/work";
  // What a cut option string left: layers without upperdir and workdir.
  std::string cut = "lowerdir=" + d + "/lower:" + d + "/lower2";
  auto with = [&](const char* type, const std::string& data) {
    return InOwnMountNamespace([&] {
      std::string mnt = d + "/mnt";
      if (mount(type, mnt.c_str(), type, 0, data.c_str()) < 0) return 4;
      return Verdict(mnt, d + "/work");
    });
  };
  CHECK(with("overlay", full) == 0);
  CHECK(with("overlay", cut) == 1);
  CHECK(with("tmpfs", "size=1m") == 1);
}

}  // namespace
}  // namespace skiff::runtime
