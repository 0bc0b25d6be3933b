#include "nodeagent/images/image_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <thread>

#include "nodeagent/images/image_import.h"
#include "nodeagent/images/manifest.h"
#include "tests/nodeagent/images/test_util.h"

namespace skiff::images {
namespace {

ImageStore::Options TestOptions() {
  return {.allow_devices = false, .keep_ownership = ::geteuid() == 0};
}

struct Fixture {
  TempDir tmp;
  std::string layout = tmp.path() + "/layout";
  std::string root = tmp.path() + "/store";
  std::string manifest_digest = MakeTestImage(layout);
  std::unique_ptr<ImageStore> store = Open();

  std::unique_ptr<ImageStore> Open() {
    auto s = ImageStore::Open(root, TestOptions());
    INFO(s.status().ToString());
    REQUIRE(s.ok());
    return std::move(*s);
  }
  Image Import(const std::string& path, const std::string& name) {
    auto images = ImportImage(*store, path, {.name = name});
    INFO(images.status().ToString());
    REQUIRE(images.ok());
    REQUIRE(images->size() == 1);
    return (*images)[0];
  }
};

TEST_CASE("An imported OCI layout is found by name, id and digest", "[images]") {
  Fixture f;
  Image image = f.Import(f.layout, "skiff.test/busybox:1");
  CHECK(image.manifest_digest == f.manifest_digest);
  CHECK(image.names == std::vector<std::string>{"skiff.test/busybox:1"});
  REQUIRE(image.layers.size() == 1);
  CHECK(image.layers[0].media_type == media_type::kOciLayerGzip);

  for (std::string ref : {std::string("skiff.test/busybox:1"), image.id, image.manifest_digest,
                          image.id.substr(7, 12), image.id.substr(7),
                          "skiff.test/busybox@" + image.manifest_digest}) {
    auto found = f.store->Get(ref);
    INFO(ref);
    REQUIRE(found.ok());
    CHECK(found->id == image.id);
  }
  CHECK(f.store->Get("skiff.test/busybox:2").status().code() == Code::kNotFound);
  CHECK(f.store->Get("busybox").status().code() == Code::kNotFound);
  CHECK(f.store->Get("NOT A REF").status().code() == Code::kNotFound);
}

TEST_CASE("The image config is exposed", "[images]") {
  Fixture f;
  Image image = f.Import(f.layout, "skiff.test/busybox:1");
  CHECK(image.config.cmd == std::vector<std::string>{"sh"});
  CHECK(image.config.entrypoint.empty());
  CHECK(image.config.env ==
        std::vector<std::string>{
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"});
  CHECK(image.config.working_dir == "/");
  CHECK(image.config.os == "linux");
  CHECK(image.config.architecture == "amd64");
  CHECK(image.config.labels.at("org.opencontainers.image.title") == "skiff-test-busybox");
  REQUIRE(image.config.diff_ids.size() == 1);
  CHECK(image.layers[0].diff_id == image.config.diff_ids[0]);
}

TEST_CASE("Layer directories hold the unpacked rootfs in overlay order", "[images]") {
  Fixture f;
  Image image = f.Import(f.layout, "skiff.test/busybox:1");
  REQUIRE(image.layer_dirs.size() == 1);
  const std::string& dir = image.layer_dirs[0];
  CHECK(dir == f.root + "/layers/" + image.layers[0].diff_id.substr(7));
  CHECK(::access((dir + "/bin/busybox").c_str(), X_OK) == 0);
  struct stat st;
  REQUIRE(::lstat((dir + "/bin/sh").c_str(), &st) == 0);
  CHECK(S_ISLNK(st.st_mode));
  REQUIRE(::lstat((dir + "/tmp").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 01777);
  CHECK(*ReadFile(dir + "/var/www/index.html") == "hello from skiff\n");
  CHECK(ShellOutput(dir + "/bin/busybox echo works") == "works\n");
}

TEST_CASE("Import from a tar of the layout gives the same image, its layer unpacked once",
          "[images]") {
  Fixture f;
  Image from_dir = f.Import(f.layout, "skiff.test/busybox:1");
  std::string tar = f.tmp.path() + "/layout.tar";
  ShellOutput("tar -C " + f.layout + " -cf " + tar + " .");
  struct stat before;
  REQUIRE(::stat(from_dir.layer_dirs[0].c_str(), &before) == 0);
  Image from_tar = f.Import(tar, "skiff.test/other:2");
  CHECK(from_tar.id == from_dir.id);
  CHECK(from_tar.layer_dirs == from_dir.layer_dirs);
  struct stat after;
  REQUIRE(::stat(from_tar.layer_dirs[0].c_str(), &after) == 0);
  CHECK(after.st_ino == before.st_ino);
  // Same id: one image with both names.
  CHECK(f.store->List().size() == 1);
  CHECK(f.store->Get("skiff.test/busybox:1")->names.size() == 2);
}

TEST_CASE("Images survive reopening the store", "[images]") {
  Fixture f;
  Image image = f.Import(f.layout, "skiff.test/busybox:1");
  f.store.reset();
  auto reopened = f.Open();
  auto found = reopened->Get("skiff.test/busybox:1");
  REQUIRE(found.ok());
  CHECK(found->id == image.id);
  CHECK(found->config.cmd == image.config.cmd);
  CHECK(found->layer_dirs == image.layer_dirs);
}

TEST_CASE("Removing the last name collects the image's blobs and layers", "[images]") {
  Fixture f;
  f.Import(f.layout, "skiff.test/busybox:1");
  f.Import(f.layout, "skiff.test/busybox:latest");
  REQUIRE(f.store->Remove("skiff.test/busybox:1").ok());
  auto kept = f.store->Get("skiff.test/busybox");
  REQUIRE(kept.ok());
  CHECK(kept->names == std::vector<std::string>{"skiff.test/busybox:latest"});
  CHECK(f.store->blobs().List()->size() == 3);
  CHECK(f.store->Remove("skiff.test/busybox:1").code() == Code::kNotFound);

  REQUIRE(f.store->Remove("skiff.test/busybox:latest").ok());
  CHECK(f.store->List().empty());
  CHECK(f.store->blobs().List()->empty());
  CHECK(ListDir(f.root + "/layers").empty());
  CHECK(ListDir(f.root + "/tmp").empty());
}

TEST_CASE("Removing by id drops every name", "[images]") {
  Fixture f;
  Image image = f.Import(f.layout, "skiff.test/busybox:1");
  f.Import(f.layout, "skiff.test/busybox:2");
  REQUIRE(f.store->Remove(image.id).ok());
  CHECK(f.store->List().empty());
  CHECK(f.store->blobs().List()->empty());
}

// A second image over the same layer, with its own config.
std::string CommitSibling(ImageStore& store, const Image& base, const std::string& name) {
  nlohmann::json config = nlohmann::json::parse(*store.blobs().Read(base.id));
  config["config"]["Cmd"] = {"echo", "sibling"};
  auto config_digest = store.blobs().Put(config.dump());
  REQUIRE(config_digest.ok());
  Descriptor config_desc{std::string(media_type::kOciConfig),
                         *config_digest,
                         *store.blobs().SizeOf(*config_digest),
                         {},
                         {}};
  Descriptor layer{base.layers[0].media_type, base.layers[0].digest, base.layers[0].size, {}, {}};
  auto manifest = store.blobs().Put(DockerManifestJson(config_desc, {layer}));
  REQUIRE(manifest.ok());
  auto image = store.Commit(*manifest, {name});
  INFO(image.status().ToString());
  REQUIRE(image.ok());
  return image->id;
}

TEST_CASE("A layer shared by two images lives until both are removed", "[images]") {
  Fixture f;
  Image a = f.Import(f.layout, "skiff.test/a:1");
  CommitSibling(*f.store, a, "skiff.test/b:1");
  const std::string& diff_id = a.layers[0].diff_id;
  CHECK(f.store->LayerUsers(diff_id) == 2);
  CHECK(f.store->Get("skiff.test/b:1")->config.cmd == std::vector<std::string>{"echo", "sibling"});
  REQUIRE(f.store->Remove("skiff.test/a:1").ok());
  CHECK(f.store->LayerUsers(diff_id) == 1);
  CHECK(PathExists(a.layer_dirs[0] + "/bin/busybox"));
  CHECK(f.store->blobs().Has(a.layers[0].digest));
  CHECK_FALSE(f.store->blobs().Has(a.id));
  REQUIRE(f.store->Remove("skiff.test/b:1").ok());
  CHECK(f.store->LayerUsers(diff_id) == 0);
  CHECK_FALSE(PathExists(a.layer_dirs[0]));
  CHECK(f.store->blobs().List()->empty());
}

TEST_CASE("A name moved to another image leaves the old one to the collector", "[images]") {
  Fixture f;
  Image a = f.Import(f.layout, "skiff.test/app:1");
  std::string b = CommitSibling(*f.store, a, "skiff.test/app:1");
  CHECK(f.store->Get("skiff.test/app:1")->id == b);
  CHECK(f.store->List().size() == 1);
  REQUIRE(f.store->CollectGarbage().ok());
  CHECK_FALSE(f.store->blobs().Has(a.id));
  CHECK(f.store->blobs().Has(a.layers[0].digest));
}

TEST_CASE("Collection waits while an ingest lease is held", "[images]") {
  Fixture f;
  auto orphan = f.store->blobs().Put("downloading");
  REQUIRE(orphan.ok());
  {
    ImageStore::IngestLease lease = f.store->BeginIngest();
    auto gc = f.store->CollectGarbage();
    REQUIRE(gc.ok());
    CHECK(gc->deferred);
    CHECK(f.store->blobs().Has(*orphan));
  }
  CHECK_FALSE(f.store->blobs().Has(*orphan));
}

TEST_CASE("A corrupted layer blob fails the import and leaves nothing", "[images]") {
  Fixture f;
  std::string blobs = f.layout + "/blobs/sha256/";
  for (const std::string& name : ListDir(blobs)) {
    if (ReadFile(blobs + name)->size() > 100000) {
      std::string data = *ReadFile(blobs + name);
      data[data.size() / 2] ^= 1;
      ::chmod((blobs + name).c_str(), 0644);
      WriteTestFile(blobs + name, data);
    }
  }
  auto images = ImportImage(*f.store, f.layout, {.name = "skiff.test/busybox:1"});
  REQUIRE_FALSE(images.ok());
  CHECK(images.status().code() == Code::kInvalid);
  CHECK_THAT(images.status().message(), Catch::Contains("digest mismatch"));
  CHECK(f.store->List().empty());
  CHECK(f.store->blobs().List()->empty());
  CHECK(ListDir(f.root + "/layers").empty());
  CHECK(ListDir(f.root + "/tmp").empty());
}

TEST_CASE("A docker save archive is imported with its RepoTags", "[images]") {
  Fixture f;
  Image oci = f.Import(f.layout, "skiff.test/busybox:1");
  // Lay out what `docker save` writes: <config hex>.json, <id>/layer.tar, manifest.json.
  std::string save = f.tmp.path() + "/save";
  REQUIRE(MakeDirs(save + "/0123abcd").ok());
  std::string config_hex = oci.id.substr(7);
  ShellOutput("cp " + f.layout + "/blobs/sha256/" + config_hex + " " + save + "/" + config_hex +
              ".json");
  ShellOutput("gzip -dc " + f.layout + "/blobs/sha256/" + oci.layers[0].digest.substr(7) + " > " +
              save + "/0123abcd/layer.tar");
  WriteTestFile(
      save + "/manifest.json",
      R"([{"Config":")" + config_hex +
          R"(.json","RepoTags":["busybox:saved","127.0.0.1:5000/x/y:z"],"Layers":["0123abcd/layer.tar"]}])");
  ShellOutput("tar -C " + save + " -cf " + f.tmp.path() + "/save.tar .");
  REQUIRE(f.store->Remove("skiff.test/busybox:1").ok());

  auto images = ImportImage(*f.store, f.tmp.path() + "/save.tar");
  INFO(images.status().ToString());
  REQUIRE(images.ok());
  REQUIRE(images->size() == 1);
  const Image& saved = (*images)[0];
  CHECK(saved.id == oci.id);
  CHECK(saved.names ==
        std::vector<std::string>{"docker.io/library/busybox:saved", "127.0.0.1:5000/x/y:z"});
  CHECK(saved.layers[0].media_type == media_type::kDockerLayer);
  CHECK(saved.layers[0].diff_id == oci.layers[0].diff_id);
  CHECK(saved.layers[0].digest == saved.layers[0].diff_id);  // uncompressed: digest = diff id
  CHECK(::access((saved.layer_dirs[0] + "/bin/busybox").c_str(), X_OK) == 0);
  CHECK(f.store->Get("busybox:saved").ok());
  // Only what the image references is kept (the tar's other files are collected).
  CHECK(f.store->blobs().List()->size() == 3);
}

TEST_CASE("Import rejects what is neither a layout nor a docker archive", "[images]") {
  Fixture f;
  std::string empty = f.tmp.path() + "/empty";
  REQUIRE(MakeDirs(empty).ok());
  auto none = ImportImage(*f.store, empty);
  REQUIRE_FALSE(none.ok());
  CHECK_THAT(none.status().message(), Catch::Contains("neither an OCI image layout"));
  auto missing = ImportImage(*f.store, f.tmp.path() + "/missing");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().sys_errno() == ENOENT);
  WriteTestFile(f.tmp.path() + "/junk.tar", "junk");
  CHECK_FALSE(ImportImage(*f.store, f.tmp.path() + "/junk.tar").ok());
  auto bad_name = ImportImage(*f.store, f.layout, {.name = "Bad Name"});
  REQUIRE_FALSE(bad_name.ok());
  CHECK_THAT(bad_name.status().message(), Catch::Contains("invalid image reference"));
  CHECK(f.store->List().empty());
  CHECK(f.store->blobs().List()->empty());
}

TEST_CASE("A layout whose tag is only a tag imports without a name", "[images]") {
  Fixture f;
  auto images = ImportImage(*f.store, f.layout);
  REQUIRE(images.ok());
  REQUIRE(images->size() == 1);
  CHECK((*images)[0].names.empty());
  CHECK(f.store->Get((*images)[0].id).ok());
}

}  // namespace
}  // namespace skiff::images

