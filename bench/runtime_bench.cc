// runtime_bench: start-to-exit of /bin/true on a busybox root, skiff's runtime
// against crun and runc (Debian's) on the same root filesystem, alternated in
// one run; then N of our containers started at once.
//
//   runtime_bench --init <build>/bin/skiff-init [--runs 30] [--concurrent 100] [--no-peers]
//
// Every runtime creates a cgroup (ours through CgroupManager). crun refuses this
// project's hybrid hosts because some v1 controllers (hugetlb, net_cls, ...) are
// not mounted; the bench therefore runs in a private mount namespace with a fresh
// tmpfs on /sys/fs/cgroup where every v1 controller is mounted, and everything
// goes away with the namespace. Must run as root. Prints figures, asserts nothing.
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "nodeagent/runtime/cgroups.h"
#include "nodeagent/runtime/runtime.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using skiff::runtime::ContainerSpec;
using skiff::runtime::Runtime;

namespace {

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
  return v[i];
}

void BuildRootfs(const std::string& dir) {
  fs::create_directories(dir + "/bin");
  for (const char* d : {"proc", "dev", "sys", "tmp", "etc"}) fs::create_directories(dir + "/" + d);
  fs::copy_file("/bin/busybox", dir + "/bin/busybox", fs::copy_options::overwrite_existing);
  for (const char* a : {"true", "sh"}) fs::create_symlink("busybox", dir + "/bin/" + a);
}

// The OCI bundle crun and runc run: `crun spec` with our root and /bin/true.
bool BuildBundle(const std::string& bundle, const std::string& rootfs) {
  fs::create_directories(bundle);
  std::string cmd = "cd '" + bundle + "' && crun spec";
  if (system(cmd.c_str()) != 0) return false;
  nlohmann::json config;
  std::ifstream(bundle + "/config.json") >> config;
  config["root"]["path"] = rootfs;
  config["root"]["readonly"] = false;
  config["process"]["args"] = {"/bin/true"};
  config["process"]["terminal"] = false;
  std::ofstream(bundle + "/config.json") << config.dump(2);
  return true;
}

bool MountCgroup(const std::string& dir, const char* type, const char* options) {
  fs::create_directories(dir);
  return mount("cgroup", dir.c_str(), type, 0, options) == 0;
}

// A private /sys/fs/cgroup where every v1 controller the kernel has is mounted.
bool PrivateCgroupMounts() {
  if (unshare(CLONE_NEWNS) < 0 || mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) {
    perror("private mount namespace");
    return false;
  }
  const std::string root = "/sys/fs/cgroup";
  if (mount("tmpfs", root.c_str(), "tmpfs", 0, "mode=755") < 0) return false;
  std::ifstream in("/proc/cgroups");
  std::string line;
  std::getline(in, line);
  std::map<int, std::vector<std::string>> by_hierarchy;
  while (std::getline(in, line)) {
    char name[64];
    int hierarchy, count, enabled;
    if (sscanf(line.c_str(), "%63s %d %d %d", name, &hierarchy, &count, &enabled) == 4 && enabled) {
      by_hierarchy[hierarchy].push_back(name);
    }
  }
  for (auto& [hierarchy, names] : by_hierarchy) {
    for (const std::string& name : names) {
      // Controllers sharing a hierarchy must be mounted together (none here).
      if (!MountCgroup(root + "/" + name, "cgroup", name.c_str())) {
        fprintf(stderr, "mount cgroup %s: %s\n", name.c_str(), strerror(errno));
        return false;
      }
    }
  }
  return MountCgroup(root + "/systemd", "cgroup", "none,name=systemd") &&
         MountCgroup(root + "/unified", "cgroup2", nullptr);
}

