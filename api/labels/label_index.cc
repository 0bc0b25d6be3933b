#include "api/labels/label_index.h"

#include <algorithm>

namespace skiff::api {
namespace {

size_t StringBytes(const std::string& s) {
  // Short strings live inside the object (SSO); longer ones own a heap block.
  return s.capacity() > 15 ? s.capacity() + 1 : 0;
}

bool SameLabels(const std::vector<std::pair<std::string_view, std::string_view>>& a,
                const Labels& b) {
  if (a.size() != b.size()) return false;
  size_t i = 0;
  for (const auto& [k, v] : b) {
    if (a[i].first != k || a[i].second != v) return false;
    ++i;
  }
  return true;
}

}  // namespace

void LabelIndex::Upsert(std::string_view id, const Labels& labels) {
  auto it = slot_of_.find(id);
  if (it != slot_of_.end()) {
    uint32_t slot = it->second;
    const Entry& e = entries_[slot];
    std::vector<std::pair<std::string_view, std::string_view>> old;
    old.reserve(e.labels.size());
    for (const Label& l : e.labels) {
      const KeySlot& k = keys_[l.key];
      old.emplace_back(k.text, k.values[l.value].text);
    }
    std::sort(old.begin(), old.end());
    if (SameLabels(old, labels)) return;  // most updates leave labels alone
    RemoveLabels(slot);
    AddLabels(slot, labels);
    return;
  }
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(entries_.size());
    entries_.emplace_back();
  }
  Entry& e = entries_[slot];
  e.id = std::string(id);
  e.live = true;
  slot_of_.emplace(std::string_view(e.id), slot);
  AddLabels(slot, labels);
}

bool LabelIndex::Remove(std::string_view id) {
  auto it = slot_of_.find(id);
  if (it == slot_of_.end()) return false;
  uint32_t slot = it->second;
  slot_of_.erase(it);  // before the id it views
  RemoveLabels(slot);
  entries_[slot] = Entry();
  free_slots_.push_back(slot);
  return true;
}

void LabelIndex::Clear() {
  slot_of_.clear();
  key_ids_.clear();
  entries_.clear();
  free_slots_.clear();
  keys_.clear();
  free_keys_.clear();
}

std::optional<Labels> LabelIndex::Get(std::string_view id) const {
  auto it = slot_of_.find(id);
  if (it == slot_of_.end()) return std::nullopt;
  Labels out;
  for (const Label& l : entries_[it->second].labels) {
    const KeySlot& k = keys_[l.key];
    out.Set(k.text, k.values[l.value].text);
  }
  return out;
}

void LabelIndex::AddLabels(uint32_t slot, const Labels& labels) {
  Entry& e = entries_[slot];
  e.labels.clear();
  e.labels.reserve(labels.size());
  for (const auto& [key, value] : labels) {
    uint32_t kid;
    auto kit = key_ids_.find(key);
    if (kit != key_ids_.end()) {
      kid = kit->second;
    } else {
      if (!free_keys_.empty()) {
        kid = free_keys_.back();
        free_keys_.pop_back();
      } else {
        kid = static_cast<uint32_t>(keys_.size());
        keys_.emplace_back();
      }
      keys_[kid].text = key;
      key_ids_.emplace(std::string_view(keys_[kid].text), kid);
    }
    KeySlot& k = keys_[kid];
    uint32_t vid;
    auto vit = k.value_ids.find(value);
    if (vit != k.value_ids.end()) {
      vid = vit->second;
    } else {
      if (!k.free_values.empty()) {
        vid = k.free_values.back();
        k.free_values.pop_back();
      } else {
        vid = static_cast<uint32_t>(k.values.size());
        k.values.emplace_back();
      }
      k.values[vid].text = value;
      k.value_ids.emplace(std::string_view(k.values[vid].text), vid);
    }
    Posting& vp = k.values[vid].posting;
    e.labels.push_back(
        {kid, vid, static_cast<uint32_t>(k.all.size()), static_cast<uint32_t>(vp.size())});
    k.all.push_back(slot);
    vp.push_back(slot);
  }
}

void LabelIndex::EraseFromPosting(Posting& posting, uint32_t pos, uint32_t key,
                                  bool value_posting) {
  uint32_t moved = posting.back();
  posting[pos] = moved;
  posting.pop_back();
  if (pos == posting.size()) return;  // the erased object was the last one
  for (Label& l : entries_[moved].labels) {
    if (l.key != key) continue;
    (value_posting ? l.value_pos : l.key_pos) = pos;
    return;
  }
}

void LabelIndex::RemoveLabels(uint32_t slot) {
  // An object appears once per posting, so fixing the moved object's positions
  // never touches this entry's own labels.
  std::vector<Label> labels = std::move(entries_[slot].labels);
  entries_[slot].labels.clear();
  for (const Label& l : labels) {
    KeySlot& k = keys_[l.key];
    ValueSlot& v = k.values[l.value];
    EraseFromPosting(v.posting, l.value_pos, l.key, true);
    if (v.posting.empty()) {
      k.value_ids.erase(v.text);  // before the text it views
      v = ValueSlot();
      k.free_values.push_back(l.value);
    }
    EraseFromPosting(k.all, l.key_pos, l.key, false);
    if (k.all.empty()) {
      key_ids_.erase(k.text);
      k = KeySlot();
      free_keys_.push_back(l.key);
    }
  }
}

