// TarBuilder: crafts layer tarballs in tests with libarchive's writer, including
// the hostile ones a registry could serve (.., absolute paths, symlink tricks,
// hard links out, devices, whiteouts, foreign xattrs).
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <string>

namespace skiff::images {

enum class Compression { kNone, kGzip, kZstd };

struct Attrs {
  int mode = 0644;
  int uid = 0;
  int gid = 0;
  time_t mtime = 1700000000;
};

class TarBuilder {
 public:
  explicit TarBuilder(Compression compression = Compression::kNone) : a_(archive_write_new()) {
    archive_write_set_format_pax_restricted(a_);
    if (compression == Compression::kGzip) archive_write_add_filter_gzip(a_);
    if (compression == Compression::kZstd) archive_write_add_filter_zstd(a_);
    archive_write_set_bytes_in_last_block(a_, 1);  // no zero padding after a compressed stream
    archive_write_open(a_, &out_, nullptr, &TarBuilder::Append, nullptr);
  }
  ~TarBuilder() { archive_write_free(a_); }
  TarBuilder(const TarBuilder&) = delete;
  TarBuilder& operator=(const TarBuilder&) = delete;

  TarBuilder& File(const std::string& path, const std::string& content, Attrs attrs = {}) {
    archive_entry* e = Entry(path, AE_IFREG, attrs);
    archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
    Write(e, content);
    return *this;
  }
  TarBuilder& FileWithXattr(const std::string& path, const std::string& content,
                            const std::string& key, const std::string& value) {
    archive_entry* e = Entry(path, AE_IFREG, {});
    archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
    archive_entry_xattr_add_entry(e, key.c_str(), value.data(), value.size());
    Write(e, content);
    return *this;
  }
  TarBuilder& Dir(const std::string& path, Attrs attrs = {.mode = 0755}) {
    Write(Entry(path, AE_IFDIR, attrs), "");
    return *this;
  }
  TarBuilder& Symlink(const std::string& path, const std::string& target) {
    archive_entry* e = Entry(path, AE_IFLNK, {.mode = 0777});
    archive_entry_set_symlink(e, target.c_str());
    Write(e, "");
    return *this;
  }
  TarBuilder& Hardlink(const std::string& path, const std::string& target) {
    archive_entry* e = Entry(path, AE_IFREG, {});
    archive_entry_set_hardlink(e, target.c_str());
    archive_entry_set_size(e, 0);
    Write(e, "");
    return *this;
  }
  TarBuilder& Device(const std::string& path, unsigned type, int major, int minor) {
    archive_entry* e = Entry(path, type, {.mode = 0666});
    archive_entry_set_rdevmajor(e, major);
    archive_entry_set_rdevminor(e, minor);
    Write(e, "");
    return *this;
  }
  // The archive bytes; the builder is spent afterwards.
  std::string Finish() {
    archive_write_close(a_);
    return out_;
  }

 private:
  static la_ssize_t Append(archive*, void* client, const void* buf, size_t n) {
    static_cast<std::string*>(client)->append(static_cast<const char*>(buf), n);
    return static_cast<la_ssize_t>(n);
  }
  archive_entry* Entry(const std::string& path, unsigned type, Attrs attrs) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, path.c_str());
    archive_entry_set_filetype(e, type);
    archive_entry_set_perm(e, attrs.mode);
    archive_entry_set_uid(e, attrs.uid);
    archive_entry_set_gid(e, attrs.gid);
    archive_entry_set_mtime(e, attrs.mtime, 0);
    return e;
  }
  void Write(archive_entry* e, const std::string& content) {
    archive_write_header(a_, e);
    if (!content.empty()) archive_write_data(a_, content.data(), content.size());
    archive_entry_free(e);
  }

  archive* a_;
  std::string out_;
};

}  // namespace skiff::images