// Runs argv with output to /dev/null; true when it exits 0.
bool RunCommand(const std::vector<std::string>& args) {
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// "b12"; built by appending (GCC 12 warns, wrongly, on "b" + std::to_string(i)).
std::string Id(const char* prefix, int i) {
  std::string id = prefix;
  id += std::to_string(i);
  return id;
}

bool RunOurs(Runtime& rt, const std::string& rootfs, const std::string& id) {
  ContainerSpec spec;
  spec.id = id;
  spec.rootfs.plain_dir = rootfs;
  spec.process.args = {"/bin/true"};
  spec.process.env = {"PATH=/bin"};
  if (!rt.Create(spec).ok()) return false;
  bool ok = rt.Start(id).ok();
  auto state = rt.Wait(id, std::chrono::seconds(30));
  ok = ok && state.ok() && state->exit_code == 0;
  // Also after a failed Start: a cgroup left behind would fail every later run
  // of this id (the v1 hierarchies outlive the bench's mount namespace).
  return rt.Delete(id, true).ok() && ok;
}

// CPU time (user + system) of this process and every reaped descendant. The
// bench is a child subreaper, so monitors and containers end up reaped here.
double CpuMs() {
  while (waitpid(-1, nullptr, WNOHANG) > 0) {
  }
  double total = 0;
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage u;
    getrusage(who, &u);
    total += (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 +
             (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
  }
  return total;
}

void Report(const char* name, const std::vector<double>& ms) {
  if (ms.empty()) {
    printf("%-8s no successful run\n", name);
    return;
  }
  printf("%-8s n=%3zu  median %7.2f ms  p10 %7.2f  p90 %7.2f  min %7.2f  max %7.2f\n", name,
         ms.size(), Percentile(ms, 0.5), Percentile(ms, 0.1), Percentile(ms, 0.9),
         *std::min_element(ms.begin(), ms.end()), *std::max_element(ms.begin(), ms.end()));
}

}  // namespace

int main(int argc, char** argv) {
  std::string init;
  int runs = 30, concurrent = 100;
  bool peers = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--init" && i + 1 < argc) init = argv[++i];
    else if (a == "--runs" && i + 1 < argc) runs = atoi(argv[++i]);
    else if (a == "--concurrent" && i + 1 < argc) concurrent = atoi(argv[++i]);
    else if (a == "--no-peers") peers = false;
    else {
      fprintf(stderr, "usage: runtime_bench --init SKIFF_INIT [--runs N] [--concurrent N] [--no-peers]\n");
      return 2;
    }
  }
  if (init.empty()) init = (fs::path(argv[0]).parent_path() / "skiff-init").string();
  init = fs::absolute(init).string();
  if (!PrivateCgroupMounts()) return 1;
  char tmpl[] = "/tmp/skiff-rtbench-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::string rootfs = dir + "/rootfs";
  BuildRootfs(rootfs);
  if (peers && !BuildBundle(dir + "/bundle", rootfs)) peers = false;

  auto layout = skiff::runtime::DetectCgroupLayout();
  if (!layout.ok()) {
    fprintf(stderr, "%s\n", layout.status().ToString().c_str());
    return 1;
  }
  skiff::runtime::CgroupOptions cg;
  cg.parent = "skiff-bench";
  skiff::runtime::RuntimeOptions options;
  options.state_root = dir + "/state";
  options.init_binary = init;
  options.cgroups = skiff::runtime::NewCgroupManager(*layout, cg);
  auto opened = Runtime::Open(options);
  if (!opened.ok()) {
    fprintf(stderr, "%s\n", opened.status().ToString().c_str());
    return 1;
  }
  Runtime& rt = **opened;

  std::map<std::string, std::function<bool(int)>> runners = {
      {"skiff", [&](int i) { return RunOurs(rt, rootfs, Id("b", i)); }}};
  if (peers) {
    for (const char* peer : {"crun", "runc"}) {
      runners[peer] = [&, peer](int i) {
        return RunCommand({peer, "run", "--bundle", dir + "/bundle",
                           std::string(peer) + "-bench-" + std::to_string(i)});
      };
    }
  }
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  std::map<std::string, std::vector<double>> times, cpu;
  std::vector<std::string> order;
  for (auto& [name, fn] : runners) order.push_back(name);
  for (int i = 0; i < runs; ++i) {
    std::rotate(order.begin(), order.begin() + 1, order.end());
    for (const std::string& name : order) {
      double cpu_before = CpuMs();
      auto begin = Clock::now();
      bool ok = runners[name](i);
      auto took = Clock::now() - begin;
      usleep(2000);  // let the last processes of the run exit, so CpuMs reaps them
      if (ok) times[name].push_back(Ms(took));
      if (ok) cpu[name].push_back(CpuMs() - cpu_before);
      else fprintf(stderr, "%s run %d failed\n", name.c_str(), i);
    }
  }
  printf("start-to-exit of /bin/true, busybox root, %d alternated runs each:\n", runs);
  for (auto& [name, ms] : times) Report(name.c_str(), ms);
  printf("CPU time (user+system, every process of the run) per container:\n");
  for (auto& [name, ms] : cpu) Report(name.c_str(), ms);

  std::vector<double> latencies(concurrent, -1);
  auto begin = Clock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < concurrent; ++i) {
    threads.emplace_back([&, i] {
      auto start = Clock::now();
      if (RunOurs(rt, rootfs, Id("c", i))) latencies[i] = Ms(Clock::now() - start);
    });
  }
  for (std::thread& t : threads) t.join();
  double wall = Ms(Clock::now() - begin);
  std::vector<double> ok;
  for (double l : latencies) {
    if (l >= 0) ok.push_back(l);
  }
  printf("%d skiff containers started at once (create+start+wait+delete), wall %.1f ms:\n",
         concurrent, wall);
  Report("skiff", ok);
  opened->reset();
  for (const auto& [controller, mount] : layout->v1_controllers) {
    rmdir((mount + "/" + cg.parent).c_str());
  }
  if (!layout->unified.empty()) rmdir((layout->unified + "/" + cg.parent).c_str());
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