uint32_t LabelIndex::KeyId(std::string_view key) const {
  auto it = key_ids_.find(key);
  return it == key_ids_.end() ? kNone : it->second;
}

std::vector<LabelIndex::Resolved> LabelIndex::Resolve(const LabelSelector& selector) const {
  std::vector<Resolved> out;
  out.reserve(selector.requirements().size());
  for (const auto& r : selector.requirements()) out.push_back({&r, KeyId(r.key())});
  return out;
}

LabelIndex::Plan LabelIndex::MakePlan(const LabelSelector& selector,
                                      const std::vector<Resolved>& resolved) const {
  Plan best;
  if (selector.MatchesNothing()) return best;  // no postings, no scan: nothing
  best.scan = true;
  best.cost = Size();
  for (const Resolved& r : resolved) {
    if (!r.req->RequiresKey()) continue;
    Plan p;
    if (r.key != kNone) {
      const KeySlot& k = keys_[r.key];
      LabelOperator op = r.req->op();
      if (op == LabelOperator::kEquals || op == LabelOperator::kIn) {
        for (const auto& v : r.req->values()) {
          auto vit = k.value_ids.find(v);
          if (vit == k.value_ids.end()) continue;
          const Posting& posting = k.values[vit->second].posting;
          p.postings.push_back(&posting);
          p.cost += posting.size();
        }
      } else {
        p.postings.push_back(&k.all);
        p.cost = k.all.size();
      }
    }
    if (p.cost < best.cost || (best.scan && p.cost <= best.cost)) best = std::move(p);
    if (best.cost == 0) break;
  }
  return best;
}

bool LabelIndex::EntryMatches(const Entry& e, const std::vector<Resolved>& resolved) const {
  for (const Resolved& r : resolved) {
    const std::string* value = nullptr;
    if (r.key != kNone) {
      for (const Label& l : e.labels) {
        if (l.key == r.key) {
          value = &keys_[l.key].values[l.value].text;
          break;
        }
      }
    }
    // One definition of the semantics: the requirement's own.
    if (!r.req->MatchesValue(value)) return false;
  }
  return true;
}

size_t LabelIndex::CandidateCount(const LabelSelector& selector) const {
  return MakePlan(selector, Resolve(selector)).cost;
}

void LabelIndex::ForEachMatch(const LabelSelector& selector,
                              const std::function<bool(const std::string& id)>& fn) const {
  std::vector<Resolved> resolved = Resolve(selector);
  Plan plan = MakePlan(selector, resolved);
  if (plan.scan) {
    for (const Entry& e : entries_) {
      if (e.live && EntryMatches(e, resolved) && !fn(e.id)) return;
    }
    return;
  }
  // The postings of one key's distinct values are disjoint: no duplicates.
  for (const Posting* posting : plan.postings) {
    for (uint32_t slot : *posting) {
      const Entry& e = entries_[slot];
      if (EntryMatches(e, resolved) && !fn(e.id)) return;
    }
  }
}

std::vector<std::string> LabelIndex::Select(const LabelSelector& selector) const {
  std::vector<std::string> out;
  ForEachMatch(selector, [&out](const std::string& id) {
    out.push_back(id);
    return true;
  });
  return out;
}

size_t LabelIndex::ApproximateBytes() const {
  // A hash node holds the pair, a next pointer and the cached hash; buckets are pointers.
  constexpr size_t kNodeBytes = sizeof(std::pair<const std::string_view, uint32_t>) + 16;
  size_t bytes = entries_.size() * sizeof(Entry) + free_slots_.capacity() * sizeof(uint32_t);
  for (const Entry& e : entries_) {
    bytes += StringBytes(e.id) + e.labels.capacity() * sizeof(Label);
  }
  bytes += slot_of_.bucket_count() * sizeof(void*) + slot_of_.size() * kNodeBytes;
  bytes += key_ids_.bucket_count() * sizeof(void*) + key_ids_.size() * kNodeBytes;
  bytes += keys_.size() * sizeof(KeySlot) + free_keys_.capacity() * sizeof(uint32_t);
  for (const KeySlot& k : keys_) {
    bytes += StringBytes(k.text) + k.all.capacity() * sizeof(uint32_t);
    bytes += k.values.size() * sizeof(ValueSlot) + k.free_values.capacity() * sizeof(uint32_t);
    bytes += k.value_ids.bucket_count() * sizeof(void*) + k.value_ids.size() * kNodeBytes;
    for (const ValueSlot& v : k.values) {
      bytes += StringBytes(v.text) + v.posting.capacity() * sizeof(uint32_t);
    }
  }
  return bytes;
}

}  // namespace skiff::api
