// ImageLimits: how large what an image brings in may grow, so a hostile archive,
// layout or registry cannot fill the node's disk or memory.
//
// A manifest, index or config is read into memory whole: containerd bounds
// those at 4 MiB, and so do we. A layer blob is streamed to disk and refused the
// moment it passes its descriptor's size or the blob cap; a layer's
// uncompressed tar stream (what unpacking writes, a gzip or zstd bomb
// included) is refused past the layer cap. The caps are options of the
// ImageStore; the defaults leave room for the largest real images (CUDA and ML
// layers of several GiB) while keeping an endless stream finite.
#pragma once

#include <cstdint>

namespace skiff::images {

struct ImageLimits {
  int64_t max_metadata_bytes = int64_t{4} << 20;  // a manifest, index or config
  int64_t max_blob_bytes = int64_t{16} << 30;     // one (compressed) layer blob
  int64_t max_layer_bytes = int64_t{64} << 30;    // one layer's uncompressed tar stream
};

}  // namespace skiff::images
