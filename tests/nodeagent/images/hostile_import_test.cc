// Hostile OCI layouts and docker archives (issue 15, finding 5): a blob that is a
// symlink (to /dev/zero, to a file elsewhere on the host), a FIFO, a blob longer
// than its descriptor says, metadata and layers past the store's limits. Each is
// refused with an error naming the file, before it can cost unbounded disk or
// memory, and leaves nothing in the store.
//
// Imports that would run without end on code that does not bound them run in a
// child held to 64 MiB of file, 2 GiB of memory and 20 seconds, so such code
// fails these tests instead of filling the disk.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "nodeagent/images/digest.h"
#include "nodeagent/images/image_import.h"
#include "nodeagent/images/image_store.h"
#include "tests/nodeagent/images/test_util.h"

namespace skiff::images {
namespace {

using json = nlohmann::json;

ImageStore::Options StoreOptions(ImageLimits limits = {}) {
  return {.allow_devices = false, .keep_ownership = ::geteuid() == 0, .limits = limits};
}

struct Layout {
  TempDir tmp;
  std::string dir = tmp.path() + "/layout";
  std::string store_root = tmp.path() + "/store";
  std::string manifest_digest = MakeTestImage(dir);

  std::string BlobFile(const std::string& digest) const {
    return dir + "/blobs/sha256/" + digest.substr(kSha256Prefix.size());
  }
  json Manifest() const { return json::parse(*ReadFile(BlobFile(manifest_digest))); }
  std::string LayerDigest() const { return Manifest()["layers"][0]["digest"]; }
  std::string ConfigDigest() const { return Manifest()["config"]["digest"]; }