namespace skiff::images {
namespace {

TEST_CASE("zstd and uncompressed layers unpack to the same tree as gzip", "[images]") {
  Fixture f;
  Image gzip = f.Import(f.layout, "skiff.test/busybox:gzip");
  for (std::string compression : {"zstd", "none"}) {
    std::string layout = f.tmp.path() + "/layout-" + compression;
    MakeTestImage(layout, "1", compression);
    Image other = f.Import(layout, "skiff.test/busybox:" + compression);
    INFO(compression);
    CHECK(other.id == gzip.id);  // same config
    CHECK(other.layers[0].digest != gzip.layers[0].digest);
    CHECK(other.layer_dirs == gzip.layer_dirs);
  }
  CHECK(f.store->Get("skiff.test/busybox:none")->layers[0].digest == gzip.layers[0].diff_id);
}

}  // namespace
}  // namespace skiff::images

namespace skiff::images {
namespace {

TEST_CASE("Concurrent imports and removes keep the store consistent", "[images]") {
  Fixture f;
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  std::vector<Status> results(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      std::string name = "skiff.test/busybox:t" + std::to_string(i);
      for (int round = 0; round < 3 && results[i].ok(); ++round) {
        auto images = ImportImage(*f.store, f.layout, {.name = name});
        results[i] = images.ok() ? f.store->Remove(name) : images.status();
      }
      if (results[i].ok()) results[i] = ImportImage(*f.store, f.layout, {.name = name}).status();
    });
  }
  for (auto& t : threads) t.join();
  for (const Status& st : results) CHECK(st.ToString() == Status::Ok().ToString());
  auto images = f.store->List();
  REQUIRE(images.size() == 1);
  CHECK(images[0].names.size() == kThreads);
  CHECK(ListDir(f.root + "/layers").size() == 1);
  CHECK(f.store->blobs().List()->size() == 3);
  CHECK(::access((images[0].layer_dirs[0] + "/bin/busybox").c_str(), X_OK) == 0);
}

}  // namespace
}  // namespace skiff::images

