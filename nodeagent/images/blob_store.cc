#include "nodeagent/images/blob_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace skiff::images {

Result<std::optional<int64_t>> BlobBound(const BlobExpectation& expect) {
  if (expect.size && expect.max_size && *expect.size > *expect.max_size) {
    return Status(Code::kInvalid, "declared size of " + std::to_string(*expect.size) +
                                      " bytes is more than the limit of " +
                                      std::to_string(*expect.max_size));
  }
  if (expect.size) return std::optional<int64_t>(*expect.size);
  return expect.max_size;
}

BlobWriter::BlobWriter(std::string blobs_dir, std::string temp_path, UniqueFd fd,
                       std::optional<int64_t> bound, bool declared)
    : blobs_dir_(std::move(blobs_dir)),
      temp_path_(std::move(temp_path)),
      fd_(std::move(fd)),
      bound_(bound),
      declared_(declared) {}

BlobWriter::~BlobWriter() {
  if (!done_) Discard();
}

void BlobWriter::Discard() {
  fd_ = UniqueFd();
  ::unlink(temp_path_.c_str());
  done_ = true;
}

Status BlobWriter::Write(const void* data, size_t size) {
  if (done_) return Status::Internal("blob writer used after commit");
  if (bound_ && static_cast<uint64_t>(written_) + size > static_cast<uint64_t>(*bound_)) {
    Discard();
    std::string bound = std::to_string(*bound_);
    return Status(Code::kInvalid, declared_ ? "blob size mismatch: more than the " + bound +
                                                  " bytes its descriptor declares"
                                            : "blob larger than the limit of " + bound + " bytes");
  }
  const char* p = static_cast<const char*>(data);
  hash_.Update(p, size);
  while (size > 0) {
    ssize_t n = ::write(fd_.get(), p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      Discard();
      return Status::FromErrno(err, "write " + temp_path_);
    }
    p += n;
    size -= static_cast<size_t>(n);
    written_ += n;
  }
  return Status::Ok();
}

Result<std::string> BlobWriter::Commit(const BlobExpectation& expect) {
  if (done_) return Status::Internal("blob writer committed twice or after a failed write");
  std::string digest = hash_.Finish();
  if (!expect.digest.empty() && expect.digest != digest) {
    Discard();
    return Status(Code::kInvalid,
                  "blob digest mismatch: expected " + expect.digest + ", got " + digest);
  }
  if (expect.size && *expect.size != written_) {
    Discard();
    return Status(Code::kInvalid, "blob " + digest + " size mismatch: expected " +
                                      std::to_string(*expect.size) + " bytes, got " +
                                      std::to_string(written_));
  }
  if (::fsync(fd_.get()) != 0) {
    int err = errno;
    Discard();
    return Status::FromErrno(err, "fsync " + temp_path_);
  }
  std::string final_path = blobs_dir_ + "/" + digest.substr(kSha256Prefix.size());
  if (::fchmod(fd_.get(), 0444) != 0 || ::rename(temp_path_.c_str(), final_path.c_str()) != 0) {
    int err = errno;
    Discard();
    return Status::FromErrno(err, "store blob " + digest);
  }
  fd_ = UniqueFd();
  done_ = true;
  SKIFF_RETURN_IF_ERROR(SyncDir(blobs_dir_));
  return digest;
}

Result<std::unique_ptr<BlobStore>> BlobStore::Open(const std::string& root) {
  std::unique_ptr<BlobStore> store(new BlobStore(root));
  SKIFF_RETURN_IF_ERROR(MakeDirs(store->blobs_dir()));
  SKIFF_RETURN_IF_ERROR(MakeDirs(root + "/tmp"));
  return store;
}

Result<std::unique_ptr<BlobWriter>> BlobStore::NewWriter(std::optional<int64_t> bound,
                                                         bool declared) {
  std::string temp = root_ + "/tmp/blob-XXXXXX";
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "create temp blob in " + root_ + "/tmp");
  return std::unique_ptr<BlobWriter>(
      new BlobWriter(blobs_dir(), temp, UniqueFd(fd), bound, declared));
}

Result<std::string> BlobStore::Put(std::string_view data, const BlobExpectation& expect) {
  auto bound = BlobBound(expect);
  if (!bound.ok()) return bound.status();
  auto writer = NewWriter(*bound, expect.size.has_value());
  if (!writer.ok()) return writer.status();
  SKIFF_RETURN_IF_ERROR((*writer)->Write(data));
  return (*writer)->Commit(expect);
}

Result<std::string> BlobStore::PutFile(const std::string& path, const BlobExpectation& expect) {
  UniqueFd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.valid()) return Status::FromErrno(errno, "open " + path);
  return PutFd(in.get(), path, expect);
}

Result<std::string> BlobStore::PutFd(int fd, const std::string& name,
                                     const BlobExpectation& expect) {
  auto bound = BlobBound(expect);
  if (!bound.ok()) return bound.status().WithContext(name);
  struct stat st;
  if (::fstat(fd, &st) != 0) return Status::FromErrno(errno, "stat " + name);
  if (S_ISREG(st.st_mode) && expect.size && st.st_size != *expect.size) {
    return Status(Code::kInvalid, name + ": " + std::to_string(st.st_size) +
                                      " bytes but its descriptor says " +
                                      std::to_string(*expect.size));
  }
  auto writer = NewWriter(*bound, expect.size.has_value());
  if (!writer.ok()) return writer.status();
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno(errno, "read " + name);
    }
    if (n == 0) break;
    Status written = (*writer)->Write(buf, static_cast<size_t>(n));
    if (!written.ok()) return written.WithContext(name);
  }
  auto digest = (*writer)->Commit(expect);
  if (!digest.ok()) return digest.status().WithContext(name);
  return digest;
}

std::string BlobStore::PathOf(std::string_view digest) const {
  return blobs_dir() + "/" + std::string(digest.substr(kSha256Prefix.size()));
}

bool BlobStore::Has(std::string_view digest) const {
  return IsValidDigest(digest) && PathExists(PathOf(digest));
}

Result<std::string> BlobStore::Read(std::string_view digest) const {
  if (!IsValidDigest(digest)) return DigestHex(digest).status();
  auto data = ReadFile(PathOf(digest));
  if (!data.ok() && data.status().code() == Code::kNotFound) {
    return Status::NotFound("blob " + std::string(digest) + " not found");
  }
  return data;
}

Result<int64_t> BlobStore::SizeOf(std::string_view digest) const {
  if (!IsValidDigest(digest)) return DigestHex(digest).status();
  struct stat st;
  if (::stat(PathOf(digest).c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::NotFound("blob " + std::string(digest) + " not found");
    return Status::FromErrno(errno, "stat blob " + std::string(digest));
  }
  return static_cast<int64_t>(st.st_size);
}

Status BlobStore::Remove(std::string_view digest) {
  if (!IsValidDigest(digest)) return DigestHex(digest).status();
  if (::unlink(PathOf(digest).c_str()) != 0 && errno != ENOENT) {
    return Status::FromErrno(errno, "remove blob " + std::string(digest));
  }
  return Status::Ok();
}

Result<std::vector<std::string>> BlobStore::List() const {
  DIR* dir = ::opendir(blobs_dir().c_str());
  if (dir == nullptr) return Status::FromErrno(errno, "open " + blobs_dir());
  std::vector<std::string> out;
  while (dirent* e = ::readdir(dir)) {
    std::string digest = std::string(kSha256Prefix) + e->d_name;
    if (IsValidDigest(digest)) out.push_back(std::move(digest));
  }
  ::closedir(dir);
  return out;
}

}  // namespace skiff::images
