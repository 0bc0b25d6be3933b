// Fuzz target: images::UnpackLayer on arbitrary bytes as a layer archive (tar,
// gzip or zstd: whatever an image or registry hands the node agent).
//
// Each input is written to <sandbox>/canary/scratch/layer.tar and unpacked to
// <sandbox>/canary/scratch/layer, then both are removed. The sandbox also holds
// canary/etc/passwd, reachable from the layer as "../../etc/passwd"; after
// every input the sandbox must look exactly as it did before the first one
// (same paths, types, sizes and modes), or the unpacker wrote outside its
// directory. The sandbox is removed at exit.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "fuzz/fuzz_check.h"
#include "nodeagent/images/layer_unpacker.h"

namespace {

namespace fs = std::filesystem;

// path -> "type size mode", not following symlinks.
using Snapshot = std::map<std::string, std::string>;

Snapshot Take(const fs::path& root) {
  Snapshot snapshot;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0) continue;
    snapshot[it->path().string()] = std::to_string(st.st_mode) + " " + std::to_string(st.st_size);
  }
  return snapshot;
}

// Gives every directory below `dir` owner rwx first, so that a layer which
// unpacked a mode-000 directory can still be removed without root.
void RemoveTree(const fs::path& dir) {
  std::error_code ec;
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) return;
  if (S_ISDIR(st.st_mode)) {
    ::chmod(dir.c_str(), 0700);
    for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) RemoveTree(entry.path());
  }
  fs::remove(dir, ec);
}

class Sandbox {
 public:
  Sandbox() {
    std::string pattern = (fs::temp_directory_path() / "skiff-layer-fuzz-XXXXXX").string();
    skiff::fuzz::FuzzCheck(::mkdtemp(pattern.data()) != nullptr, "mkdtemp failed");
    root_ = pattern;
    fs::create_directories(root_ / "canary" / "etc");
    fs::create_directories(scratch());
    std::ofstream(root_ / "canary" / "etc" / "passwd") << "canary\n";
    before_ = Take(root_);
  }
  ~Sandbox() { RemoveTree(root_); }

  fs::path scratch() const { return root_ / "canary" / "scratch"; }
  bool Unchanged() const { return Take(root_) == before_; }

 private:
  fs::path root_;
  Snapshot before_;
};

Sandbox& TheSandbox() {
  static Sandbox sandbox;  // destroyed at exit, which libFuzzer and the standalone driver reach
  return sandbox;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Sandbox& sandbox = TheSandbox();
  const fs::path archive = sandbox.scratch() / "layer.tar";
  const fs::path layer = sandbox.scratch() / "layer";
  {
    std::ofstream out(archive, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    skiff::fuzz::FuzzCheck(out.good(), "cannot write the archive");
  }
  skiff::images::UnpackOptions options;
  options.keep_ownership = ::geteuid() == 0;
  auto stats = skiff::images::UnpackLayer(archive.string(), layer.string(), options);
  skiff::fuzz::FuzzCheck(stats.ok() || !fs::exists(fs::symlink_status(layer)),
                         "a failed unpack left its directory behind");
  RemoveTree(layer);
  RemoveTree(archive);
  skiff::fuzz::FuzzCheck(sandbox.Unchanged(), "the sandbox changed outside the layer directory");
  return 0;
}
