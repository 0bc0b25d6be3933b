// Model: the trivial reference implementation of the Storage contract used by
// the model-based and fault tests — a snapshot of the key map per revision and
// the event log. Not thread-safe; tests drive it from one thread.
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "apiserver/storage/storage.h"

namespace skiff::storage::testing {

class Model {
 public:
  Model() { states_.emplace_back(); }
  int64_t revision() const { return static_cast<int64_t>(states_.size()) - 1; }
  const std::map<std::string, KeyValue>& current() const { return states_.back(); }
  const std::map<std::string, KeyValue>& at(int64_t rev) const { return states_[rev]; }
  const std::vector<Event>& log() const { return log_; }
  int64_t compacted = 0;

  Result<KeyValue> Create(const std::string& key, const std::string& value) {
    if (current().count(key)) return Status::AlreadyExists(key);
    KeyValue kv{key, value, revision() + 1, revision() + 1};
    Commit(EventType::kCreated, kv);
    return kv;
  }
  Result<KeyValue> Update(const std::string& key, const std::string& value, int64_t expected) {
    auto it = current().find(key);
    if (it == current().end()) return Status::NotFound(key);
    if (expected != 0 && expected != it->second.mod_revision) return Status::Conflict(key);
    KeyValue kv{key, value, it->second.create_revision, revision() + 1};
    Commit(EventType::kUpdated, kv);
    return kv;
  }
  Result<KeyValue> Delete(const std::string& key, int64_t expected) {
    auto it = current().find(key);
    if (it == current().end()) return Status::NotFound(key);
    if (expected != 0 && expected != it->second.mod_revision) return Status::Conflict(key);
    KeyValue kv = it->second;
    kv.mod_revision = revision() + 1;
    Commit(EventType::kDeleted, kv);
    return kv;
  }
  std::vector<KeyValue> List(const std::string& prefix, int64_t rev, const std::string& after,
                             int64_t limit, bool* more) const {
    std::vector<KeyValue> out;
    *more = false;
    for (const auto& [key, kv] : at(rev)) {
      if (key.compare(0, prefix.size(), prefix) != 0 || key <= after) continue;
      if (limit > 0 && static_cast<int64_t>(out.size()) == limit) {
        *more = true;
        break;
      }
      out.push_back(kv);
    }
    return out;
  }

 private:
  void Commit(EventType type, const KeyValue& kv) {
    std::map<std::string, KeyValue> next = current();
    if (type == EventType::kDeleted) {
      next.erase(kv.key);
    } else {
      next[kv.key] = kv;
    }
    states_.push_back(std::move(next));
    log_.push_back(Event{type, kv});
  }
  std::vector<std::map<std::string, KeyValue>> states_;  // index = revision
  std::vector<Event> log_;                               // log_[r-1] has revision r
};

}  // namespace skiff::storage::testing
