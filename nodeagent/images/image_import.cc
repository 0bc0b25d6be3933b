#include "nodeagent/images/image_import.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "nodeagent/images/archive_error.h"
#include "nodeagent/images/beneath.h"
#include "nodeagent/images/digest.h"
#include "nodeagent/images/fs_util.h"
#include "nodeagent/images/image_reference.h"
#include "nodeagent/images/manifest.h"

namespace skiff::images {
namespace {

using json = nlohmann::json;

constexpr std::string_view kContainerdNameAnnotation = "io.containerd.image.name";

// Where the files of an archive come from: a directory, or a tar whose files are
// streamed into the blob store as they are read.
class Source {
 public:
  virtual ~Source() = default;
  // A small file (index.json, manifest.json, a manifest or config blob).
  virtual Result<std::string> ReadSmall(const std::string& path) = 0;
  // Stores the file as a blob, verified against expect; returns its digest.
  virtual Result<std::string> StoreBlob(const std::string& path, const BlobExpectation& expect) = 0;
  virtual bool Has(const std::string& path) = 0;
};

Result<std::string> Clean(const std::string& path) {
  auto parts = CleanRelativePath(path);
  if (!parts.ok()) return parts.status();
  if (parts->empty()) return Status(Code::kInvalid, "empty path in archive");
  return JoinPath(*parts, parts->size());
}

// "blobs/sha256/<hex>" names its own digest.
std::string DigestFromBlobPath(const std::string& path) {
  constexpr std::string_view kPrefix = "blobs/sha256/";
  if (!std::string_view(path).starts_with(kPrefix)) return "";
  std::string digest = std::string(kSha256Prefix) + path.substr(kPrefix.size());
  return IsValidDigest(digest) ? digest : "";
}

// Every file is opened below the layout directory, never through a symlink and
// never unless it is a regular file: a blob linked to /dev/zero or to a file
// elsewhere on the host is refused, naming it.
class DirSource : public Source {
 public:
  DirSource(BlobStore& blobs, std::string dir, UniqueFd dir_fd, const ImageLimits& limits)
      : blobs_(blobs), dir_(std::move(dir)), dir_fd_(std::move(dir_fd)), limits_(limits) {}

  Result<std::string> ReadSmall(const std::string& path) override {
    auto fd = Open(path);
    if (!fd.ok()) return fd.status();
    struct stat st;
    if (::fstat(fd->get(), &st) != 0) return Status::FromErrno(errno, "stat \"" + path + "\"");
    if (st.st_size > limits_.max_metadata_bytes) {
      return Status(Code::kInvalid, "\"" + path + "\": " + std::to_string(st.st_size) +
                                        " bytes, more than the limit of " +
                                        std::to_string(limits_.max_metadata_bytes) +
                                        " for an index, manifest or config");
    }
    return ReadBounded(fd->get(), limits_.max_metadata_bytes, "\"" + path + "\"");
  }
  Result<std::string> StoreBlob(const std::string& path, const BlobExpectation& expect) override {
    auto fd = Open(path);
    if (!fd.ok()) return fd.status();
    return blobs_.PutFd(fd->get(), "\"" + path + "\"", expect);
  }
  bool Has(const std::string& path) override {
    auto clean = Clean(path);
    return clean.ok() && PathExists(dir_ + "/" + *clean);
  }

 private:
  Result<UniqueFd> Open(const std::string& path) {
    auto parts = CleanRelativePath(path);
    if (!parts.ok()) return parts.status();
    if (parts->empty()) return Status(Code::kInvalid, "empty path in the layout");
    auto fd = OpenRegularBeneath(dir_fd_.get(), *parts);
    if (!fd.ok()) return fd.status().WithContext(dir_);
    return fd;
  }

  BlobStore& blobs_;
  std::string dir_;
  UniqueFd dir_fd_;
  const ImageLimits& limits_;
};

class TarSource : public Source {
 public:
  TarSource(BlobStore& blobs, const ImageLimits& limits) : blobs_(blobs), limits_(limits) {}

