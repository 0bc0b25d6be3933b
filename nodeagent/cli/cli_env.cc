#include "nodeagent/cli/cli_env.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "nodeagent/images/fs_util.h"

namespace skiff::cli {
namespace {

std::string InitBinaryBesideSelf() {
  char self[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "skiff-init";
  std::string path(self, static_cast<size_t>(n));
  return path.substr(0, path.rfind('/') + 1) + "skiff-init";
}

}  // namespace

std::string DefaultRoot() {
  if (geteuid() == 0) return "/var/lib/skiff/containers";
  const char* state = std::getenv("XDG_STATE_HOME");
  if (state && *state) return std::string(state) + "/skiff/containers";
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.local/state/skiff/containers";
}

CliEnv::CliEnv(CliOptions options) : options_(std::move(options)) {
  if (options_.root.empty()) options_.root = DefaultRoot();
  if (options_.init_binary.empty()) {
    const char* init = std::getenv("SKIFF_INIT");
    options_.init_binary = init && *init ? init : InitBinaryBesideSelf();
  }
}

CliEnv::~CliEnv() { Unlock(); }

Result<images::ImageStore*> CliEnv::Images() {
  if (!images_) {
    Result<std::unique_ptr<images::ImageStore>> store = images::ImageStore::Open(images_dir(), {});
    if (!store.ok()) return store.status().WithContext("open image store " + images_dir());
    images_ = std::move(*store);
  }
  return images_.get();
}

Result<runtime::Runtime*> CliEnv::Runtime() {
  if (!runtime_) {
    Result<runtime::CgroupLayout> layout = runtime::DetectCgroupLayout();
    if (layout.ok()) {
      runtime::CgroupOptions cgroup_options;
      cgroup_options.parent = options_.cgroup_parent;
      cgroups_ = runtime::NewCgroupManager(*layout, cgroup_options);
    }
    runtime::RuntimeOptions options;
    options.state_root = state_dir();
    options.init_binary = options_.init_binary;
    options.cgroups = cgroups_;
    Result<std::unique_ptr<runtime::Runtime>> opened = runtime::Runtime::Open(options);
    if (!opened.ok()) return opened.status().WithContext("open runtime at " + state_dir());
    runtime_ = std::move(*opened);
    // What an earlier CLI killed with -9 left: a `run --rm` container that has
    // ended since, one created but never started, a Create cut short. A prune
    // that fails leaves them for the next verb and fails nothing.
    Result<std::vector<std::string>> pruned = runtime_->Prune();
    if (pruned.ok()) {
      for (const std::string& id : *pruned) RemoveRecord(id);
    }
  }
  return runtime_.get();
}

Status CliEnv::Lock() {
  if (lock_fd_ >= 0) return Status::Ok();
  SKIFF_RETURN_IF_ERROR(images::MakeDirs(options_.root));
  std::string path = options_.root + "/lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::FromErrno(errno, "open " + path);
  while (::flock(fd, LOCK_EX) < 0) {
    if (errno != EINTR) {
      int err = errno;
      ::close(fd);
      return Status::FromErrno(err, "lock " + path);
    }
  }
  lock_fd_ = fd;
  return Status::Ok();
}

void CliEnv::Unlock() {
  if (lock_fd_ < 0) return;
  ::close(lock_fd_);  // drops the flock
  lock_fd_ = -1;
}

Status CliEnv::SaveRecord(const ContainerRecord& record) {
  SKIFF_RETURN_IF_ERROR(images::MakeDirs(records_dir()));
  nlohmann::json j = {
      {"id", record.id},           {"image", record.image}, {"image_id", record.image_id},
      {"command", record.command}, {"env", record.env},     {"workdir", record.workdir}};
  return images::WriteFileAtomic(records_dir() + "/" + record.id + ".json", j.dump());
}

Result<ContainerRecord> CliEnv::LoadRecord(const std::string& id) const {
  std::string path = records_dir() + "/" + id + ".json";
  Result<std::string> text = images::ReadFile(path);
  if (!text.ok()) return text.status();
  try {
    nlohmann::json j = nlohmann::json::parse(*text);
    ContainerRecord record;
    record.id = j.at("id").get<std::string>();
    record.image = j.at("image").get<std::string>();
    record.image_id = j.at("image_id").get<std::string>();
    record.command = j.at("command").get<std::vector<std::string>>();
    record.env = j.at("env").get<std::vector<std::string>>();
    record.workdir = j.value("workdir", "");
    return record;
  } catch (const nlohmann::json::exception& e) {
    return Status::Invalid(path + ": " + e.what(), {});
  }
}

void CliEnv::RemoveRecord(const std::string& id) {
  ::unlink((records_dir() + "/" + id + ".json").c_str());
}

std::vector<ContainerRecord> CliEnv::Records() const {
  std::vector<ContainerRecord> out;
  DIR* dir = ::opendir(records_dir().c_str());
  if (dir == nullptr) return out;
  while (dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    constexpr std::string_view kSuffix = ".json";
    if (name.size() <= kSuffix.size() || name.substr(name.size() - kSuffix.size()) != kSuffix)
      continue;
    Result<ContainerRecord> record = LoadRecord(name.substr(0, name.size() - kSuffix.size()));
    if (record.ok()) out.push_back(std::move(*record));
  }
  ::closedir(dir);
  return out;
}

Result<std::string> CliEnv::ResolveContainer(const std::string& prefix) {
  Result<runtime::Runtime*> rt = Runtime();
  if (!rt.ok()) return rt.status();
  Result<std::vector<runtime::ContainerState>> all = (*rt)->List();
  if (!all.ok()) return all.status();
  std::vector<std::string> matches;
  for (const runtime::ContainerState& state : *all) {
    if (state.id == prefix) return prefix;
    if (!prefix.empty() && state.id.rfind(prefix, 0) == 0) matches.push_back(state.id);
  }
  if (matches.size() == 1) return matches[0];
  if (matches.empty()) return Status::NotFound("no such container: " + prefix);
  return Status::Conflict("\"" + prefix + "\" names " + std::to_string(matches.size()) +
                          " containers; give more of the id");
}

}  // namespace skiff::cli
