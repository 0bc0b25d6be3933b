// An in-memory inverted index of labels: object id -> labels, with postings
// per key and per key=value, so that selecting by a label selector costs time
// in proportion to the result rather than to the number of objects.
//
// Select() picks, among the requirements that every match must satisfy with the
// key present (=, in, exists, gt, lt), the one with the smallest posting list
// (for "in", the sum over its values) as the candidate set, and checks the
// remaining requirements on each candidate. A selector made only of !=, notin
// and !key (or the empty selector) has no such set and falls back to a scan of
// all objects. Nothing() selects nothing.
//
// Label keys and values are interned (each distinct key, and each distinct
// value of a key, is stored once, and dropped when no object uses it any more),
// so an object costs its id plus 16 bytes per label.
//
// Ids are arbitrary strings (the watch cache uses "namespace/name"). Results
// come in no particular order.
//
// Not thread-safe: the owner (the watch cache) serialises writers against
// readers with its own lock. Concurrent const calls are safe. The callback of
// ForEachMatch must not modify the index. Nothing here fails; memory exhaustion
// throws std::bad_alloc as usual.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "api/labels/label_selector.h"
#include "api/labels/labels.h"

namespace skiff::api {

class LabelIndex {
 public:
  LabelIndex() = default;
  LabelIndex(const LabelIndex&) = delete;
  LabelIndex& operator=(const LabelIndex&) = delete;
  LabelIndex(LabelIndex&&) = default;
  LabelIndex& operator=(LabelIndex&&) = default;

  // Inserts id or replaces its labels.
  void Upsert(std::string_view id, const Labels& labels);
  // Returns whether id was present.
  bool Remove(std::string_view id);
  void Clear();

  size_t Size() const { return slot_of_.size(); }
  bool Contains(std::string_view id) const { return slot_of_.contains(id); }
  // The labels of id (rebuilt from the interned strings), or nullopt.
  std::optional<Labels> Get(std::string_view id) const;

  // The ids whose labels match, in no particular order.
  std::vector<std::string> Select(const LabelSelector& selector) const;
  // Calls fn for each matching id until it returns false.
  void ForEachMatch(const LabelSelector& selector,
                    const std::function<bool(const std::string& id)>& fn) const;
  // How many objects Select would examine (the candidate set size, or Size()
  // for a scan): for tests and for callers choosing between indexes.
  size_t CandidateCount(const LabelSelector& selector) const;

  // Approximate heap bytes held by the index (ids, labels, postings, tables).
  size_t ApproximateBytes() const;

 private:
  using Posting = std::vector<uint32_t>;  // object slots
  static constexpr uint32_t kNone = UINT32_MAX;

  // One label of one object: interned key and value, and where the object sits
  // in that key's posting and in that key=value's posting (for O(1) removal).
  struct Label {
    uint32_t key;
    uint32_t value;
    uint32_t key_pos;
    uint32_t value_pos;
  };
  struct Entry {
    std::string id;
    std::vector<Label> labels;
    bool live = false;
  };
  struct ValueSlot {
    std::string text;
    Posting posting;
  };
  struct KeySlot {
    std::string text;
    Posting all;
    // Deques never move their elements, so the maps may view the texts.
    std::deque<ValueSlot> values;
    std::vector<uint32_t> free_values;
    std::unordered_map<std::string_view, uint32_t> value_ids;
  };
  // A requirement with its key resolved to an interned id (kNone: no object has it).
  struct Resolved {
    const LabelRequirement* req;
    uint32_t key;
  };
  // The postings to walk; scan means "all objects". Neither: nothing matches.
  struct Plan {
    bool scan = false;
    std::vector<const Posting*> postings;
    size_t cost = 0;
  };

  uint32_t KeyId(std::string_view key) const;
  std::vector<Resolved> Resolve(const LabelSelector& selector) const;
  Plan MakePlan(const LabelSelector& selector, const std::vector<Resolved>& resolved) const;
  bool EntryMatches(const Entry& e, const std::vector<Resolved>& resolved) const;

  void AddLabels(uint32_t slot, const Labels& labels);
  void RemoveLabels(uint32_t slot);
  // Removes the object at pos of posting and fixes the position recorded by the
  // object moved into its place.
  void EraseFromPosting(Posting& posting, uint32_t pos, uint32_t key, bool value_posting);

  // Keys view Entry::id / KeySlot::text, which deques keep in place.
  std::unordered_map<std::string_view, uint32_t> slot_of_;
  std::deque<Entry> entries_;
  std::vector<uint32_t> free_slots_;
  std::unordered_map<std::string_view, uint32_t> key_ids_;
  std::deque<KeySlot> keys_;
  std::vector<uint32_t> free_keys_;
};

}  // namespace skiff::api