  Status Ingest(const std::string& tar_path);

  Result<std::string> ReadSmall(const std::string& path) override {
    auto clean = Clean(path);
    if (!clean.ok()) return clean.status();
    std::string target = Resolve(*clean);
    if (auto it = small_.find(target); it != small_.end()) return it->second;
    auto it = digests_.find(target);
    if (it == digests_.end()) return Status::NotFound("archive has no file \"" + *clean + "\"");
    auto size = blobs_.SizeOf(it->second);
    if (size.ok() && *size > limits_.max_metadata_bytes) {
      return Status(Code::kInvalid, "\"" + *clean + "\": " + std::to_string(*size) +
                                        " bytes, more than the limit of " +
                                        std::to_string(limits_.max_metadata_bytes) +
                                        " for an index, manifest or config");
    }
    return blobs_.Read(it->second);
  }
  Result<std::string> StoreBlob(const std::string& path, const BlobExpectation& expect) override {
    auto clean = Clean(path);
    if (!clean.ok()) return clean.status();
    auto it = digests_.find(Resolve(*clean));
    if (it == digests_.end()) return Status::NotFound("archive has no file \"" + *clean + "\"");
    const std::string& digest = it->second;
    if (!expect.digest.empty() && expect.digest != digest) {
      return Status(Code::kInvalid, "\"" + *clean + "\": digest mismatch: expected " +
                                        expect.digest + ", got " + digest);
    }
    auto size = blobs_.SizeOf(digest);
    if (!size.ok()) return size.status();
    if (expect.max_size && *size > *expect.max_size) {
      return Status(Code::kInvalid, "\"" + *clean + "\": " + std::to_string(*size) +
                                        " bytes, more than the limit of " +
                                        std::to_string(*expect.max_size));
    }
    if (expect.size) {
      if (*size != *expect.size) {
        return Status(Code::kInvalid, "\"" + *clean + "\": size mismatch: expected " +
                                          std::to_string(*expect.size) + " bytes, got " +
                                          std::to_string(*size));
      }
    }
    return digest;
  }
  bool Has(const std::string& path) override {
    auto clean = Clean(path);
    if (!clean.ok()) return false;
    std::string target = Resolve(*clean);
    return small_.count(target) || digests_.count(target);
  }

 private:
  // Follows symlink and hard-link entries (skopeo's docker-archive links repeated
  // layers), a bounded number of times.
  std::string Resolve(std::string path) const {
    for (int hops = 0; hops < 8; ++hops) {
      auto it = links_.find(path);
      if (it == links_.end()) break;
      path = it->second;
    }
    return path;
  }
  Status IngestFile(archive* a, const std::string& path, int64_t size);

  BlobStore& blobs_;
  const ImageLimits& limits_;
  std::map<std::string, std::string> small_;    // metadata files kept in memory
  std::map<std::string, std::string> digests_;  // path → blob digest
  std::map<std::string, std::string> links_;    // path → path it links to
};

bool IsMetadataName(const std::string& path) {
  return path == "index.json" || path == "manifest.json" || path == "oci-layout" ||
         path == "repositories";
}

Status TarSource::Ingest(const std::string& tar_path) {
  std::unique_ptr<archive, int (*)(archive*)> a(archive_read_new(), archive_read_free);
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_zstd(a.get());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), tar_path.c_str(), 1 << 16) != ARCHIVE_OK) {
    return Status(Code::kInvalid, tar_path + ": " + ArchiveError(a.get()),
                  archive_errno(a.get()));
  }
  for (;;) {
    archive_entry* entry;
    int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) return Status::Ok();
    if (rc < ARCHIVE_WARN)
      return Status(Code::kInvalid, tar_path + ": " + ArchiveError(a.get()));
    auto parts =
        CleanRelativePath(archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "");
    if (!parts.ok()) return parts.status().WithContext(tar_path);
    if (parts->empty()) continue;  // "./"
    auto path = Clean(JoinPath(*parts, parts->size()));
    if (const char* hard = archive_entry_hardlink(entry)) {
      auto target = Clean(hard);
      if (!target.ok()) return target.status().WithContext(tar_path);
      links_[*path] = *target;
      continue;
    }
    if (archive_entry_filetype(entry) == AE_IFLNK) {
      std::string dir =
          path->find('/') == std::string::npos ? "" : path->substr(0, path->rfind('/') + 1);
      auto target = Clean(dir + archive_entry_symlink(entry));
      if (target.ok()) links_[*path] = *target;
      continue;
    }
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    Status st = IngestFile(a.get(), *path, archive_entry_size(entry));
    if (!st.ok()) return st.WithContext(tar_path + ": \"" + *path + "\"");
  }
}