  // Writes a blob into the layout; returns its digest.
  std::string PutBlob(const std::string& data) {
    std::string digest = DigestOf(data);
    WriteTestFile(BlobFile(digest), data);
    return digest;
  }
  // Points index.json at a new manifest.
  void SetManifest(const json& manifest) {
    std::string text = manifest.dump();
    manifest_digest = PutBlob(text);
    json index = json::parse(*ReadFile(dir + "/index.json"));
    index["manifests"][0]["digest"] = manifest_digest;
    index["manifests"][0]["size"] = text.size();
    WriteTestFile(dir + "/index.json", index.dump());
  }
  void SetConfig(const std::string& config) {
    json manifest = Manifest();
    manifest["config"]["digest"] = PutBlob(config);
    manifest["config"]["size"] = config.size();
    SetManifest(manifest);
  }
};

// What a store under root holds: nothing, after a refused import.
void CheckEmpty(const std::string& root) {
  auto store = ImageStore::Open(root, StoreOptions());
  REQUIRE(store.ok());
  CHECK((*store)->List().empty());
  CHECK((*store)->blobs().List()->empty());
  CHECK(ListDir(root + "/tmp").empty());
  CHECK(ListDir(root + "/layers").empty());
}

// Imports path into a store under root in a bounded child; returns the error
// message ("" when the import succeeded), or how the child died.
std::string ImportInBoundedChild(const std::string& root, const std::string& path) {
  int fds[2];
  REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    rlimit file{64 << 20, 64 << 20};
    rlimit memory{rlim_t{2} << 30, rlim_t{2} << 30};
    setrlimit(RLIMIT_FSIZE, &file);
    setrlimit(RLIMIT_AS, &memory);
    alarm(20);
    auto store = ImageStore::Open(root, StoreOptions());
    std::string message = "store: " + store.status().ToString();
    if (store.ok()) {
      auto images = ImportImage(**store, path, {.name = "skiff.test/hostile:1"});
      message = images.ok() ? "" : images.status().ToString();
    }
    (void)!write(fds[1], message.data(), message.size());
    _exit(0);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) return "child killed by signal " + std::to_string(WTERMSIG(status));
  return out;
}

TEST_CASE("a layer blob that is a symlink to /dev/zero is refused, naming it",
          "[hostile][images]") {
  Layout l;
  std::string blob = l.BlobFile(l.LayerDigest());
  REQUIRE(::unlink(blob.c_str()) == 0);
  REQUIRE(::symlink("/dev/zero", blob.c_str()) == 0);
  std::string error = ImportInBoundedChild(l.store_root, l.dir);
  INFO(error);
  CHECK_THAT(error, Catch::Contains("blobs/sha256/" + l.LayerDigest().substr(7)) &&
                        Catch::Contains("symlink"));
  CheckEmpty(l.store_root);
}

TEST_CASE("a blob that links to a good copy outside the layout is refused", "[hostile][images]") {
  Layout l;
  // The right bytes, but reached through a symlink: the import must not read
  // what the layout's author points it at on this host.
  for (const std::string& digest : {l.LayerDigest(), l.ConfigDigest()}) {
    Layout fresh;
    std::string blob = fresh.BlobFile(digest);
    std::string outside = fresh.tmp.path() + "/outside";
    REQUIRE(::rename(blob.c_str(), outside.c_str()) == 0);
    REQUIRE(::symlink(outside.c_str(), blob.c_str()) == 0);
    auto store = ImageStore::Open(fresh.store_root, StoreOptions());
    REQUIRE(store.ok());
    auto images = ImportImage(**store, fresh.dir);
    REQUIRE_FALSE(images.ok());
    CHECK(images.status().code() == Code::kInvalid);
    CHECK_THAT(images.status().message(),
               Catch::Contains(digest.substr(7)) && Catch::Contains("symlink"));
    CheckEmpty(fresh.store_root);
  }
}

TEST_CASE("index.json linked to /dev/zero and a FIFO blob are refused without reading them",
          "[hostile][images]") {
  Layout l;
  std::string index = l.dir + "/index.json";
  REQUIRE(::rename(index.c_str(), (l.tmp.path() + "/index.json").c_str()) == 0);
  REQUIRE(::symlink("/dev/zero", index.c_str()) == 0);
  std::string error = ImportInBoundedChild(l.store_root, l.dir);
  INFO(error);
  CHECK_THAT(error, Catch::Contains("index.json") && Catch::Contains("symlink"));

  Layout f;
  std::string blob = f.BlobFile(f.LayerDigest());
  REQUIRE(::unlink(blob.c_str()) == 0);
  REQUIRE(::mkfifo(blob.c_str(), 0644) == 0);
  error = ImportInBoundedChild(f.store_root, f.dir);
  INFO(error);
  CHECK_THAT(error,
             Catch::Contains(f.LayerDigest().substr(7)) && Catch::Contains("not a regular file"));
  CheckEmpty(f.store_root);
}

TEST_CASE("a blob larger than its descriptor says is refused before it is copied",
          "[hostile][images]") {
  Layout l;
  std::string blob = l.BlobFile(l.LayerDigest());
  int64_t declared = l.Manifest()["layers"][0]["size"];
  ::chmod(blob.c_str(), 0644);
  // A terabyte of holes after the real bytes: copying it would never end.
  REQUIRE(::truncate(blob.c_str(), int64_t{1} << 40) == 0);
  std::string error = ImportInBoundedChild(l.store_root, l.dir);
  INFO(error);
  CHECK_THAT(error,
             Catch::Contains(l.LayerDigest().substr(7)) &&
                 Catch::Contains(std::to_string(int64_t{1} << 40) +
                                 " bytes but its descriptor says " + std::to_string(declared)));
  CheckEmpty(l.store_root);
}

TEST_CASE("a config or manifest over the metadata limit is refused", "[hostile][images]") {
  std::string pad(ImageLimits{}.max_metadata_bytes, 'x');  // 4 MiB and the rest of the JSON
  SECTION("config") {
    Layout l;
    json config = json::parse(*ReadFile(l.BlobFile(l.ConfigDigest())));
    config["pad"] = pad;
    l.SetConfig(config.dump());
    auto store = ImageStore::Open(l.store_root, StoreOptions());
    auto images = ImportImage(**store, l.dir);
    REQUIRE_FALSE(images.ok());
    CHECK(images.status().code() == Code::kInvalid);
    CHECK_THAT(images.status().message(), Catch::Contains("more than the limit of 4194304"));
    CheckEmpty(l.store_root);
  }
  SECTION("manifest") {
    Layout l;
    json manifest = l.Manifest();
    manifest["annotations"] = {{"pad", pad}};
    l.SetManifest(manifest);
    auto store = ImageStore::Open(l.store_root, StoreOptions());
    auto images = ImportImage(**store, l.dir);
    REQUIRE_FALSE(images.ok());
    CHECK(images.status().code() == Code::kInvalid);
    CHECK_THAT(images.status().message(), Catch::Contains("more than the limit of 4194304"));
    CheckEmpty(l.store_root);
  }
  SECTION("a lower limit set as an option") {
    Layout l;
    json config = json::parse(*ReadFile(l.BlobFile(l.ConfigDigest())));
    config["pad"] = std::string(2000, 'x');
    l.SetConfig(config.dump());
    auto store = ImageStore::Open(l.store_root, StoreOptions({.max_metadata_bytes = 1500}));
    auto images = ImportImage(**store, l.dir);
    REQUIRE_FALSE(images.ok());
    CHECK_THAT(images.status().message(), Catch::Contains("more than the limit of 1500"));
  }
}

TEST_CASE("layer blobs and unpacked layers past the store's limits are refused",
          "[hostile][images]") {
  Layout l;
  int64_t blob_size = l.Manifest()["layers"][0]["size"];
  SECTION("a layer blob in a layout") {
    auto store = ImageStore::Open(l.store_root, StoreOptions({.max_blob_bytes = blob_size - 1}));
    auto images = ImportImage(**store, l.dir);
    REQUIRE_FALSE(images.ok());
    CHECK_THAT(images.status().message(),
               Catch::Contains("more than the limit of " + std::to_string(blob_size - 1)));
    CheckEmpty(l.store_root);
  }
  SECTION("a layer blob in a tar of the layout") {
    ShellOutput("tar -C " + l.dir + " -cf " + l.tmp.path() + "/layout.tar .");
    auto store = ImageStore::Open(l.store_root, StoreOptions({.max_blob_bytes = blob_size - 1}));
    auto images = ImportImage(**store, l.tmp.path() + "/layout.tar");
    REQUIRE_FALSE(images.ok());
    CHECK_THAT(images.status().message(),
               Catch::Contains(l.LayerDigest().substr(7)) &&
                   Catch::Contains("more than the limit of " + std::to_string(blob_size - 1)));
    CheckEmpty(l.store_root);
  }
  SECTION("a layer that unpacks to more than the layer limit") {
    // busybox alone is over 1 MiB uncompressed; its gzip blob is smaller.
    auto store = ImageStore::Open(l.store_root, StoreOptions({.max_layer_bytes = 1 << 20}));
    auto images = ImportImage(**store, l.dir);
    REQUIRE_FALSE(images.ok());
    CHECK_THAT(images.status().message(), Catch::Contains("unpacks to more than the limit of"));
    CHECK(ListDir(l.store_root + "/layers").empty());
  }
}

}  // namespace
}  // namespace skiff::images
