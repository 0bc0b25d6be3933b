#include "apiserver/storage/memory_storage.h"

#include <algorithm>
#include <utility>

#include "apiserver/storage/factory.h"

namespace skiff::storage {

namespace {

bool HasPrefix(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

Status EmptyKey() { return Status::BadRequest("empty key"); }

}  // namespace

MemoryStorage::MemoryStorage(size_t watch_buffer, size_t watch_buffer_bytes)
    : hub_(watch_buffer, watch_buffer_bytes) {}

MemoryStorage::~MemoryStorage() { hub_.Close(); }

const KeyValue* MemoryStorage::CurrentLocked(const std::string& key) const {
  auto it = keys_.find(key);
  if (it == keys_.end() || it->second.empty() || it->second.back().deleted) return nullptr;
  return &it->second.back().kv;
}

void MemoryStorage::CommitLocked(EventType type, const KeyValue& kv) {
  revision_ = kv.mod_revision;
  keys_[kv.key].push_back(Version{type == EventType::kDeleted, kv});
  Event event{type, kv};
  log_.push_back(event);
  hub_.Publish({event});
}

Result<KeyValue> MemoryStorage::Get(const std::string& key) {
  if (key.empty()) return EmptyKey();
  std::lock_guard<std::mutex> lock(mu_);
  const KeyValue* kv = CurrentLocked(key);
  if (kv == nullptr) return Status::NotFound("key " + key + " not found");
  return *kv;
}

Result<ListResult> MemoryStorage::List(const std::string& prefix, const ListOptions& opts) {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t at = opts.revision == 0 ? revision_ : opts.revision;
  if (at > revision_) {
    return Status::BadRequest("revision " + std::to_string(at) + " is in the future (current " +
                              std::to_string(revision_) + ")");
  }
  if (at < compacted_) {
    return Status::Gone("revision " + std::to_string(at) + " has been compacted (compacted " +
                        std::to_string(compacted_) + ")");
  }
  ListResult result;
  result.revision = at;
  auto it = keys_.lower_bound(prefix);
  if (!opts.start_after.empty() && opts.start_after >= prefix) {
    it = keys_.upper_bound(opts.start_after);
  }
  for (; it != keys_.end() && HasPrefix(it->first, prefix); ++it) {
    const std::vector<Version>& versions = it->second;
    auto v = std::upper_bound(versions.begin(), versions.end(), at,
                              [](int64_t r, const Version& x) { return r < x.kv.mod_revision; });
    if (v == versions.begin()) continue;
    --v;
    if (v->deleted) continue;
    if (opts.limit > 0 && static_cast<int64_t>(result.items.size()) == opts.limit) {
      result.more = true;
      break;
    }
    result.items.push_back(v->kv);
  }
  return result;
}

Result<int64_t> MemoryStorage::Count(const std::string& prefix) {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t n = 0;
  for (auto it = keys_.lower_bound(prefix); it != keys_.end() && HasPrefix(it->first, prefix);
       ++it) {
    n += it->second.back().deleted ? 0 : 1;
  }
  return n;
}

Result<KeyValue> MemoryStorage::Create(const std::string& key, const std::string& value) {
  if (key.empty()) return EmptyKey();
  std::lock_guard<std::mutex> lock(mu_);
  if (CurrentLocked(key) != nullptr) return Status::AlreadyExists("key " + key + " exists");
  KeyValue kv{key, value, revision_ + 1, revision_ + 1};
  CommitLocked(EventType::kCreated, kv);
  return kv;
}

Result<KeyValue> MemoryStorage::Update(const std::string& key, const std::string& value,
                                       int64_t expected_revision) {
  if (key.empty()) return EmptyKey();
  std::lock_guard<std::mutex> lock(mu_);
  const KeyValue* current = CurrentLocked(key);
  if (current == nullptr) return Status::NotFound("key " + key + " not found");
  if (expected_revision != 0 && expected_revision != current->mod_revision) {
    return Status::Conflict("key " + key + " is at revision " +
                            std::to_string(current->mod_revision) + ", not " +
                            std::to_string(expected_revision));
  }
  KeyValue kv{key, value, current->create_revision, revision_ + 1};
  CommitLocked(EventType::kUpdated, kv);
  return kv;
}

Result<KeyValue> MemoryStorage::Delete(const std::string& key, int64_t expected_revision) {
  if (key.empty()) return EmptyKey();
  std::lock_guard<std::mutex> lock(mu_);
  const KeyValue* current = CurrentLocked(key);
  if (current == nullptr) return Status::NotFound("key " + key + " not found");
  if (expected_revision != 0 && expected_revision != current->mod_revision) {
    return Status::Conflict("key " + key + " is at revision " +
                            std::to_string(current->mod_revision) + ", not " +
                            std::to_string(expected_revision));
  }
  KeyValue kv = *current;
  kv.mod_revision = revision_ + 1;
  CommitLocked(EventType::kDeleted, kv);
  return kv;
}

Result<std::vector<Event>> MemoryStorage::Replay(const std::string& prefix, int64_t after,
                                                 int64_t upto) {
  std::lock_guard<std::mutex> lock(mu_);
  if (after < compacted_) {
    return Status::Gone("watch from revision " + std::to_string(after) +
                        ": history compacted up to " + std::to_string(compacted_));
  }
  std::vector<Event> events;
  auto it = std::upper_bound(log_.begin(), log_.end(), after,
                             [](int64_t r, const Event& e) { return r < e.kv.mod_revision; });
  for (; it != log_.end() && it->kv.mod_revision <= upto; ++it) {
    if (HasPrefix(it->kv.key, prefix)) events.push_back(*it);
  }
  return events;
}

Result<std::unique_ptr<Watcher>> MemoryStorage::Watch(const std::string& prefix,
                                                      int64_t after_revision) {
  if (after_revision < 0) return Status::BadRequest("negative revision");
  if (after_revision > 0 && after_revision < CompactedRevision()) {
    return Status::Gone("watch from revision " + std::to_string(after_revision) +
                        ": history compacted up to " + std::to_string(CompactedRevision()));
  }
  return hub_.Watch(
      prefix, after_revision,
      [this](const std::string& p, int64_t after, int64_t upto) { return Replay(p, after, upto); });
}

Status MemoryStorage::Compact(int64_t revision) {
  std::lock_guard<std::mutex> lock(mu_);
  if (revision > revision_) {
    return Status::BadRequest("compact to " + std::to_string(revision) + " beyond current " +
                              std::to_string(revision_));
  }
  if (revision <= compacted_) return Status::Ok();
  compacted_ = revision;
  while (!log_.empty() && log_.front().kv.mod_revision <= revision) log_.pop_front();
  for (auto it = keys_.begin(); it != keys_.end();) {
    std::vector<Version>& versions = it->second;
    auto latest =
        std::upper_bound(versions.begin(), versions.end(), revision,
                         [](int64_t r, const Version& x) { return r < x.kv.mod_revision; });
    if (latest != versions.begin()) {
      --latest;  // the key's state at `revision`: keep it unless it is a tombstone
      versions.erase(versions.begin(), latest->deleted ? latest + 1 : latest);
    }
    it = versions.empty() ? keys_.erase(it) : std::next(it);
  }
  return Status::Ok();
}

int64_t MemoryStorage::CurrentRevision() {
  std::lock_guard<std::mutex> lock(mu_);
  return revision_;
}

int64_t MemoryStorage::CompactedRevision() {
  std::lock_guard<std::mutex> lock(mu_);
  return compacted_;
}

std::unique_ptr<Storage> NewMemoryStorage() { return std::make_unique<MemoryStorage>(); }

std::unique_ptr<Storage> NewMemoryStorage(const MemoryOptions& options) {
  return std::make_unique<MemoryStorage>(options.watch_buffer, options.watch_buffer_bytes);
}

}  // namespace skiff::storage