Status TarSource::IngestFile(archive* a, const std::string& path, int64_t size) {
  if (IsMetadataName(path)) {
    if (size > limits_.max_metadata_bytes) {
      return Status(Code::kInvalid, std::to_string(size) + " bytes, more than the limit of " +
                                        std::to_string(limits_.max_metadata_bytes));
    }
    std::string data(static_cast<size_t>(size), '\0');
    la_ssize_t n = archive_read_data(a, data.data(), data.size());
    if (n != size)
      return Status(
          Code::kInvalid,
          "read: " + ArchiveError(a));
    small_[path] = std::move(data);
    return Status::Ok();
  }
  if (size > limits_.max_blob_bytes) {
    return Status(Code::kInvalid, std::to_string(size) + " bytes, more than the limit of " +
                                      std::to_string(limits_.max_blob_bytes) + " for a blob");
  }
  auto writer = blobs_.NewWriter(limits_.max_blob_bytes);
  if (!writer.ok()) return writer.status();
  char buf[1 << 16];
  for (;;) {
    la_ssize_t n = archive_read_data(a, buf, sizeof buf);
    if (n < 0) return Status(Code::kInvalid, "read: " + ArchiveError(a));
    if (n == 0) break;
    SKIFF_RETURN_IF_ERROR((*writer)->Write(buf, static_cast<size_t>(n)));
  }
  auto digest = (*writer)->Commit({.digest = DigestFromBlobPath(path)});
  if (!digest.ok()) return digest.status();
  digests_[path] = *digest;
  return Status::Ok();
}

std::string BlobPath(const std::string& digest) {
  return "blobs/sha256/" + digest.substr(kSha256Prefix.size());
}

Result<std::string> Canonical(const std::string& name) {
  auto ref = ParseImageReference(name);
  if (!ref.ok()) return ref.status();
  return ref->String();
}

// The name an OCI index entry gives its image, if any.
std::vector<std::string> NamesFromAnnotations(const Descriptor& d) {
  if (auto it = d.annotations.find(std::string(kContainerdNameAnnotation));
      it != d.annotations.end()) {
    if (auto name = Canonical(it->second); name.ok()) return {*name};
  }
  if (auto it = d.annotations.find(std::string(kRefNameAnnotation)); it != d.annotations.end()) {
    // A bare tag ("1", as skopeo writes) names no repository: no name.
    if (it->second.find('/') != std::string::npos) {
      if (auto name = Canonical(it->second); name.ok()) return {*name};
    }
  }
  return {};
}

