// UnpackLayer: one image layer (a tar, plain or gzip- or zstd-compressed) into a
// new directory laid out for overlayfs, safely against hostile archives.
//
// Safety rules (see docs/images.md):
//   - every entry name is cleaned; a leading '/' is dropped, a ".." that climbs
//     above the layer is rejected;
//   - parent directories are opened one component at a time with openat2
//     RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS, so an entry below a symlink (even one the
//     archive itself made, like "evil -> /etc" then "evil/passwd") is rejected;
//     files are created with O_EXCL|O_NOFOLLOW and never through a symlink;
//   - hard links must point at an entry already unpacked inside the layer;
//   - ".wh.<name>" becomes an overlayfs whiteout (char device 0/0) and
//     ".wh..wh..opq" the xattr trusted.overlay.opaque=y on its directory; other
//     ".wh..wh." entries are dropped; archive xattrs are kept only in the user.*
//     and security.capability namespaces (never trusted.overlay.*);
//   - character and block devices are skipped unless allowed; FIFOs are kept;
//   - ownership (when asked), modes including setuid bits, and mtimes are kept;
//     directory metadata is applied after their contents are written.
// The uncompressed stream is hashed on the way through: its sha256 is the layer's
// diff id, checked against the expected one when given. A stream longer than
// max_bytes (a decompression bomb, an endless layer) fails the unpack.
//
// The layer is unpacked into a sibling temp directory renamed to dest_dir at the
// end, so on any failure (bad entry, I/O error, diff id mismatch) nothing is left.
// Thread-compatible: concurrent calls with different dest_dir are fine.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "nodeagent/images/image_limits.h"

namespace skiff::images {

struct UnpackOptions {
  bool allow_devices = false;    // create char/block device nodes from the archive
  bool keep_ownership = true;    // chown entries to the archive's uid/gid (needs root)
  std::string expected_diff_id;  // "sha256:…" of the uncompressed tar; empty = not checked
  // The uncompressed tar stream may not pass this many bytes (ImageLimits).
  int64_t max_bytes = ImageLimits{}.max_layer_bytes;
};

struct UnpackStats {
  std::string diff_id;
  int64_t entries = 0;
  int64_t skipped_devices = 0;
  int64_t whiteouts = 0;
};

// dest_dir must not exist; its parent must.
Result<UnpackStats> UnpackLayer(const std::string& archive_path, const std::string& dest_dir,
                                const UnpackOptions& options = {});

}  // namespace skiff::images
