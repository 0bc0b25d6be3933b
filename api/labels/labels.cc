#include "api/labels/labels.h"

#include <algorithm>

namespace skiff::api {
namespace {

const nlohmann::json* LabelsOf(const nlohmann::json& object) {
  if (!object.is_object()) return nullptr;
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return nullptr;
  auto labels = meta->find("labels");
  if (labels == meta->end() || !labels->is_object()) return nullptr;
  return &*labels;
}

}  // namespace

Labels::Labels(std::initializer_list<Item> items) {
  for (const auto& [k, v] : items) Set(k, v);
}

Labels Labels::FromJson(const nlohmann::json& labels) {
  Labels out;
  if (!labels.is_object()) return out;
  out.items_.reserve(labels.size());
  // nlohmann's object is a std::map: iteration is already sorted by key.
  for (const auto& [k, v] : labels.items()) {
    if (v.is_string()) out.items_.emplace_back(k, v.get_ref<const std::string&>());
  }
  return out;
}

Labels Labels::OfObject(const nlohmann::json& object) {
  const nlohmann::json* labels = LabelsOf(object);
  return labels ? FromJson(*labels) : Labels();
}

void Labels::Set(std::string key, std::string value) {
  auto it = std::lower_bound(items_.begin(), items_.end(), key,
                             [](const Item& a, const std::string& k) { return a.first < k; });
  if (it != items_.end() && it->first == key) {
    it->second = std::move(value);
  } else {
    items_.emplace(it, std::move(key), std::move(value));
  }
}

bool Labels::Erase(std::string_view key) {
  auto it = std::lower_bound(items_.begin(), items_.end(), key,
                             [](const Item& a, std::string_view k) { return a.first < k; });
  if (it == items_.end() || it->first != key) return false;
  items_.erase(it);
  return true;
}

const std::string* Labels::Find(std::string_view key) const {
  // Linear search is faster than binary search for the few labels objects carry.
  if (items_.size() <= 8) {
    for (const auto& item : items_) {
      if (item.first == key) return &item.second;
    }
    return nullptr;
  }
  auto it = std::lower_bound(items_.begin(), items_.end(), key,
                             [](const Item& a, std::string_view k) { return a.first < k; });
  if (it == items_.end() || it->first != key) return nullptr;
  return &it->second;
}

std::string Labels::ToString() const {
  std::string out;
  for (const auto& [k, v] : items_) {
    if (!out.empty()) out += ',';
    out += k;
    out += '=';
    out += v;
  }
  return out;
}

nlohmann::json Labels::ToJson() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [k, v] : items_) out[k] = v;
  return out;
}

JsonLabels JsonLabels::OfObject(const nlohmann::json& object) {
  JsonLabels view;
  view.labels_ = LabelsOf(object);
  return view;
}

const std::string* JsonLabels::Find(std::string_view key) const {
  if (labels_ == nullptr) return nullptr;
  auto it = labels_->find(key);
  if (it == labels_->end() || !it->is_string()) return nullptr;
  return &it->get_ref<const std::string&>();
}

}  // namespace skiff::api
