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

bool Failed(const std::string& id, const skiff::Status& s) {
  fprintf(stderr, "%s: %s\n", id.c_str(), s.ToString().c_str());
  return false;
}

// Where one of our runs spent its wall time, in ms.
struct Phases {
  double create = 0, start = 0, wait = 0, remove = 0;
};

// overlay: the root as the image store hands it out, overlayfs with `rootfs` as
// the only lower layer and an upper and work directory in the state directory.
bool RunOurs(Runtime& rt, const std::string& rootfs, const std::string& id,
             Phases* phases = nullptr, bool overlay = false) {
  ContainerSpec spec;
  spec.id = id;
  if (overlay) spec.rootfs.lower_dirs = {rootfs};
  else spec.rootfs.plain_dir = rootfs;
  spec.process.args = {"/bin/true"};
  spec.process.env = {"PATH=/bin"};
  Phases local;
  Phases& p = phases ? *phases : local;
  auto t0 = Clock::now();
  skiff::Status created = rt.Create(spec);
  if (!created.ok()) return Failed(id, created);
  auto t1 = Clock::now();
  skiff::Status started = rt.Start(id);
  auto t2 = Clock::now();
  auto state = rt.Wait(id, std::chrono::seconds(30));
  auto t3 = Clock::now();
  // Also after a failed Start: a cgroup left behind would fail every later run
  // of this id (the v1 hierarchies outlive the bench's mount namespace).
  skiff::Status deleted = rt.Delete(id, true);
  if (!started.ok()) return Failed(id, started);
  if (!state.ok()) return Failed(id, state.status());
  if (state->exit_code != 0) return Failed(id, skiff::Status::Internal("exit code " + std::to_string(state->exit_code) + " " + state->error));
  if (!deleted.ok()) return Failed(id, deleted);
  p = {Ms(t1 - t0), Ms(t2 - t1), Ms(t3 - t2), Ms(Clock::now() - t3)};
  return true;
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
    printf("%-9s no successful run\n", name);
    return;
  }
  printf("%-9s n=%3zu  median %7.2f ms  p10 %7.2f  p90 %7.2f  p99 %7.2f  min %7.2f  max %7.2f\n",
         name, ms.size(), Percentile(ms, 0.5), Percentile(ms, 0.1), Percentile(ms, 0.9),
         Percentile(ms, 0.99), *std::min_element(ms.begin(), ms.end()),
         *std::max_element(ms.begin(), ms.end()));
}

// The floor: clone with the five namespaces a container gets, exec /bin/true
// (the host's, no root filesystem, no cgroup, no mounts) and wait. No runtime
// can start a container for less.
int ExecTrue(void*) {
  char* argv[] = {const_cast<char*>("true"), nullptr};
  char* envp[] = {nullptr};
  execve("/bin/true", argv, envp);
  _exit(127);
}

bool RunFloor() {
  // posix_spawn's way (no copy of this process), as skiff starts its processes.
  constexpr unsigned long kFlags = CLONE_VM | CLONE_VFORK | CLONE_NEWNS | CLONE_NEWPID |
                                   CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | SIGCHLD;
  static thread_local std::vector<char> stack(64 * 1024);
  pid_t pid = clone(ExecTrue, stack.data() + stack.size(), static_cast<int>(kFlags), nullptr);
  if (pid < 0) return false;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// n copies of fn started at once from n threads; the latency of each.
std::vector<double> AllAtOnce(int n, const std::function<bool(int)>& fn, double* wall) {
  std::vector<double> latencies(n, -1);
  auto begin = Clock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      auto start = Clock::now();
      if (fn(i)) latencies[i] = Ms(Clock::now() - start);
    });
  }
  for (std::thread& t : threads) t.join();
  *wall = Ms(Clock::now() - begin);
  std::vector<double> ok;
  for (double l : latencies) {
    if (l >= 0) ok.push_back(l);
  }
  return ok;
}

void PrintPhases(const std::vector<Phases>& phases) {
  if (phases.empty()) return;
  std::vector<double> create, start, wait, remove;
  for (const Phases& p : phases) {
    create.push_back(p.create);
    start.push_back(p.start);
    wait.push_back(p.wait);
    remove.push_back(p.remove);
  }
  printf("skiff phases, median ms: create %.2f  start %.2f  wait %.2f  delete %.2f\n",
         Percentile(create, 0.5), Percentile(start, 0.5), Percentile(wait, 0.5),
         Percentile(remove, 0.5));
}

}  // namespace