// Stores a manifest's config and layers, then the manifest, and commits it.
Result<Image> StoreAndCommit(ImageStore& store, Source& source, const Descriptor& desc,
                             const std::vector<std::string>& names) {
  const ImageLimits& limits = store.limits();
  auto manifest_digest =
      source.StoreBlob(BlobPath(desc.digest), {desc.digest, desc.size, limits.max_metadata_bytes});
  if (!manifest_digest.ok()) return manifest_digest.status();
  auto text = store.blobs().Read(*manifest_digest);
  if (!text.ok()) return text.status();
  auto manifest = ParseManifest(*text);
  if (!manifest.ok()) return manifest.status().WithContext("manifest " + desc.digest);
  auto config =
      source.StoreBlob(BlobPath(manifest->config.digest),
                       {manifest->config.digest, manifest->config.size, limits.max_metadata_bytes});
  if (!config.ok()) return config.status().WithContext("config");
  for (const Descriptor& layer : manifest->layers) {
    auto stored =
        source.StoreBlob(BlobPath(layer.digest), {layer.digest, layer.size, limits.max_blob_bytes});
    if (!stored.ok()) return stored.status().WithContext("layer");
  }
  return store.Commit(*manifest_digest, names);
}

Result<std::vector<Image>> ImportOci(ImageStore& store, Source& source,
                                     const ImportOptions& options) {
  auto index_text = source.ReadSmall("index.json");
  if (!index_text.ok()) return index_text.status();
  auto index = ParseIndex(*index_text);
  if (!index.ok()) return index.status().WithContext("index.json");
  struct Chosen {
    Descriptor manifest;
    std::vector<std::string> names;
  };
  std::vector<Chosen> chosen;
  for (const Descriptor& d : index->manifests) {
    if (IsIndexMediaType(d.media_type)) {
      auto nested_text = source.ReadSmall(BlobPath(d.digest));
      if (!nested_text.ok()) return nested_text.status();
      if (DigestOf(*nested_text) != d.digest)
        return Status(Code::kInvalid, "index " + d.digest + ": digest mismatch");
      auto nested = ParseIndex(*nested_text);
      if (!nested.ok()) return nested.status().WithContext("index " + d.digest);
      auto pick = PickPlatform(*nested, options.os, options.architecture);
      if (!pick.ok()) return pick.status().WithContext("index " + d.digest);
      chosen.push_back({*pick, NamesFromAnnotations(d)});
    } else if (IsManifestMediaType(d.media_type) || d.media_type.empty()) {
      bool other_platform =
          !d.platform.os.empty() &&
          (d.platform.os != options.os || d.platform.architecture != options.architecture);
      if (!other_platform) chosen.push_back({d, NamesFromAnnotations(d)});
    }
  }
  if (chosen.empty())
    return Status::NotFound("index.json has no image for " + options.os + "/" +
                            options.architecture);
  if (!options.name.empty()) {
    if (chosen.size() != 1) {
      return Status(Code::kInvalid, "the layout holds " + std::to_string(chosen.size()) +
                                        " images; a name can tag only one");
    }
    auto name = Canonical(options.name);
    if (!name.ok()) return name.status();
    chosen[0].names = {*name};
  }
  std::vector<Image> images;
  for (const Chosen& c : chosen) {
    auto image = StoreAndCommit(store, source, c.manifest, c.names);
    if (!image.ok()) return image.status();
    images.push_back(std::move(*image));
  }
  return images;
}

