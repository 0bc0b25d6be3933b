#include "nodeagent/images/image_store.h"

#include <dirent.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "nodeagent/images/digest.h"
#include "nodeagent/images/fs_util.h"
#include "nodeagent/images/image_reference.h"
#include "nodeagent/images/layer_unpacker.h"
#include "nodeagent/images/manifest.h"

namespace skiff::images {
namespace {

using json = nlohmann::json;

constexpr int kIndexVersion = 1;
constexpr size_t kMinIdPrefix = 12;

std::vector<std::string> ListNames(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") out.push_back(std::move(name));
  }
  ::closedir(d);
  return out;
}

bool IsHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

ImageStore::IngestLease::~IngestLease() {
  if (store_ != nullptr) store_->EndIngest();
}

ImageStore::ImageStore(std::string root, Options options, std::unique_ptr<BlobStore> blobs)
    : root_(std::move(root)), options_(options), blobs_(std::move(blobs)) {}

Result<std::unique_ptr<ImageStore>> ImageStore::Open(const std::string& root, Options options) {
  auto blobs = BlobStore::Open(root);
  if (!blobs.ok()) return blobs.status();
  SKIFF_RETURN_IF_ERROR(MakeDirs(root + "/layers"));
  // Leftovers of a crash: temp blobs and partial layer trees are never referenced.
  for (const std::string& name : ListNames(root + "/tmp"))
    SKIFF_RETURN_IF_ERROR(RemoveTree(root + "/tmp/" + name));
  for (const std::string& name : ListNames(root + "/layers")) {
    if (name.find(".partial-") != std::string::npos)
      SKIFF_RETURN_IF_ERROR(RemoveTree(root + "/layers/" + name));
  }
  std::unique_ptr<ImageStore> store(new ImageStore(root, options, std::move(*blobs)));
  SKIFF_RETURN_IF_ERROR(store->Load());
  return store;
}

std::string ImageStore::LayerDir(std::string_view diff_id) const {
  return root_ + "/layers/" + std::string(diff_id.substr(kSha256Prefix.size()));
}

Status ImageStore::Load() {
  std::string path = root_ + "/images.json";
  auto text = ReadFile(path);
  if (!text.ok()) return text.status().code() == Code::kNotFound ? Status::Ok() : text.status();
  try {
    json doc = json::parse(*text);
    for (const json& r : doc.at("images")) {
      Record record;
      record.id = r.at("id").get<std::string>();
      record.manifest_digest = r.at("manifest").get<std::string>();
      record.names = r.at("names").get<std::vector<std::string>>();
      for (const json& l : r.at("layers")) {
        record.layers.push_back({l.at("digest").get<std::string>(),
                                 l.at("mediaType").get<std::string>(), l.at("size").get<int64_t>(),
                                 l.at("diffID").get<std::string>()});
      }
      auto config_text = blobs_->Read(record.id);
      if (!config_text.ok()) return config_text.status().WithContext(path + ": image " + record.id);
      auto config = ParseImageConfig(*config_text);
      if (!config.ok()) return config.status().WithContext(path + ": image " + record.id);
      configs_[record.id] = std::move(*config);
      records_.push_back(std::move(record));
    }
  } catch (const json::exception& e) {
    return Status(Code::kInternal, path + ": corrupt index: " + e.what());
  }
  return Status::Ok();
}

Status ImageStore::Persist() const {
  json images = json::array();
  for (const Record& r : records_) {
    json layers = json::array();
    for (const LayerInfo& l : r.layers) {
      layers.push_back({{"digest", l.digest},
                        {"mediaType", l.media_type},
                        {"size", l.size},
                        {"diffID", l.diff_id}});
    }
    images.push_back(
        {{"id", r.id}, {"manifest", r.manifest_digest}, {"names", r.names}, {"layers", layers}});
  }
  json doc = {{"version", kIndexVersion}, {"images", images}};
  return WriteFileAtomic(root_ + "/images.json", doc.dump(1));
}

ImageStore::IngestLease ImageStore::BeginIngest() {
  std::lock_guard gc_lock(gc_mu_);
  std::lock_guard lock(mu_);
  ++leases_;
  gc_pending_ = true;  // an ingest that fails half way leaves blobs nobody references
  return IngestLease(this);
}

void ImageStore::EndIngest() {
  {
    std::lock_guard lock(mu_);
    if (--leases_ > 0 || !gc_pending_) return;
  }
  (void)CollectGarbage();
}

Status ImageStore::CheckMetadataSize(std::string_view what, const std::string& digest) const {
  auto size = blobs_->SizeOf(digest);
  if (!size.ok()) return size.status();
  if (*size > options_.limits.max_metadata_bytes) {
    return Status(Code::kInvalid, std::string(what) + " " + digest + ": " + std::to_string(*size) +
                                      " bytes, more than the limit of " +
                                      std::to_string(options_.limits.max_metadata_bytes));
  }
  return Status::Ok();
}

Result<Image> ImageStore::Commit(const std::string& manifest_digest,
                                 const std::vector<std::string>& names) {
  std::lock_guard write_lock(write_mu_);
  SKIFF_RETURN_IF_ERROR(CheckMetadataSize("manifest", manifest_digest));
  auto manifest_text = blobs_->Read(manifest_digest);
  if (!manifest_text.ok()) return manifest_text.status();
  auto manifest = ParseManifest(*manifest_text);
  if (!manifest.ok()) return manifest.status().WithContext("manifest " + manifest_digest);
  SKIFF_RETURN_IF_ERROR(CheckMetadataSize("config", manifest->config.digest));
  auto config_text = blobs_->Read(manifest->config.digest);
  if (!config_text.ok()) return config_text.status();
  auto config = ParseImageConfig(*config_text);
  if (!config.ok()) return config.status().WithContext("config " + manifest->config.digest);
  if (config->diff_ids.size() != manifest->layers.size()) {
    return Status(Code::kInvalid, "manifest " + manifest_digest + " has " +
                                      std::to_string(manifest->layers.size()) +
                                      " layers but its config lists " +
                                      std::to_string(config->diff_ids.size()) + " diff ids");
  }
  Record record{manifest->config.digest, manifest_digest, {}, {}};
  for (size_t i = 0; i < manifest->layers.size(); ++i) {
    const Descriptor& d = manifest->layers[i];
    if (!blobs_->Has(d.digest)) return Status::NotFound("layer blob " + d.digest + " not found");
    record.layers.push_back({d.digest, d.media_type, d.size, config->diff_ids[i]});
  }

  std::vector<std::string> made;
  auto undo = [&](const Status& st) {
    for (const std::string& dir : made) (void)RemoveTree(dir);
    return st;
  };
  for (const LayerInfo& layer : record.layers) {
    std::string dir = LayerDir(layer.diff_id);
    if (PathExists(dir)) continue;
    UnpackOptions unpack{options_.allow_devices, options_.keep_ownership, layer.diff_id,
                         options_.limits.max_layer_bytes};
    auto stats = UnpackLayer(blobs_->PathOf(layer.digest), dir, unpack);
    if (!stats.ok()) return undo(stats.status().WithContext("layer " + layer.digest));
    made.push_back(dir);
  }

  std::lock_guard lock(mu_);
  std::vector<Record> before = records_;
  auto existing = std::find_if(records_.begin(), records_.end(),
                               [&](const Record& r) { return r.id == record.id; });
  if (existing != records_.end()) record.names = existing->names;
  std::set<std::string> lost_last_name;  // other images whose only names move here
  for (const std::string& name : names) {
    for (Record& other : records_) {
      if (other.id != record.id && std::erase(other.names, name) > 0 && other.names.empty())
        lost_last_name.insert(other.id);
    }
    if (std::find(record.names.begin(), record.names.end(), name) == record.names.end())
      record.names.push_back(name);
  }
  std::erase_if(records_,
                [&](const Record& r) { return r.id == record.id || lost_last_name.count(r.id); });
  records_.push_back(record);
  Status st = Persist();
  if (!st.ok()) {
    records_ = std::move(before);
    return undo(st);
  }
  for (const std::string& id : lost_last_name) configs_.erase(id);
  configs_[record.id] = *config;
  return ToImage(record);
}

Result<Image> ImageStore::ToImage(const Record& record) const {
  Image image;
  image.id = record.id;
  image.manifest_digest = record.manifest_digest;
  image.names = record.names;
  image.config = configs_.at(record.id);
  image.layers = record.layers;
  for (const LayerInfo& l : record.layers) {
    image.layer_dirs.push_back(LayerDir(l.diff_id));
    image.size += l.size;
  }
  return image;
}

const ImageStore::Record* ImageStore::FindLocked(std::string_view ref, bool* by_name,
                                                 std::string* name) const {
  *by_name = false;
  if (IsValidDigest(ref)) {
    for (const Record& r : records_) {
      if (r.id == ref || r.manifest_digest == ref) return &r;
    }
    return nullptr;
  }
  if (ref.size() >= kMinIdPrefix && ref.size() <= 64 && IsHex(ref)) {
    const Record* found = nullptr;
    for (const Record& r : records_) {
      if (std::string_view(r.id).substr(kSha256Prefix.size()).starts_with(ref)) {
        if (found != nullptr) return nullptr;  // ambiguous
        found = &r;
      }
    }
    if (found != nullptr) return found;
  }
  auto parsed = ParseImageReference(ref);
  if (!parsed.ok()) return nullptr;
  std::string canonical = parsed->String();
  for (const Record& r : records_) {
    if (std::find(r.names.begin(), r.names.end(), canonical) != r.names.end()) {
      *by_name = true;
      *name = canonical;
      return &r;
    }
  }
  if (!parsed->digest.empty()) {
    for (const Record& r : records_) {
      if (r.manifest_digest == parsed->digest) return &r;
    }
  }
  return nullptr;
}

Result<Image> ImageStore::Get(std::string_view ref) const {
  std::lock_guard lock(mu_);
  bool by_name;
  std::string name;
  const Record* record = FindLocked(ref, &by_name, &name);
  if (record == nullptr) return Status::NotFound("image \"" + std::string(ref) + "\" not found");
  return ToImage(*record);
}

std::vector<Image> ImageStore::List() const {
  std::lock_guard lock(mu_);
  std::vector<Image> out;
  for (const Record& r : records_) out.push_back(*ToImage(r));
  return out;
}

int ImageStore::LayerUsers(std::string_view diff_id) const {
  std::lock_guard lock(mu_);
  int users = 0;
  for (const Record& r : records_) {
    users += std::any_of(r.layers.begin(), r.layers.end(),
                         [&](const LayerInfo& l) { return l.diff_id == diff_id; });
  }
  return users;
}

Status ImageStore::Remove(std::string_view ref) {
  std::lock_guard write_lock(write_mu_);
  {
    std::lock_guard lock(mu_);
    bool by_name;
    std::string name;
    const Record* found = FindLocked(ref, &by_name, &name);
    if (found == nullptr) return Status::NotFound("image \"" + std::string(ref) + "\" not found");
    std::vector<Record> before = records_;
    auto it = records_.begin() + (found - records_.data());
    if (by_name) std::erase(it->names, name);
    if (!by_name || it->names.empty()) {
      configs_.erase(it->id);
      records_.erase(it);
    }
    Status st = Persist();
    if (!st.ok()) {
      records_ = std::move(before);
      return st;
    }
  }
  auto gc = CollectGarbageLocked();
  return gc.ok() ? Status::Ok() : gc.status();
}

Result<GcStats> ImageStore::CollectGarbage() {
  std::lock_guard write_lock(write_mu_);
  return CollectGarbageLocked();
}

Result<GcStats> ImageStore::CollectGarbageLocked() {
  std::lock_guard gc_lock(gc_mu_);
  GcStats stats;
  std::set<std::string> blobs_in_use;
  std::set<std::string> layers_in_use;
  {
    std::lock_guard lock(mu_);
    if (leases_ > 0) {
      gc_pending_ = true;
      stats.deferred = true;
      return stats;
    }
    gc_pending_ = false;
    for (const Record& r : records_) {
      blobs_in_use.insert(r.id);
      blobs_in_use.insert(r.manifest_digest);
      for (const LayerInfo& l : r.layers) {
        blobs_in_use.insert(l.digest);
        layers_in_use.insert(std::string(l.diff_id.substr(kSha256Prefix.size())));
      }
    }
  }
  auto blobs = blobs_->List();
  if (!blobs.ok()) return blobs.status();
  for (const std::string& digest : *blobs) {
    if (blobs_in_use.count(digest)) continue;
    SKIFF_RETURN_IF_ERROR(blobs_->Remove(digest));
    ++stats.blobs_removed;
  }
  for (const std::string& name : ListNames(root_ + "/layers")) {
    if (layers_in_use.count(name)) continue;
    SKIFF_RETURN_IF_ERROR(RemoveTree(root_ + "/layers/" + name));
    ++stats.layers_removed;
  }
  return stats;
}

}  // namespace skiff::images