int main(int argc, char** argv) {
  std::string init;
  int runs = 30, concurrent = 100;
  bool peers = true, state_tmpfs = true, cgroups = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--init" && i + 1 < argc) init = argv[++i];
    else if (a == "--runs" && i + 1 < argc) runs = atoi(argv[++i]);
    else if (a == "--concurrent" && i + 1 < argc) concurrent = atoi(argv[++i]);
    else if (a == "--no-peers") peers = false;
    else if (a == "--state-on-disk") state_tmpfs = false;
    else if (a == "--no-cgroups") cgroups = false;
    else {
      fprintf(stderr, "usage: runtime_bench --init SKIFF_INIT [--runs N] [--concurrent N] [--no-peers] [--state-on-disk] [--no-cgroups]\n");
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
  // Every runtime keeps its state on one tmpfs, as under /run on a usual host
  // (here /run is on the root ext4, whose inode allocation would dominate).
  std::string state = dir + "/state";
  fs::create_directories(state);
  if (state_tmpfs && mount("tmpfs", state.c_str(), "tmpfs", 0, "mode=700") < 0) {
    perror("mount tmpfs for state");
    return 1;
  }

  auto layout = skiff::runtime::DetectCgroupLayout();
  if (!layout.ok()) {
    fprintf(stderr, "%s\n", layout.status().ToString().c_str());
    return 1;
  }
  skiff::runtime::CgroupOptions cg;
  cg.parent = "skiff-bench";
  skiff::runtime::RuntimeOptions options;
  options.state_root = state + "/skiff";
  options.init_binary = init;
  if (cgroups) options.cgroups = skiff::runtime::NewCgroupManager(*layout, cg);
  auto opened = Runtime::Open(options);
  if (!opened.ok()) {
    fprintf(stderr, "%s\n", opened.status().ToString().c_str());
    return 1;
  }
  Runtime& rt = **opened;
  std::vector<Phases> phases;

  std::map<std::string, std::function<bool(int)>> runners = {
      {"skiff", [&](int i) {
         Phases p;
         bool ok = RunOurs(rt, rootfs, Id("b", i), &p);
         if (ok) phases.push_back(p);
         return ok;
       }},
      {"skiff-ovl", [&](int i) { return RunOurs(rt, rootfs, Id("o", i), nullptr, true); }}};
  if (peers) {
    runners["floor"] = [](int) { return RunFloor(); };
    for (const char* peer : {"crun", "runc"}) {
      runners[peer] = [&, peer](int i) {
        return RunCommand({peer, "--root", state + "/" + peer, "run", "--bundle", dir + "/bundle",
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

  PrintPhases(phases);
  if (concurrent > 0) {
    double floor_wall = 0;
    std::vector<double> floor = AllAtOnce(concurrent, [](int) { return RunFloor(); }, &floor_wall);
    printf("floor: %d x clone(5 namespaces) + exec /bin/true + wait at once, wall %.1f ms:\n",
           concurrent, floor_wall);
    Report("floor", floor);
  }

  // All at once: each thread's start latency (Create + Start returned: the
  // process runs) and its whole run (until Delete returned).
  std::vector<Phases> all(concurrent);
  std::vector<bool> succeeded(concurrent, false);
  auto begin = Clock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < concurrent; ++i) {
    threads.emplace_back([&, i] { succeeded[i] = RunOurs(rt, rootfs, Id("c", i), &all[i]); });
  }
  for (std::thread& t : threads) t.join();
  double wall = Ms(Clock::now() - begin);
  std::vector<double> started, whole;
  for (int i = 0; i < concurrent; ++i) {
    if (!succeeded[i]) continue;
    started.push_back(all[i].create + all[i].start);
    whole.push_back(all[i].create + all[i].start + all[i].wait + all[i].remove);
  }
  if (concurrent > 0) {
    printf("%d skiff containers at once, %zu succeeded, wall %.1f ms; p99 is the max below 100:\n",
           concurrent, started.size(), wall);
    Report("started", started);
    Report("whole", whole);
  }
  if (concurrent > 0) {
    // CRI's split: kubelet creates a container, then starts it. N created ones
    // started at once from N threads (each thread's Start latency).
    std::vector<std::string> ids;
    for (int i = 0; i < concurrent; ++i) {
      std::string id = Id("s", i);
      ContainerSpec spec;
      spec.id = id;
      spec.rootfs.plain_dir = rootfs;
      spec.process.args = {"/bin/true"};
      spec.process.env = {"PATH=/bin"};
      skiff::Status created = rt.Create(spec);
      if (created.ok()) ids.push_back(id);
      else Failed(id, created);
    }
    double start_wall = 0;
    std::vector<double> starts = AllAtOnce(
        static_cast<int>(ids.size()),
        [&](int i) {
          skiff::Status s = rt.Start(ids[i]);
          return s.ok() || Failed(ids[i], s);
        },
        &start_wall);
    for (const std::string& id : ids) {
      (void)rt.Wait(id, std::chrono::seconds(30));
      (void)rt.Delete(id, true);
    }
    printf("%zu created skiff containers started at once (Start only), wall %.1f ms:\n",
           ids.size(), start_wall);
    Report("start", starts);
  }
  opened->reset();
  for (const auto& [controller, mount] : layout->v1_controllers) {
    rmdir((mount + "/" + cg.parent).c_str());
  }
  if (!layout->unified.empty()) rmdir((layout->unified + "/" + cg.parent).c_str());
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