Result<std::vector<Image>> ImportDockerSave(ImageStore& store, Source& source,
                                            const ImportOptions& options) {
  auto text = source.ReadSmall("manifest.json");
  if (!text.ok()) return text.status();
  json doc;
  try {
    doc = json::parse(*text);
  } catch (const json::exception& e) {
    return Status(Code::kInvalid, std::string("manifest.json: malformed JSON: ") + e.what());
  }
  if (!doc.is_array() || doc.empty())
    return Status(Code::kInvalid, "manifest.json: want a non-empty list of images");
  if (!options.name.empty() && doc.size() != 1) {
    return Status(Code::kInvalid, "the archive holds " + std::to_string(doc.size()) +
                                      " images; a name can tag only one");
  }
  std::vector<Image> images;
  for (size_t i = 0; i < doc.size(); ++i) {
    const json& entry = doc[i];
    std::string where = "manifest.json[" + std::to_string(i) + "]";
    if (!entry.is_object() || !entry.contains("Config") || !entry["Config"].is_string() ||
        !entry.contains("Layers") || !entry["Layers"].is_array()) {
      return Status(Code::kInvalid, where + ": want Config (string) and Layers (list)");
    }
    std::string config_path = entry["Config"].get<std::string>();
    // Classic docker save names the config "<hex>.json".
    std::string config_expect = DigestFromBlobPath(config_path);
    if (config_expect.empty() && config_path.size() == 69 && config_path.ends_with(".json")) {
      std::string guess = std::string(kSha256Prefix) + config_path.substr(0, 64);
      if (IsValidDigest(guess)) config_expect = guess;
    }
    auto config = source.StoreBlob(
        config_path, {.digest = config_expect, .max_size = store.limits().max_metadata_bytes});
    if (!config.ok()) return config.status().WithContext(where + ".Config");
    Descriptor config_desc{
        std::string(media_type::kDockerConfig), *config, *store.blobs().SizeOf(*config), {}, {}};
    std::vector<Descriptor> layers;
    for (size_t j = 0; j < entry["Layers"].size(); ++j) {
      const json& layer_path = entry["Layers"][j];
      std::string lwhere = where + ".Layers[" + std::to_string(j) + "]";
      if (!layer_path.is_string()) return Status(Code::kInvalid, lwhere + ": must be a string");
      auto digest = source.StoreBlob(layer_path.get<std::string>(),
                                     {.digest = DigestFromBlobPath(layer_path.get<std::string>()),
                                      .max_size = store.limits().max_blob_bytes});
      if (!digest.ok()) return digest.status().WithContext(lwhere);
      layers.push_back(
          {std::string(media_type::kDockerLayer), *digest, *store.blobs().SizeOf(*digest), {}, {}});
    }
    std::vector<std::string> names;
    if (!options.name.empty()) {
      auto name = Canonical(options.name);
      if (!name.ok()) return name.status();
      names.push_back(*name);
    } else if (entry.contains("RepoTags") && entry["RepoTags"].is_array()) {
      for (const json& tag : entry["RepoTags"]) {
        if (!tag.is_string()) continue;
        auto name = Canonical(tag.get<std::string>());
        if (!name.ok()) return name.status().WithContext(where + ".RepoTags");
        names.push_back(*name);
      }
    }
    auto manifest = store.blobs().Put(DockerManifestJson(config_desc, layers));
    if (!manifest.ok()) return manifest.status();
    auto image = store.Commit(*manifest, names);
    if (!image.ok()) return image.status().WithContext(where);
    images.push_back(std::move(*image));
  }
  return images;
}

Result<std::vector<Image>> ImportFrom(ImageStore& store, Source& source,
                                      const ImportOptions& options) {
  // docker save from Docker 25 on is also an OCI layout; its manifest.json carries the tags.
  if (source.Has("manifest.json")) return ImportDockerSave(store, source, options);
  if (source.Has("index.json")) return ImportOci(store, source, options);
  return Status(
      Code::kInvalid,
      "neither an OCI image layout (index.json) nor a docker save archive (manifest.json)");
}

}  // namespace

Result<std::vector<Image>> ImportImage(ImageStore& store, const std::string& path,
                                       const ImportOptions& options) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return Status::FromErrno(errno, "import " + path);
  ImageStore::IngestLease lease = store.BeginIngest();
  Result<std::vector<Image>> result = Status::Internal("unreached");
  if (S_ISDIR(st.st_mode)) {
    UniqueFd dir(::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir.valid()) return Status::FromErrno(errno, "import " + path);
    DirSource source(store.blobs(), path, std::move(dir), store.limits());
    result = ImportFrom(store, source, options);
  } else {
    TarSource source(store.blobs(), store.limits());
    Status ingested = source.Ingest(path);
    if (!ingested.ok()) return ingested.WithContext("import");
    result = ImportFrom(store, source, options);
  }
  if (!result.ok()) return result.status().WithContext("import " + path);
  return result;
}

}  // namespace skiff::images
