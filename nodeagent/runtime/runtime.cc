#include "nodeagent/runtime/runtime.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <thread>

#include "base/unique_fd.h"
#include "nodeagent/runtime/capabilities.h"
#include "nodeagent/runtime/container_launch.h"
#include "nodeagent/runtime/container_record.h"
#include "nodeagent/runtime/init/cri_log.h"
#include "nodeagent/runtime/process_util.h"
#include "nodeagent/runtime/seccomp_profile.h"

namespace skiff::runtime {
namespace {

constexpr std::chrono::milliseconds kStartTimeout{10000};
constexpr std::chrono::milliseconds kReapTimeout{10000};

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

// A sealed in-memory copy of skiff-init: containers exec it by fd, so nothing in
// a container can reach or rewrite the host's file.
Result<int> LoadInit(const std::string& path) {
  UniqueFd in(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.valid()) return Status::FromErrno(errno, "open skiff-init " + path);
  int fd = memfd_create("skiff-init", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (fd < 0 && errno == EINVAL) fd = memfd_create("skiff-init", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return Status::FromErrno(errno, "memfd_create skiff-init");
  UniqueFd out(fd);
  char buf[65536];
  for (;;) {
    ssize_t n = read(in.get(), buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::FromErrno(errno, "read skiff-init " + path);
    if (n == 0) break;
    if (write(fd, buf, static_cast<size_t>(n)) != n) {
      return Status::FromErrno(errno, "copy skiff-init");
    }
  }
  if (fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0) {
    return Status::FromErrno(errno, "seal skiff-init");
  }
  // Executable, not readable, by the container's users: the kernel leaves a
  // process that execs a file it may not read non-dumpable, so skiff-init
  // starts out of ptrace's reach (container_child.cc execs it without the DAC
  // capabilities that would override this).
  if (fchmod(fd, 0111) < 0) return Status::FromErrno(errno, "chmod skiff-init");
  return out.Release();
}

std::string Now(Clock& clock) {
  auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(clock.Now().time_since_epoch()).count();
  timespec t{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
  char buf[CRI_TIMESTAMP_SIZE];
  return std::string(buf, cri_format_timestamp(&t, buf));
}

bool Exists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

// The state root's lock file. Create holds it shared from the mkdir of a
// container's directory until it has locked that directory; Prune holds it
// exclusively, so it never finds a directory a live Create has not locked yet.
// flock, not Sys: a lock is no step of a container's life the fault tests
// should fail, and it dies with the process.
Result<UniqueFd> LockStateRoot(const std::string& root, int how) {
  std::string path = root + "/.lock";
  UniqueFd fd(open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd.valid()) return Status::FromErrno(errno, "open " + path);
  while (flock(fd.get(), how) < 0) {
    if (errno != EINTR) return Status::FromErrno(errno, "lock " + path);
  }
  return fd;
}

// The container directory, flock'd without waiting; an invalid fd (errno set)
// when it is gone or another open file description holds it.
UniqueFd LockContainerDir(const std::string& dir) {
  UniqueFd fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.valid() && flock(fd.get(), LOCK_EX | LOCK_NB) < 0) fd.Reset();
  return fd;
}

Status NotFound(const std::string& id) {
  return Status::NotFound("container \"" + id + "\" not found");
}

}  // namespace

Result<std::unique_ptr<Runtime>> Runtime::Open(RuntimeOptions options) {
  if (options.state_root.empty() || options.state_root[0] != '/') {
    return Status::Invalid("state_root must be an absolute path",
                           {{"state_root", "FieldValueInvalid", "must be an absolute path"}});
  }
  std::error_code ec;
  std::filesystem::create_directories(options.state_root, ec);
  if (ec) return Status::FromErrno(ec.value(), "create state root " + options.state_root);
  Result<int> init_fd = LoadInit(options.init_binary);
  if (!init_fd.ok()) return init_fd.status();
  return std::unique_ptr<Runtime>(new Runtime(std::move(options), *init_fd));
}

Runtime::Runtime(RuntimeOptions options, int init_fd)
    : options_(std::move(options)),
      sys_(options_.sys ? *options_.sys : LinuxSysInstance()),
      clock_(options_.clock ? *options_.clock : RealClockInstance()),
      init_fd_(init_fd),
      seccomp_(options_.state_root + "/.seccomp") {}

Runtime::~Runtime() { close(init_fd_); }

std::string Runtime::Dir(const std::string& id) const { return options_.state_root + "/" + id; }

Status Runtime::Create(const ContainerSpec& spec) {
  SKIFF_RETURN_IF_ERROR(ValidateSpec(spec));
  std::string dir = Dir(spec.id);
  Result<UniqueFd> root_lock = LockStateRoot(options_.state_root, LOCK_SH);
  if (!root_lock.ok()) return root_lock.status().WithContext("create container " + spec.id);
  int r = sys_.Mkdirat(AT_FDCWD, dir.c_str(), 0700);
  if (r == -EEXIST) return Status::AlreadyExists("container \"" + spec.id + "\" already exists");
  if (r < 0) return Status::FromErrno(-r, "create container " + spec.id + ": mkdir " + dir);
  Status held = Hold(spec.id, dir);
  root_lock->Reset();
  bool cgroup_made = false;
  Status s = held.ok() ? CreateIn(spec, dir, cgroup_made) : held;
  if (!s.ok()) {
    Abandon(spec.id, dir, cgroup_made, 0, 0);
    Release(spec.id);
  }
  return s;
}

Status Runtime::Hold(const std::string& id, const std::string& dir) {
  UniqueFd fd = LockContainerDir(dir);
  if (!fd.valid()) return Status::FromErrno(errno, "create container " + id + ": lock " + dir);
  std::lock_guard<std::mutex> lock(held_mu_);
  held_[id] = std::move(fd);
  return Status::Ok();
}

void Runtime::Release(const std::string& id) {
  std::lock_guard<std::mutex> lock(held_mu_);
  held_.erase(id);
}

Result<std::vector<std::string>> Runtime::Prune() {
  const std::string& root = options_.state_root;
  Result<UniqueFd> root_lock = LockStateRoot(root, LOCK_EX);
  if (!root_lock.ok()) return root_lock.status().WithContext("prune " + root);
  std::vector<std::string> ids;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
    std::string name = entry.path().filename().string();
    if (entry.is_directory() && name[0] != '.') ids.push_back(name);
  }
  if (ec) return Status::FromErrno(ec.value(), "prune " + root);
  std::vector<std::string> removed;
  for (const std::string& id : ids) {
    {
      std::lock_guard<std::mutex> lock(held_mu_);
      if (held_.count(id)) continue;
    }
    bool gone = false;
    (void)PruneOne(id, gone);  // what fails here stays for the next Prune
    if (gone) removed.push_back(id);
  }
  return removed;
}

Status Runtime::PruneOne(const std::string& id, bool& removed) {
  std::string dir = Dir(id);
  UniqueFd lock = LockContainerDir(dir);
  if (!lock.valid()) return Status::Ok();  // held by a live process, or gone
  Result<ContainerRecord> record = ReadContainerRecord(dir);
  if (!record.ok()) {
    if (record.status().code() != Code::kNotFound) return record.status();
    SKIFF_RETURN_IF_ERROR(RemoveHalfCreated(id, dir));
    removed = true;
    return Status::Ok();
  }
  Result<ContainerState> state = State(id);
  if (!state.ok()) return state.status();
  // Never started: its creator died before Start returned (even if init got
  // the start byte, nobody saw Start succeed).
  bool unstarted = record->remove_unstarted && record->started_at.empty();
  bool ended = record->auto_remove && state->status == ContainerStatus::kStopped;
  if (!unstarted && !ended) return Status::Ok();
  SKIFF_RETURN_IF_ERROR(Delete(id, /*force=*/true));
  removed = true;
  return Status::Ok();
}

Status Runtime::CreateIn(const ContainerSpec& spec, const std::string& dir, bool& cgroup_made) {
  Result<CapabilityState> caps = ComputeCapabilities(spec.security.cap_add, spec.security.cap_drop);
  if (!caps.ok()) return caps.status().WithContext("create container " + spec.id);
  std::optional<SeccompProgram> seccomp;
  if (spec.security.seccomp) {
    Result<SeccompProgram> program = seccomp_.Get(caps->effective);
    if (!program.ok()) return program.status().WithContext("create container " + spec.id);
    seccomp = std::move(*program);
  }
  LaunchRequest req;
  req.spec = &spec;
  req.capabilities = *caps;
  req.seccomp = seccomp ? &*seccomp : nullptr;
  req.init_fd = init_fd_;
  req.rootfs_mountpoint = dir + "/rootfs";
  req.start_fifo = dir + "/start.fifo";
  req.exit_file = dir + "/exit.json";
  req.log_path = spec.log_path.empty() ? dir + "/container.log" : spec.log_path;
  bool owns_overlay = !spec.rootfs.lower_dirs.empty() && spec.rootfs.upper_dir.empty();
  req.upper_dir = owns_overlay ? dir + "/upper" : spec.rootfs.upper_dir;
  req.work_dir = owns_overlay ? dir + "/work" : spec.rootfs.work_dir;

  std::vector<std::string> dirs = {req.rootfs_mountpoint};
  if (owns_overlay) dirs.insert(dirs.end(), {req.upper_dir, req.work_dir});
  for (const std::string& d : dirs) {
    int r = sys_.Mkdirat(AT_FDCWD, d.c_str(), 0755);
    if (r < 0) return Status::FromErrno(-r, "create container " + spec.id + ": mkdir " + d);
  }
  int r = sys_.Mknodat(AT_FDCWD, req.start_fifo.c_str(), S_IFIFO | 0600, 0);
  if (r < 0) return Status::FromErrno(-r, "create container " + spec.id + ": mkfifo");
  if (chown(req.start_fifo.c_str(), spec.process.uid, spec.process.gid) < 0) {
    return Status::FromErrno(errno, "create container " + spec.id + ": chown start fifo");
  }
  if (options_.cgroups) {
    SKIFF_RETURN_IF_ERROR(options_.cgroups->Create(spec.id, spec.resources));
    cgroup_made = true;
    req.cgroup_procs_files = options_.cgroups->SelfJoinFiles(spec.id);
  }
  Result<Launched> launched = LaunchContainer(sys_, req);
  if (!launched.ok()) return launched.status();

  ContainerRecord record;
  record.id = spec.id;
  record.init_pid = launched->init_pid;
  record.monitor_pid = launched->monitor_pid;
  Result<uint64_t> init_start = ProcStartTime(record.init_pid);
  Result<uint64_t> monitor_start = ProcStartTime(record.monitor_pid);
  Status s = !init_start.ok() ? init_start.status() : monitor_start.status();
  if (s.ok()) {
    record.init_start_time = *init_start;
    record.monitor_start_time = *monitor_start;
    record.log_path = req.log_path;
    record.cgroup = cgroup_made ? spec.id : "";
    record.owns_overlay_dirs = owns_overlay;
    record.created_at = Now(clock_);
    record.process = spec.process;
    record.security = spec.security;
    record.auto_remove = spec.auto_remove;
    record.remove_unstarted = spec.remove_unstarted;
    s = WriteContainerRecord(sys_, dir, record);
  }
  if (!s.ok()) {
    Abandon(spec.id, dir, cgroup_made, record.init_pid, record.monitor_pid);
    cgroup_made = false;
    return s.WithContext("create container " + spec.id);
  }
  return Status::Ok();
}

// Undoes a failed Create: stops what was launched, then removes cgroup and dir.
void Runtime::Abandon(const std::string& id, const std::string& dir, bool cgroup_made,
                      pid_t init_pid, pid_t monitor_pid) {
  if (init_pid > 0) {
    kill(init_pid, SIGKILL);
    WaitProcessExit(monitor_pid, kReapTimeout);
  }
  if (cgroup_made) (void)options_.cgroups->Destroy(id);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

Status Runtime::Start(const std::string& id) {
  std::string dir = Dir(id);
  Result<ContainerRecord> record = ReadContainerRecord(dir);
  if (!record.ok())
    return record.status().code() == Code::kNotFound ? NotFound(id) : record.status();
  std::string fifo = dir + "/start.fifo";
  if (!Exists(fifo)) return Status::Conflict("container \"" + id + "\" was already started");
  int fd = sys_.Open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);
  if (fd < 0) return Status::FromErrno(-fd, "start container " + id + ": open start fifo");
  UniqueFd reader(fd);
  auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    int r = poll(&p, 1, 50);
    if (r > 0 && (p.revents & (POLLIN | POLLHUP))) break;
    if (!ProcessMatches(record->init_pid, record->init_start_time)) {
      // A busy host may run the whole container between the poll and this check.
      pollfd last{fd, POLLIN, 0};
      if (poll(&last, 1, 0) > 0 && (last.revents & (POLLIN | POLLHUP))) break;
      return Status::Conflict("start container " + id + ": it exited before it was started");
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return Status(Code::kTimeout, "start container " + id + ": no answer on the start fifo");
    }
  }
  // The byte comes from skiff-init; end of file means the child died before it.
  char byte;
  ssize_t n = sys_.Read(fd, &byte, 1);
  if (n == 0) {
    unlink(fifo.c_str());
    WaitProcessExit(record->monitor_pid, kReapTimeout);
    Result<std::optional<ExitRecord>> exit = ReadExitRecord(dir);
    std::string why = exit.ok() && exit->has_value() ? (*exit)->error : "";
    return Status::Conflict("start container " + id + ": it ended before it ran" +
                            (why.empty() ? "" : ": " + why));
  }
  if (n < 0) return Status::FromErrno(static_cast<int>(-n), "start container " + id);
  unlink(fifo.c_str());
  record->started_at = Now(clock_);
  return WriteContainerRecord(sys_, dir, *record).WithContext("start container " + id);
}

Result<ContainerState> Runtime::State(const std::string& id) {
  std::string dir = Dir(id);
  Result<ContainerRecord> record = ReadContainerRecord(dir);
  if (!record.ok())
    return record.status().code() == Code::kNotFound ? NotFound(id) : record.status();
  ContainerState state;
  state.id = id;
  state.init_pid = record->init_pid;
  state.monitor_pid = record->monitor_pid;
  state.created_at = record->created_at;
  state.started_at = record->started_at;
  state.log_path = record->log_path;
  bool monitor_alive = ProcessMatches(record->monitor_pid, record->monitor_start_time);
  Result<std::optional<ExitRecord>> exit = ReadExitRecord(dir);
  if (!exit.ok()) return exit.status();
  if (!exit->has_value() && monitor_alive) {
    state.status =
        Exists(dir + "/start.fifo") ? ContainerStatus::kCreated : ContainerStatus::kRunning;
    return state;
  }
  state.status = ContainerStatus::kStopped;
  if (exit->has_value()) {
    state.exit_code = (*exit)->exit_code;
    state.signal = (*exit)->signal;
    state.finished_at = (*exit)->finished_at;
    state.error = (*exit)->error;
  } else {
    state.exit_code = -1;
    state.error = "the monitor ended without recording an exit status";
  }
  if (options_.cgroups && !record->cgroup.empty()) {
    Result<uint64_t> ooms = options_.cgroups->OomKillCount(record->cgroup);
    state.oom_killed = ooms.ok() && *ooms > 0;
  }
  return state;
}

Result<std::vector<ContainerState>> Runtime::List() {
  std::vector<ContainerState> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(options_.state_root, ec)) {
    // Not a container: ids start with a letter or digit (.seccomp is a cache).
    if (!entry.is_directory() || entry.path().filename().string()[0] == '.') continue;
    Result<ContainerState> state = State(entry.path().filename().string());
    if (state.ok()) out.push_back(std::move(*state));
  }
  if (ec) return Status::FromErrno(ec.value(), "list " + options_.state_root);
  return out;
}

Result<ContainerState> Runtime::Wait(const std::string& id, std::chrono::milliseconds timeout) {
  Result<ContainerState> state = State(id);
  if (!state.ok() || state->status == ContainerStatus::kStopped) return state;
  if (!WaitProcessExit(state->monitor_pid, timeout)) {
    return Status(Code::kTimeout, "container \"" + id + "\" still runs");
  }
  return State(id);
}

Status Runtime::Kill(const std::string& id, int signal) {
  Result<ContainerRecord> record = ReadContainerRecord(Dir(id));
  if (!record.ok())
    return record.status().code() == Code::kNotFound ? NotFound(id) : record.status();
  int fd = sys_.PidfdOpen(record->init_pid);
  // The pidfd pins the process: if it is still the one we started, it stays so.
  if (fd == -ESRCH || (fd >= 0 && !ProcessMatches(record->init_pid, record->init_start_time))) {
    if (fd >= 0) close(fd);
    return Status::Conflict("container \"" + id + "\" is not running");
  }
  if (fd < 0) return Status::FromErrno(-fd, "kill container " + id + ": pidfd_open");
  UniqueFd pidfd(fd);
  int r = sys_.PidfdSendSignal(fd, signal);
  if (r == -ESRCH) return Status::Conflict("container \"" + id + "\" is not running");
  if (r < 0) return Status::FromErrno(-r, "kill container " + id);
  return Status::Ok();
}

Status Runtime::Stop(const std::string& id, std::chrono::milliseconds grace) {
  Status s = Kill(id, SIGTERM);
  if (s.code() == Code::kConflict) return Status::Ok();
  SKIFF_RETURN_IF_ERROR(s);
  Result<ContainerState> state = Wait(id, grace);
  if (state.ok()) return Status::Ok();
  if (state.status().code() != Code::kTimeout) return state.status();
  s = Kill(id, SIGKILL);
  if (!s.ok() && s.code() != Code::kConflict) return s;
  return Wait(id, kReapTimeout).status();
}

// A directory without state.json: a Create interrupted by the caller's death.
// Whatever it launched sits in the container's cgroup, which Destroy kills.
Status Runtime::RemoveHalfCreated(const std::string& id, const std::string& dir) {
  if (options_.cgroups) SKIFF_RETURN_IF_ERROR(options_.cgroups->Destroy(id));
  umount2((dir + "/rootfs").c_str(), MNT_DETACH);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (ec) return Status::FromErrno(ec.value(), "delete container " + id + ": remove " + dir);
  Release(id);
  return Status::Ok();
}

Status Runtime::ReopenLog(const std::string& id) {
  Result<ContainerRecord> record = ReadContainerRecord(Dir(id));
  if (!record.ok())
    return record.status().code() == Code::kNotFound ? NotFound(id) : record.status();
  int fd = sys_.PidfdOpen(record->monitor_pid);
  if (fd == -ESRCH ||
      (fd >= 0 && !ProcessMatches(record->monitor_pid, record->monitor_start_time))) {
    if (fd >= 0) close(fd);
    return Status::Conflict("container \"" + id + "\" is not running");
  }
  if (fd < 0) return Status::FromErrno(-fd, "reopen log of " + id + ": pidfd_open");
  UniqueFd pidfd(fd);
  int r = sys_.PidfdSendSignal(fd, SIGUSR1);
  if (r < 0) return Status::FromErrno(-r, "reopen log of " + id);
  return Status::Ok();
}

Result<CgroupStats> Runtime::Stats(const std::string& id) {
  Result<ContainerRecord> record = ReadContainerRecord(Dir(id));
  if (!record.ok())
    return record.status().code() == Code::kNotFound ? NotFound(id) : record.status();
  if (!options_.cgroups || record->cgroup.empty()) {
    return Status::Unavailable("container \"" + id + "\" has no cgroup");
  }
  return options_.cgroups->Stats(record->cgroup);
}

Status Runtime::Delete(const std::string& id, bool force) {
  std::string dir = Dir(id);
  Result<ContainerState> state = State(id);
  if (state.status().code() == Code::kNotFound && Exists(dir)) return RemoveHalfCreated(id, dir);
  if (!state.ok()) return state.status();
  if (state->status != ContainerStatus::kStopped) {
    if (!force) return Status::Conflict("container \"" + id + "\" is running; stop it first");
    Status s = Kill(id, SIGKILL);
    if (!s.ok() && s.code() != Code::kConflict) return s;
    SKIFF_RETURN_IF_ERROR(Wait(id, kReapTimeout).status());
  }
  Result<ContainerRecord> record = ReadContainerRecord(dir);
  if (!record.ok()) return record.status();
  if (options_.cgroups && !record->cgroup.empty()) {
    SKIFF_RETURN_IF_ERROR(options_.cgroups->Destroy(record->cgroup));
  }
  // The root is mounted only in the container's own mount namespace; this
  // detaches it should a host mount ever appear there, before files are removed.
  umount2((dir + "/rootfs").c_str(), MNT_DETACH);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (ec) return Status::FromErrno(ec.value(), "delete container " + id + ": remove " + dir);
  Release(id);
  return Status::Ok();
}

}  // namespace skiff::runtime
