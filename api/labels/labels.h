// Label sets as selectors see them.
//
// Labels is an owned, flat map from key to value: a vector of pairs sorted by
// key, keys unique. Lookups are a binary search; for the handful of labels an
// object carries this beats a hash map in both time and memory.
//
// JsonLabels is a non-owning view of an object's `metadata.labels` JSON object,
// so a selector can match a stored object without copying its labels. The view
// must not outlive the JSON it points to. Entries whose value is not a string
// (invalid objects) are treated as absent.
//
// Both are plain values: thread-compatible (concurrent reads are safe). Nothing
// here fails or throws.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace skiff::api {

class Labels {
 public:
  using Item = std::pair<std::string, std::string>;

  Labels() = default;
  // Later duplicates of a key win, as in a JSON object or a Go map literal.
  Labels(std::initializer_list<Item> items);

  // From a `metadata.labels` JSON object; anything that is not an object yields
  // an empty set and non-string values are skipped.
  static Labels FromJson(const nlohmann::json& labels);
  // From a whole object: reads object["metadata"]["labels"].
  static Labels OfObject(const nlohmann::json& object);

  // Inserts or replaces.
  void Set(std::string key, std::string value);
  // Returns whether the key was present.
  bool Erase(std::string_view key);

  // The value for key, or nullptr when absent.
  const std::string* Find(std::string_view key) const;
  bool Has(std::string_view key) const { return Find(key) != nullptr; }

  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  std::vector<Item>::const_iterator begin() const { return items_.begin(); }
  std::vector<Item>::const_iterator end() const { return items_.end(); }

  // "a=1,b=2", sorted by key (the format of Kubernetes' labels.Set.String()).
  std::string ToString() const;
  nlohmann::json ToJson() const;

  bool operator==(const Labels&) const = default;

 private:
  std::vector<Item> items_;  // sorted by key, unique keys
};

class JsonLabels {
 public:
  // labels is a `metadata.labels` value (object, null, or anything else = empty).
  explicit JsonLabels(const nlohmann::json& labels)
      : labels_(labels.is_object() ? &labels : nullptr) {}
  // A view of object["metadata"]["labels"].
  static JsonLabels OfObject(const nlohmann::json& object);

  const std::string* Find(std::string_view key) const;
  bool Has(std::string_view key) const { return Find(key) != nullptr; }

 private:
  JsonLabels() = default;
  const nlohmann::json* labels_ = nullptr;
};

}  // namespace skiff::api
