// ImportImage: brings images from files into an ImageStore.
//
// Accepted inputs, recognised by content:
//   - an OCI image layout (oci-layout, index.json, blobs/sha256/…), as a directory
//     or a tar (plain, gzip or zstd); nested indexes are resolved to the
//     requested platform (linux/amd64 by default);
//   - a `docker save` archive (manifest.json listing Config, RepoTags, Layers), as
//     a tar or its unpacked directory. docker save has no registry manifest, so
//     one (Docker schema 2) is written for it.
// Every blob is verified against its digest (and size when the descriptor has
// one) as it is stored; layers are checked against the config's diff ids when
// unpacked. An image is named by ImportOptions::name when given, else by
// io.containerd.image.name, else by an org.opencontainers.image.ref.name that is
// a full reference, else by RepoTags; otherwise it is stored without a name.
//
// A failed import commits nothing it was importing (images committed before the
// failing one stay) and its blobs are collected. Thread-safe (ImageStore is).
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "nodeagent/images/image_store.h"

namespace skiff::images {

struct ImportOptions {
  std::string name;  // a reference to name the image with (the archive must hold one image)
  std::string os = "linux";
  std::string architecture = "amd64";
};

Result<std::vector<Image>> ImportImage(ImageStore& store, const std::string& path,
                                       const ImportOptions& options = {});

}  // namespace skiff::images
