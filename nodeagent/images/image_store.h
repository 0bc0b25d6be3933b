// ImageStore: images on one node, by name and by digest, over a BlobStore and a
// directory of unpacked layers.
//
// On disk under root (see docs/images.md):
//   blobs/sha256/<hex>   manifests, configs and layer archives (BlobStore)
//   layers/<hex>/        one unpacked tree per layer, named by its diff id and
//                        shared by every image that has that layer
//   images.json          the index: id (config digest), manifest digest, names
//   tmp/                 blobs being written
//
// Commit records an image whose manifest, config and layer blobs are already in
// the blob store (import and pull put them there), unpacking each layer that is
// not yet unpacked. Remove drops a name (or, given an id or digest, the image);
// an image without names is forgotten and everything no image references any
// more (blobs, layer trees) is garbage collected. An IngestLease held while blobs
// are being brought in defers collection until the last lease ends, so a pull in
// progress never loses its blobs: whoever puts blobs for a later Commit holds one.
//
// Thread-safe: writes (Commit, Remove, CollectGarbage) are serialised, reads see
// the state before or after a write. A failed Commit records nothing and removes
// the layer trees it made; images.json is replaced atomically.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "nodeagent/images/blob_store.h"
#include "nodeagent/images/image_config.h"
#include "nodeagent/images/image_limits.h"

namespace skiff::images {

struct LayerInfo {
  std::string digest;  // of the (possibly compressed) archive blob
  std::string media_type;
  int64_t size = 0;
  std::string diff_id;  // of the uncompressed tar; names the unpacked tree
};

struct Image {
  std::string id;  // the config digest, as Docker's image id
  std::string manifest_digest;
  std::vector<std::string> names;  // canonical references, e.g. docker.io/library/busybox:latest
  ImageConfig config;
  std::vector<LayerInfo> layers;        // lowest first
  std::vector<std::string> layer_dirs;  // unpacked trees, lowest first
  int64_t size = 0;                     // sum of layer blob sizes
};

struct GcStats {
  int64_t blobs_removed = 0;
  int64_t layers_removed = 0;
  bool deferred = false;  // an ingest lease was held; collection runs when it ends
};

class ImageStore {
 public:
  struct Options {
    bool allow_devices = false;  // device nodes in layers (see UnpackOptions)
    bool keep_ownership = true;  // chown layer files (needs root)
    ImageLimits limits;          // how large blobs, metadata and layers may be
  };

  // Creates the layout under root if needed, loads images.json and removes
  // leftovers of an interrupted write (temp blobs, partial layer trees).
  static Result<std::unique_ptr<ImageStore>> Open(const std::string& root, Options options);

  BlobStore& blobs() { return *blobs_; }
  const ImageLimits& limits() const { return options_.limits; }
  const std::string& root() const { return root_; }

  // Held while blobs are brought in for an image not yet committed.
  class IngestLease {
   public:
    explicit IngestLease(ImageStore* store) : store_(store) {}
    IngestLease(IngestLease&& other) noexcept : store_(std::exchange(other.store_, nullptr)) {}
    IngestLease(const IngestLease&) = delete;
    IngestLease& operator=(const IngestLease&) = delete;
    IngestLease& operator=(IngestLease&&) = delete;
    ~IngestLease();

   private:
    ImageStore* store_;
  };
  IngestLease BeginIngest();

  // Records the image of a manifest in the blob store under names (canonical
  // references; may be empty). NotFound when a blob is missing, Invalid for a bad
  // manifest, config or layer (a manifest or config over limits().max_metadata_bytes,
  // a layer unpacking to more than max_layer_bytes). A name held by another image
  // moves to this one.
  Result<Image> Commit(const std::string& manifest_digest, const std::vector<std::string>& names);

  // By reference ("busybox", "127.0.0.1:5000/a:1"), by id or manifest digest
  // ("sha256:…"), or by id hex (64 digits or a unique prefix of 12 or more).
  Result<Image> Get(std::string_view ref) const;
  std::vector<Image> List() const;
  // Drops a name, or the whole image when ref is an id or digest; then collects
  // garbage. NotFound when nothing matches.
  Status Remove(std::string_view ref);
  // Removes blobs and layer trees that no image references.
  Result<GcStats> CollectGarbage();

  // How many images use the layer with this diff id.
  int LayerUsers(std::string_view diff_id) const;

 private:
  struct Record {
    std::string id;
    std::string manifest_digest;
    std::vector<std::string> names;
    std::vector<LayerInfo> layers;
  };

  ImageStore(std::string root, Options options, std::unique_ptr<BlobStore> blobs);
  Status Load();
  Status Persist() const;  // under mu_
  // Invalid when the blob is larger than a manifest or config may be.
  Status CheckMetadataSize(std::string_view what, const std::string& digest) const;
  Result<Image> ToImage(const Record& record) const;
  std::string LayerDir(std::string_view diff_id) const;
  const Record* FindLocked(std::string_view ref, bool* by_name, std::string* name) const;
  Result<GcStats> CollectGarbageLocked();
  void EndIngest();

  const std::string root_;
  const Options options_;
  std::unique_ptr<BlobStore> blobs_;
  std::mutex write_mu_;    // serialises Commit, Remove, CollectGarbage
  std::mutex gc_mu_;       // held through a sweep, so no lease begins during one
  mutable std::mutex mu_;  // guards the fields below
  std::vector<Record> records_;
  std::map<std::string, ImageConfig> configs_;  // by id
  int leases_ = 0;
  bool gc_pending_ = false;
};

}  // namespace skiff::images
