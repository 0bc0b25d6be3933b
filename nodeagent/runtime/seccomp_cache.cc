#include "nodeagent/runtime/seccomp_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "base/unique_fd.h"

namespace skiff::runtime {
namespace {

constexpr const char* kMagic = "skiff-seccomp-v1 ";

// The running executable as a file: a rebuilt binary is another file.
std::string ExecutableIdentity() {
  struct stat st;
  if (stat("/proc/self/exe", &st) != 0) return "exe=?";
  char text[128];
  snprintf(text, sizeof(text), "exe=%llx:%llx:%lld:%lld.%09ld",
           static_cast<unsigned long long>(st.st_dev), static_cast<unsigned long long>(st.st_ino),
           static_cast<long long>(st.st_size), static_cast<long long>(st.st_mtim.tv_sec),
           st.st_mtim.tv_nsec);
  return text;
}

// FNV-1a: a short, stable file name for the key (the file repeats the key).
std::string Hex64(const std::string& text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char out[17];
  snprintf(out, sizeof(out), "%016llx", static_cast<unsigned long long>(h));
  return out;
}

bool ReadWhole(int fd, std::string& out) {
  char buf[16384];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    out.append(buf, static_cast<size_t>(n));
  }
}

// The program in `path` when it was written for `key`; nothing otherwise.
bool LoadFile(const std::string& path, const std::string& key, SeccompProgram& program) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) return false;
  std::string data;
  if (!ReadWhole(fd.get(), data)) return false;
  std::string header = kMagic + key + "\n";
  if (data.compare(0, header.size(), header) != 0) return false;
  size_t bytes = data.size() - header.size();
  if (bytes == 0 || bytes % sizeof(sock_filter) != 0 ||
      bytes / sizeof(sock_filter) > BPF_MAXINSNS) {
    return false;
  }
  program.instructions.resize(bytes / sizeof(sock_filter));
  memcpy(program.instructions.data(), data.data() + header.size(), bytes);
  return true;
}

void Store(const std::string& dir, const std::string& path, const std::string& key,
           const SeccompProgram& program) {
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return;
  std::string tmp = path + ".tmp." + std::to_string(getpid()) + "." +
                    std::to_string(reinterpret_cast<uintptr_t>(&program));
  UniqueFd fd(open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) return;
  std::string data = kMagic + key + "\n";
  data.append(reinterpret_cast<const char*>(program.instructions.data()),
              program.instructions.size() * sizeof(sock_filter));
  bool ok = write(fd.get(), data.data(), data.size()) == static_cast<ssize_t>(data.size());
  fd.Reset();
  if (!ok || rename(tmp.c_str(), path.c_str()) != 0) unlink(tmp.c_str());
}

}  // namespace

std::string SeccompCache::Key(CapabilitySet capabilities) const {
  return DefaultSeccompProfileInputs(capabilities) + " " + ExecutableIdentity();
}

std::string SeccompCache::PathFor(CapabilitySet capabilities) const {
  if (dir_.empty()) return "";
  return dir_ + "/" + Hex64(Key(capabilities)) + ".bpf";
}

Result<SeccompProgram> SeccompCache::Get(CapabilitySet capabilities) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = programs_.find(capabilities.bits); it != programs_.end()) return it->second;
  Result<SeccompProgram> program = Load(capabilities);
  if (program.ok()) programs_.emplace(capabilities.bits, *program);
  return program;
}

Result<SeccompProgram> SeccompCache::Load(CapabilitySet capabilities) const {
  if (dir_.empty()) return BuildDefaultSeccompProgram(capabilities);
  std::string key = Key(capabilities);
  std::string path = PathFor(capabilities);
  SeccompProgram program;
  if (LoadFile(path, key, program)) return program;
  Result<SeccompProgram> built = BuildDefaultSeccompProgram(capabilities);
  if (built.ok()) Store(dir_, path, key, *built);
  return built;
}

}  // namespace skiff::runtime
