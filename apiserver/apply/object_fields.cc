#include "apiserver/apply/object_fields.h"

#include <charconv>
#include <map>
#include <string>

namespace skiff::apiserver::apply {
namespace {

using nlohmann::json;

bool Granular(NodeKind kind) { return kind != NodeKind::kLeaf; }
bool IsList(NodeKind kind) { return kind == NodeKind::kListMap || kind == NodeKind::kSet; }

void Collect(const json& value, const ObjectShape& shape, SetStyle style, FieldPath& path, FieldSet& out) {
  NodeKind kind = shape.KindOf(value);
  if (kind == NodeKind::kLeaf) {
    if (!path.empty()) out.Insert(path);
    return;
  }
  bool self = style == SetStyle::kUpdated && kind != NodeKind::kStruct && !path.empty();
  if (self) out.Insert(path);
  if (IsList(kind)) {
    ObjectShape item_shape = shape.Item();
    for (const json& item : value) {
      path.push_back(shape.ItemElement(item));
      out.Insert(path);
      Collect(item, item_shape, style, path, out);
      path.pop_back();
    }
    return;
  }
  for (auto it = value.begin(); it != value.end(); ++it) {
    path.push_back(FieldElement(it.key()));
    Collect(it.value(), shape.Child(it.key()), style, path, out);
    path.pop_back();
  }
}

// The items of a list-map or set by their path element (the first of duplicates wins).
std::map<std::string, const json*> ItemsByElement(const json& list, const ObjectShape& shape) {
  std::map<std::string, const json*> out;
  for (const json& item : list) out.emplace(shape.ItemElement(item), &item);
  return out;
}

class Differ {
 public:
  explicit Differ(Comparison& out) : out_(out) {}

  void Diff(const json& old_value, const json& new_value, const ObjectShape& shape, FieldPath& path) {
    NodeKind old_kind = shape.KindOf(old_value);
    NodeKind new_kind = shape.KindOf(new_value);
    bool maps = old_value.is_object() && new_value.is_object() &&
                (Granular(old_kind) || Granular(new_kind)) && !IsList(old_kind) && !IsList(new_kind);
    if (maps) return DiffMaps(old_value, new_value, shape, path);
    if (IsList(new_kind) && old_kind == new_kind) return DiffLists(old_value, new_value, shape, path);
    if (old_value != new_value && !path.empty()) out_.modified.Insert(path);
  }

 private:
  void Added(const json& value, const ObjectShape& shape, FieldPath& path) {
    Collect(value, shape, SetStyle::kUpdated, path, out_.added);
  }
  void Removed(const json& value, const ObjectShape& shape, FieldPath& path) {
    out_.removed.Insert(path);
    Collect(value, shape, SetStyle::kUpdated, path, out_.removed);
  }

  void DiffMaps(const json& old_value, const json& new_value, const ObjectShape& shape, FieldPath& path) {
    for (auto it = new_value.begin(); it != new_value.end(); ++it) {
      path.push_back(FieldElement(it.key()));
      auto old_it = old_value.find(it.key());
      if (old_it == old_value.end()) {
        Added(it.value(), shape.Child(it.key()), path);
      } else {
        Diff(*old_it, it.value(), shape.Child(it.key()), path);
      }
      path.pop_back();
    }
    for (auto it = old_value.begin(); it != old_value.end(); ++it) {
      if (new_value.contains(it.key())) continue;
      path.push_back(FieldElement(it.key()));
      Removed(it.value(), shape.Child(it.key()), path);
      path.pop_back();
    }
  }

  void DiffLists(const json& old_list, const json& new_list, const ObjectShape& shape, FieldPath& path) {
    ObjectShape item_shape = shape.Item();
    std::map<std::string, const json*> old_items = ItemsByElement(old_list, shape);
    std::map<std::string, const json*> new_items = ItemsByElement(new_list, shape);
    for (const auto& [element, item] : new_items) {
      path.push_back(element);
      auto old_it = old_items.find(element);
      if (old_it == old_items.end()) {
        out_.added.Insert(path);
        Added(*item, item_shape, path);
      } else {
        Diff(*old_it->second, *item, item_shape, path);
      }
      path.pop_back();
    }
    for (const auto& [element, item] : old_items) {
      if (new_items.count(element)) continue;
      path.push_back(element);
      Removed(*item, item_shape, path);
      path.pop_back();
    }
  }

  Comparison& out_;
};

// The index of the list item named by element, or -1.
int FindItem(const json& list, const std::string& element, const ObjectShape& list_shape) {
  if (element.rfind("i:", 0) == 0) {
    size_t index = 0;
    auto [end, ec] = std::from_chars(element.data() + 2, element.data() + element.size(), index);
    bool valid = ec == std::errc() && end == element.data() + element.size();
    return valid && index < list.size() ? static_cast<int>(index) : -1;
  }
  NodeKind kind = list_shape.KindOf(list);
  if (!IsList(kind)) return -1;
  for (size_t i = 0; i < list.size(); ++i) {
    if (list_shape.ItemElement(list[i]) == element) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

FieldSet FieldSetOf(const json& value, const ObjectShape& shape, SetStyle style) {
  FieldSet out;
  FieldPath path;
  Collect(value, shape, style, path, out);
  return out;
}

Comparison Compare(const json& old_value, const json& new_value, const ObjectShape& shape) {
  Comparison out;
  FieldPath path;
  Differ(out).Diff(old_value, new_value, shape, path);
  return out;
}

json MergeApplied(const json& live, const json& config, const ObjectShape& shape) {
  NodeKind config_kind = shape.KindOf(config);
  NodeKind live_kind = shape.KindOf(live);
  if (config.is_object() && !IsList(config_kind) && (Granular(config_kind) || Granular(live_kind))) {
    json out = live.is_object() ? live : json::object();
    for (auto it = config.begin(); it != config.end(); ++it) {
      if (it.value().is_null()) {
        out.erase(it.key());
        continue;
      }
      auto current = out.find(it.key());
      out[it.key()] = MergeApplied(current == out.end() ? json() : *current, it.value(), shape.Child(it.key()));
    }
    return out;
  }
  if (IsList(config_kind) && (live_kind == config_kind || live.is_null())) {
    json out = live.is_array() ? live : json::array();
    ObjectShape item_shape = shape.Item();
    for (const json& item : config) {
      int at = FindItem(out, shape.ItemElement(item), shape);
      if (at < 0) {
        out.push_back(MergeApplied(json(), item, item_shape));
      } else {
        out[at] = MergeApplied(out[at], item, item_shape);
      }
    }
    return out;
  }
  return config;
}

void RemoveField(json& value, const FieldPath& path, const ObjectShape& shape) {
  json* node = &value;
  ObjectShape node_shape = shape;
  for (size_t i = 0; i < path.size(); ++i) {
    const std::string& element = path[i];
    bool last = i + 1 == path.size();
    if (element.rfind("f:", 0) == 0) {
      std::string name = element.substr(2);
      if (!node->is_object() || !node->contains(name)) return;
      if (last) {
        node->erase(name);
        return;
      }
      node = &(*node)[name];
      node_shape = node_shape.Child(name);
      continue;
    }
    if (!node->is_array()) return;
    int at = FindItem(*node, element, node_shape);
    if (at < 0) return;
    if (last) {
      node->erase(static_cast<size_t>(at));
      return;
    }
    node = &(*node)[static_cast<size_t>(at)];
    node_shape = node_shape.Item();
  }
}

}  // namespace skiff::apiserver::apply