namespace skiff::images {
namespace {

TEST_CASE("Opening the store removes leftovers of an interrupted write", "[images]") {
  Fixture f;
  Image image = f.Import(f.layout, "skiff.test/busybox:1");
  f.store.reset();
  WriteTestFile(f.root + "/tmp/blob-abc123", "half a blob");
  std::string partial = image.layer_dirs[0] + ".partial-XYZ123";
  REQUIRE(MakeDirs(partial + "/bin").ok());
  f.store = f.Open();
  CHECK(ListDir(f.root + "/tmp").empty());
  CHECK_FALSE(PathExists(partial));
  CHECK(PathExists(image.layer_dirs[0] + "/bin/busybox"));
  CHECK(f.store->Get("skiff.test/busybox:1").ok());
}

TEST_CASE("A corrupt index is reported when the store opens", "[images]") {
  TempDir tmp;
  REQUIRE(MakeDirs(tmp.path()).ok());
  WriteTestFile(tmp.path() + "/images.json", "{not json");
  auto store = ImageStore::Open(tmp.path(), {});
  REQUIRE_FALSE(store.ok());
  CHECK_THAT(store.status().message(),
             Catch::Contains("images.json") && Catch::Contains("corrupt"));
}

}  // namespace
}  // namespace skiff::images
