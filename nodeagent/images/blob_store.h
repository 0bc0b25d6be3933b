// BlobStore: content-addressed blobs (manifests, configs, compressed layers) under
// <root>/blobs/sha256/<hex>, verified while they are written.
//
// A blob is written to <root>/tmp through a BlobWriter that hashes every byte;
// Commit fsyncs it, checks digest and size against what the caller expected and
// renames it into place. A mismatch or any failure returns an error and leaves
// nothing behind (the temp file is removed; an abandoned writer removes it on
// destruction). Blobs are immutable once in place, so concurrent readers need no
// locks; committing the same digest twice is harmless (same content).
// Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "nodeagent/images/digest.h"
#include "nodeagent/images/fs_util.h"

namespace skiff::images {

// What a blob must turn out to be; empty fields are not checked. max_size bounds
// a blob whose size is not declared, and refuses a declared size above it.
struct BlobExpectation {
  std::string digest;
  std::optional<int64_t> size;
  std::optional<int64_t> max_size;
};

// The most bytes a writer for expect may take: the declared size, else
// max_size, else none. Invalid when the declared size is above max_size.
Result<std::optional<int64_t>> BlobBound(const BlobExpectation& expect);

class BlobWriter {
 public:
  ~BlobWriter();
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;

  // Invalid (and the blob discarded) when the data would pass the writer's bound.
  Status Write(const void* data, size_t size);
  Status Write(std::string_view data) { return Write(data.data(), data.size()); }
  int64_t written() const { return written_; }
  // Verifies, fsyncs and moves the blob into the store; returns its digest.
  // Invalid on a digest or size mismatch (nothing is kept). Call at most once.
  Result<std::string> Commit(const BlobExpectation& expect = {});

 private:
  friend class BlobStore;
  BlobWriter(std::string blobs_dir, std::string temp_path, UniqueFd fd,
             std::optional<int64_t> bound, bool declared);
  void Discard();

  std::string blobs_dir_;
  std::string temp_path_;
  UniqueFd fd_;
  Sha256 hash_;
  int64_t written_ = 0;
  std::optional<int64_t> bound_;
  bool declared_ = false;
  bool done_ = false;
};

class BlobStore {
 public:
  // Creates <root>/blobs/sha256 and <root>/tmp as needed.
  static Result<std::unique_ptr<BlobStore>> Open(const std::string& root);

  // A writer that refuses to grow past bound (BlobBound), when given; declared:
  // the bound is the size the blob's descriptor declares (for the error).
  Result<std::unique_ptr<BlobWriter>> NewWriter(std::optional<int64_t> bound = {},
                                                bool declared = false);
  // One-shot forms of NewWriter + Write + Commit, bounded by BlobBound(expect).
  Result<std::string> Put(std::string_view data, const BlobExpectation& expect = {});
  Result<std::string> PutFile(const std::string& path, const BlobExpectation& expect = {});
  // The rest of an open file; name is for errors. A regular file whose size is
  // not the declared one is refused before anything is copied.
  Result<std::string> PutFd(int fd, const std::string& name, const BlobExpectation& expect = {});

  bool Has(std::string_view digest) const;
  // Where a blob lives (whether or not it exists). digest must be valid.
  std::string PathOf(std::string_view digest) const;
  // The whole blob, for small ones (manifests, configs). NotFound when absent.
  Result<std::string> Read(std::string_view digest) const;
  Result<int64_t> SizeOf(std::string_view digest) const;
  // OK when the blob is already absent.
  Status Remove(std::string_view digest);
  Result<std::vector<std::string>> List() const;

  const std::string& root() const { return root_; }

 private:
  explicit BlobStore(std::string root) : root_(std::move(root)) {}
  std::string blobs_dir() const { return root_ + "/blobs/sha256"; }

  std::string root_;
};

}  // namespace skiff::images
