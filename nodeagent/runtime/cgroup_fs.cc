// LinuxCgroupFs and FaultyCgroupFs: see cgroup_fs.h.
#include "nodeagent/runtime/cgroup_fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "nodeagent/runtime/cgroup_device_filter.h"

namespace skiff::runtime {
namespace {

std::string Context(std::string_view op, const std::string& path) {
  return std::string(op) + " " + path;
}

class LinuxCgroupFs : public CgroupFs {
 public:
  Result<std::string> Read(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(errno, "read", path);
    std::string out;
    char buf[4096];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int err = errno;
        ::close(fd);
        return ErrnoStatus(err, "read", path);
      }
      if (n == 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
  }

  Status Write(const std::string& path, std::string_view data) override {
    return WriteEach(path, {std::string(data)});
  }

  Status WriteEach(const std::string& path, const std::vector<std::string>& values) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(errno, "write", path);
    for (const std::string& data : values) {
      ssize_t n;
      do {
        n = ::write(fd, data.data(), data.size());
      } while (n < 0 && errno == EINTR);
      int err = errno;
      if (n < 0 || static_cast<size_t>(n) != data.size()) {
        ::close(fd);
        return ErrnoStatus(n < 0 ? err : EIO, n < 0 ? "write" : "short write", path);
      }
    }
    ::close(fd);
    return Status::Ok();
  }

  Status Mkdir(const std::string& path) override {
    if (::mkdir(path.c_str(), 0755) != 0) return ErrnoStatus(errno, "mkdir", path);
    return Status::Ok();
  }

  Status Rmdir(const std::string& path) override {
    if (::rmdir(path.c_str()) != 0) return ErrnoStatus(errno, "rmdir", path);
    return Status::Ok();
  }

  bool Exists(const std::string& path) override {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
  }

  Result<std::vector<std::string>> ListDirs(const std::string& path) override {
    DIR* dir = ::opendir(path.c_str());
    if (dir == nullptr) return ErrnoStatus(errno, "list", path);
    std::vector<std::string> names;
    while (struct dirent* e = ::readdir(dir)) {
      std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      bool is_dir = e->d_type == DT_DIR;
      if (e->d_type == DT_UNKNOWN) {
        struct stat st;
        is_dir = ::stat((path + "/" + name).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
      }
      if (is_dir) names.push_back(std::move(name));
    }
    ::closedir(dir);
    return names;
  }

  void Pause(std::chrono::microseconds d) override { std::this_thread::sleep_for(d); }

  int Kill(pid_t pid, int sig) override { return ::kill(pid, sig) == 0 ? 0 : errno; }

  Status SetDeviceFilter(const std::string& dir, const std::vector<DeviceRule>& rules) override {
    return AttachDeviceFilter(dir, rules);
  }

 private:
  static Status ErrnoStatus(int err, std::string_view op, const std::string& path) {
    Status s = Status::FromErrno(err, Context(op, path));
    if (err == ENOENT) return Status(Code::kNotFound, s.message(), err);
    if (err == EEXIST) return Status(Code::kAlreadyExists, s.message(), err);
    return s;
  }
};

}  // namespace

std::shared_ptr<CgroupFs> NewLinuxCgroupFs() { return std::make_shared<LinuxCgroupFs>(); }

Status FaultyCgroupFs::Fault(std::string_view op, const std::string& path) {
  int n = ++calls_;
  int at = fail_at_.load();
  if (at > 0 && (n == at || (sticky_ && n > at))) {
    fired_ = true;
    return Status::FromErrno(EIO, Context(op, path) + " (injected)");
  }
  return Status::Ok();
}

Result<std::string> FaultyCgroupFs::Read(const std::string& path) {
  SKIFF_RETURN_IF_ERROR(Fault("read", path));
  return inner_->Read(path);
}

Status FaultyCgroupFs::Write(const std::string& path, std::string_view data) {
  SKIFF_RETURN_IF_ERROR(Fault("write", path));
  return inner_->Write(path, data);
}

Status FaultyCgroupFs::Mkdir(const std::string& path) {
  SKIFF_RETURN_IF_ERROR(Fault("mkdir", path));
  return inner_->Mkdir(path);
}

Status FaultyCgroupFs::Rmdir(const std::string& path) {
  SKIFF_RETURN_IF_ERROR(Fault("rmdir", path));
  return inner_->Rmdir(path);
}

Result<std::vector<std::string>> FaultyCgroupFs::ListDirs(const std::string& path) {
  SKIFF_RETURN_IF_ERROR(Fault("list", path));
  return inner_->ListDirs(path);
}

Status FaultyCgroupFs::SetDeviceFilter(const std::string& dir,
                                       const std::vector<DeviceRule>& rules) {
  SKIFF_RETURN_IF_ERROR(Fault("set device filter", dir));
  return inner_->SetDeviceFilter(dir, rules);
}

}  // namespace skiff::runtime
