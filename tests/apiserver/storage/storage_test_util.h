// Helpers shared by the storage tests: temporary directories, one backend
// fixture per Storage implementation (the contract suite is templated on
// them), and watcher draining with a deadline.
#pragma once

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "apiserver/storage/factory.h"
#include "apiserver/storage/storage.h"

namespace skiff::storage::testing {

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    auto base = std::filesystem::temp_directory_path();
    path_ = base / ("skiff-storage-test-" + std::to_string(::getpid()) + "-" +
                    std::to_string(counter.fetch_add(1)));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Backends: Open() returns a store; Reopen() closes it and opens the same data
// (for the memory backend, data does not survive, so durable() is false).
struct MemoryBackend {
  static constexpr const char* kName = "memory";
  static constexpr bool durable() { return false; }
  std::unique_ptr<Storage> Open(size_t watch_buffer = 10000) {
    MemoryOptions options;
    options.watch_buffer = watch_buffer;
    return NewMemoryStorage(options);
  }
};

struct SqliteBackend {
  static constexpr const char* kName = "sqlite";
  static constexpr bool durable() { return true; }
  TempDir dir;
  SqliteOptions Options(size_t watch_buffer = 10000) const {
    SqliteOptions options;
    options.path = dir.File("store.db");
    options.watch_buffer = watch_buffer;
    return options;
  }
  std::unique_ptr<Storage> Open(size_t watch_buffer = 10000) {
    Result<std::unique_ptr<Storage>> store = NewSqliteStorage(Options(watch_buffer));
    if (!store.ok()) throw std::runtime_error(store.status().ToString());
    return std::move(store).value();
  }
};

// Reads events until n have arrived, the stream ends, or the deadline passes.
inline std::vector<Event> Drain(Watcher& w, size_t n,
                                std::chrono::milliseconds deadline = std::chrono::seconds(5)) {
  std::vector<Event> out;
  auto until = std::chrono::steady_clock::now() + deadline;
  while (out.size() < n && std::chrono::steady_clock::now() < until) {
    std::vector<Event> got = w.Next(std::chrono::milliseconds(50));
    if (got.empty() && !w.status().ok()) break;
    out.insert(out.end(), got.begin(), got.end());
  }
  return out;
}

// Reads whatever arrives within a short quiet period (to check that nothing
// more comes).
inline std::vector<Event> DrainQuiet(
    Watcher& w, std::chrono::milliseconds quiet = std::chrono::milliseconds(100)) {
  std::vector<Event> out;
  for (;;) {
    std::vector<Event> got = w.Next(quiet);
    if (got.empty()) return out;
    out.insert(out.end(), got.begin(), got.end());
  }
}

inline std::vector<std::string> Keys(const std::vector<KeyValue>& kvs) {
  std::vector<std::string> keys;
  for (const auto& kv : kvs) keys.push_back(kv.key);
  return keys;
}

inline const char* TypeName(EventType t) {
  switch (t) {
    case EventType::kCreated:
      return "CREATED";
    case EventType::kUpdated:
      return "UPDATED";
    case EventType::kDeleted:
      return "DELETED";
  }
  return "?";
}

}  // namespace skiff::storage::testing

namespace skiff::storage {

// Printers so Catch2 shows values on failure.
inline std::ostream& operator<<(std::ostream& os, const KeyValue& kv) {
  return os << "{" << kv.key << " = \"" << kv.value.substr(0, 40) << "\" create "
            << kv.create_revision << " mod " << kv.mod_revision << "}";
}
inline std::ostream& operator<<(std::ostream& os, const Event& e) {
  return os << testing::TypeName(e.type) << " " << e.kv;
}

}  // namespace skiff::storage
