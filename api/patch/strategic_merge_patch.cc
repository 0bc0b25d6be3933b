// Kubernetes' strategic merge patch, applied on the server: the semantics of
// apimachinery's StrategicMergeMapPatch (mergeMap / mergeSlice with
// MergeParallelList and IgnoreUnmatchedNulls), written against our schema.
//
// Where upstream would copy a patch value into the result unprocessed (a field
// absent from the original, a replaced list), we merge it onto an empty value
// instead, so directives and nulls never leak into a stored object. `$patch:
// delete` on an object removes the field (upstream leaves an empty object,
// which its typed decoding turns into a zero value). `$patch: merge` is the
// default and accepted as a no-op (upstream rejects it).
#include <algorithm>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "api/patch/patch.h"
#include "api/patch/patch_strategies.h"

namespace skiff::api {
namespace {

using nlohmann::json;

constexpr std::string_view kPatchDirective = "$patch";
constexpr std::string_view kRetainKeys = "$retainKeys";
constexpr std::string_view kSetElementOrderPrefix = "$setElementOrder/";
constexpr std::string_view kDeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/";

bool HasPrefix(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The schema context of a JSON object being merged: a struct type, the value
// type of a map[string]T, or nothing known (free-form or unknown field).
struct Ctx {
  const ObjectType* object = nullptr;
  const TypeRef* map_element = nullptr;
};

// What is known about one field (or map entry) of an object.
struct Field {
  const TypeRef* type = nullptr;  // nullptr: unknown
  const PatchStrategy* strategy = nullptr;
};

const PatchStrategy& NoStrategy() {
  static const PatchStrategy kNone;
  return kNone;
}

Field LookupField(const Ctx& ctx, const std::string& key) {
  Field f;
  f.strategy = &NoStrategy();
  if (ctx.object != nullptr) {
    if (const FieldSpec* spec = ctx.object->FindField(key)) {
      f.type = &spec->type;
      f.strategy = &LookupPatchStrategy(ctx.object->name, key);
    }
  } else if (ctx.map_element != nullptr) {
    f.type = ctx.map_element;
  }
  return f;
}

// The context for an object value of the given type.
Ctx ObjectCtx(const TypeRef* type) {
  Ctx c;
  if (type == nullptr) return c;
  if (type->kind == ValueKind::kObject) c.object = type->object;
  if (type->kind == ValueKind::kMap) c.map_element = type->element.get();
  return c;
}

// The context for the elements of a list of the given type.
Ctx ElementCtx(const TypeRef* type) {
  if (type == nullptr || type->kind != ValueKind::kArray) return {};
  return ObjectCtx(type->element.get());
}

std::string Join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string At(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

Status Bad(const std::string& path, std::string_view what) {
  return Status::BadRequest((path.empty() ? std::string("patch") : path) + ": " +
                            std::string(what));
}

// A deleted object: what MergeMap returns for `$patch: delete`.
json Deleted() { return json(json::value_t::discarded); }

class Merger {
 public:
  // Merges patch (an object) into original (an object). Returns Deleted() for
  // `$patch: delete`.
  Result<json> MergeMap(json original, json patch, const Ctx& ctx, const std::string& path);

  // Merges a patch list into an original list under a field's strategy.
  Result<json> MergeList(json original, json patch, const Field& field, const std::string& path);

  // A patch value for a field the original lacks: merged onto nothing.
  Result<json> Fresh(json patch, const Field& field, const std::string& path);

 private:
  Result<json> MergeSlice(json original, json patch, const std::string& merge_key, const Ctx& elem,
                          const std::string& path);
  Status ApplyRetainKeys(json& original, json& patch, const std::string& path);
  Status ApplySetElementOrder(json& original, json& patch, const Ctx& ctx, const std::string& path);
};

// Where an element sits in `order`: by merge key for objects, by value for
// scalars; npos when absent.
size_t IndexIn(const json& order, const json& item, const std::string& merge_key) {
  for (size_t i = 0; i < order.size(); ++i) {
    if (merge_key.empty()) {
      if (order[i] == item) return i;
    } else if (order[i].is_object() && item.is_object() && order[i].contains(merge_key) &&
               item.contains(merge_key) && order[i][merge_key] == item[merge_key]) {
      return i;
    }
  }
  return std::numeric_limits<size_t>::max();
}

void SortBy(std::vector<json>& items, const json& order, const std::string& merge_key) {
  std::stable_sort(items.begin(), items.end(), [&](const json& a, const json& b) {
    return IndexIn(order, a, merge_key) < IndexIn(order, b, merge_key);
  });
}

// Upstream's normalizeElementOrder + mergeSortedSlice: the patch items in the
// patch's order, the server-only items in the server's order, interleaved so
// that a server-only item goes before a patch item only when both were in the
// server list in that order. New items therefore come before the server-only
// items that follow them.
json NormalizeOrder(std::vector<json> patch_items, std::vector<json> server_only,
                    const json& patch_order, const json& server_order,
                    const std::string& merge_key) {
  SortBy(patch_items, patch_order, merge_key);
  SortBy(server_only, server_order, merge_key);
  json out = json::array();
  size_t i = 0, j = 0;
  constexpr size_t kAbsent = std::numeric_limits<size_t>::max();
  while (i < server_only.size() || j < patch_items.size()) {
    if (j >= patch_items.size()) {
      out.push_back(std::move(server_only[i++]));
    } else if (i >= server_only.size()) {
      out.push_back(std::move(patch_items[j++]));
    } else {
      size_t li = IndexIn(server_order, server_only[i], merge_key);
      size_t ri = IndexIn(server_order, patch_items[j], merge_key);
      if (li != kAbsent && ri != kAbsent && li < ri) {
        out.push_back(std::move(server_only[i++]));
      } else {
        out.push_back(std::move(patch_items[j++]));
      }
    }
  }
  return out;
}

// Splits `merged` into the items present in `by` and the rest.
void Partition(const json& merged, const json& by, const std::string& merge_key,
               std::vector<json>* in, std::vector<json>* rest) {
  for (const json& v : merged) {
    (IndexIn(by, v, merge_key) != std::numeric_limits<size_t>::max() ? in : rest)->push_back(v);
  }
}

Status Merger::ApplyRetainKeys(json& original, json& patch, const std::string& path) {
  auto it = patch.find(kRetainKeys);
  if (it == patch.end()) return Status::Ok();
  json keys = std::move(*it);
  patch.erase(it);
  const std::string where = Join(path, kRetainKeys);
  if (!keys.is_array()) return Bad(where, "must be a list of field names");
  auto retained = [&keys](const std::string& k) {
    return std::find(keys.begin(), keys.end(), json(k)) != keys.end();
  };
  for (const auto& [k, v] : patch.items()) {
    if (v.is_null() || HasPrefix(k, kDeleteFromPrimitiveListPrefix) ||
        HasPrefix(k, kSetElementOrderPrefix))
      continue;
    if (!retained(k))
      return Bad(where, "field \"" + k + "\" is set by the patch but not listed in $retainKeys");
  }
  if (!original.is_object()) return Status::Ok();
  for (auto o = original.begin(); o != original.end();) {
    o = retained(o.key()) ? std::next(o) : original.erase(o);
  }
  return Status::Ok();
}

// Checks that the patch list's items appear in the order of $setElementOrder
// (deletions aside), as upstream's validatePatchWithSetOrderList.
Status CheckOrder(const json& patch_list, const json& order, const std::string& merge_key,
                  const std::string& where) {
  std::vector<const json*> items;
  for (const json& v : patch_list) {
    if (v.is_object() && v.contains(kPatchDirective)) continue;
    items.push_back(&v);
  }
  size_t p = 0, s = 0;
  while (p < items.size() && s < order.size()) {
    bool equal = merge_key.empty() ? *items[p] == order[s]
                                   : (items[p]->is_object() && items[p]->contains(merge_key) &&
                                      order[s].contains(merge_key) &&
                                      (*items[p])[merge_key] == order[s][merge_key]);
    if (equal) ++p;
    ++s;
  }
  if (p < items.size())
    return Bad(where, "the items of the patch list are not in the order this list gives");
  return Status::Ok();
}

Status Merger::ApplySetElementOrder(json& original, json& patch, const Ctx& ctx,
                                    const std::string& path) {
  std::vector<std::string> directives;
  for (const auto& [k, v] : patch.items()) {
    if (HasPrefix(k, kSetElementOrderPrefix)) directives.push_back(k);
  }
  for (const std::string& directive : directives) {
    json order = std::move(patch[directive]);
    patch.erase(directive);
    const std::string where = Join(path, directive);
    const std::string key = directive.substr(kSetElementOrderPrefix.size());
    if (key.empty()) return Bad(where, "names no list");
    if (!order.is_array()) return Bad(where, "must be a list");
    const Field field = LookupField(ctx, key);
    const std::string& merge_key = field.strategy->merge_key;
    auto orig_it = original.find(key);
    auto patch_it = patch.find(key);
    const bool in_original = orig_it != original.end();
    const bool in_patch = patch_it != patch.end();
    if (in_original && !orig_it->is_array())
      return Bad(Join(path, key), "the object's value is not a list");
    if (in_patch && !patch_it->is_array())
      return Bad(Join(path, key), "must be a list when $setElementOrder is given");
    if (!merge_key.empty()) {
      for (size_t i = 0; i < order.size(); ++i) {
        if (!order[i].is_object() || !order[i].contains(merge_key)) {
          return Bad(At(where, i), "missing merge key \"" + merge_key + "\"");
        }
      }
    }
    if (!in_original && !in_patch) continue;
    if (in_patch) SKIFF_RETURN_IF_ERROR(CheckOrder(*patch_it, order, merge_key, where));
    json server_order = in_original ? *orig_it : json::array();
    json merged;
    if (in_patch) {
      Result<json> r = in_original ? MergeList(*orig_it, *patch_it, field, Join(path, key))
                                   : Fresh(*patch_it, field, Join(path, key));
      if (!r.ok()) return r.status();
      merged = std::move(r).value();
      patch.erase(key);
    } else {
      merged = server_order;
    }
    if (!field.strategy->merge) {
      original[key] = std::move(merged);  // replaced lists keep the patch's order
      continue;
    }
    std::vector<json> patch_items, server_only;
    Partition(merged, order, merge_key, &patch_items, &server_only);
    original[key] = NormalizeOrder(std::move(patch_items), std::move(server_only), order,
                                   server_order, merge_key);
  }
  return Status::Ok();
}

Result<json> Merger::MergeMap(json original, json patch, const Ctx& ctx, const std::string& path) {
  if (!original.is_object()) original = json::object();
  if (auto it = patch.find(kPatchDirective); it != patch.end()) {
    const std::string where = Join(path, kPatchDirective);
    if (!it->is_string()) return Bad(where, "must be one of replace, delete, merge");
    const std::string directive = it->get<std::string>();
    patch.erase(it);
    if (directive == "delete") return Deleted();
    if (directive == "replace") return MergeMap(json::object(), std::move(patch), ctx, path);
    if (directive != "merge") return Bad(where, "unknown patch directive \"" + directive + "\"");
  }
  SKIFF_RETURN_IF_ERROR(ApplyRetainKeys(original, patch, path));
  SKIFF_RETURN_IF_ERROR(ApplySetElementOrder(original, patch, ctx, path));

  for (auto& [raw_key, value] : patch.items()) {
    const std::string where = Join(path, raw_key);
    if (HasPrefix(raw_key, kDeleteFromPrimitiveListPrefix)) {
      const std::string key = raw_key.substr(kDeleteFromPrimitiveListPrefix.size());
      if (key.empty()) return Bad(where, "names no list");
      if (!value.is_array()) return Bad(where, "must be a list of the values to delete");
      auto it = original.find(key);
      if (it == original.end() || !it->is_array()) continue;
      json kept = json::array();
      for (json& v : *it) {
        if (std::find(value.begin(), value.end(), v) == value.end()) kept.push_back(std::move(v));
      }
      *it = std::move(kept);
      continue;
    }
    if (!raw_key.empty() && raw_key[0] == '$') return Bad(where, "unknown patch directive");
    const std::string& key = raw_key;
    if (value.is_null()) {
      original.erase(key);
      continue;
    }
    if (!value.is_object() && !value.is_array()) {
      original[key] = std::move(value);  // a scalar replaces whatever was there
      continue;
    }
    const Field field = LookupField(ctx, key);
    auto it = original.find(key);
    if (it == original.end() || it->type() != value.type()) {
      Result<json> fresh = Fresh(std::move(value), field, where);
      if (!fresh.ok()) return fresh.status();
      if (fresh->is_discarded()) {
        original.erase(key);
      } else {
        original[key] = std::move(fresh).value();
      }
      continue;
    }
    Result<json> merged = json();
    if (value.is_object()) {
      merged = field.strategy->replace
                   ? Fresh(std::move(value), field, where)
                   : MergeMap(std::move(*it), std::move(value), ObjectCtx(field.type), where);
    } else {
      merged = MergeList(std::move(*it), std::move(value), field, where);
    }
    if (!merged.ok()) return merged.status();
    if (merged->is_discarded()) {
      original.erase(key);
    } else {
      original[key] = std::move(merged).value();
    }
  }
  return original;
}

Result<json> Merger::Fresh(json patch, const Field& field, const std::string& path) {
  if (patch.is_object())
    return MergeMap(json::object(), std::move(patch), ObjectCtx(field.type), path);
  if (patch.is_array()) return MergeList(json::array(), std::move(patch), field, path);
  return patch;
}

Result<json> Merger::MergeList(json original, json patch, const Field& field,
                               const std::string& path) {
  if (field.strategy->merge) {
    return MergeSlice(std::move(original), std::move(patch), field.strategy->merge_key,
                      ElementCtx(field.type), path);
  }
  // Replaced whole; objects inside are still cleaned of directives and nulls.
  const Ctx elem = ElementCtx(field.type);
  json out = json::array();
  for (size_t i = 0; i < patch.size(); ++i) {
    if (!patch[i].is_object()) {
      out.push_back(std::move(patch[i]));
      continue;
    }
    Result<json> m = MergeMap(json::object(), std::move(patch[i]), elem, At(path, i));
    if (!m.ok()) return m.status();
    if (!m->is_discarded()) out.push_back(std::move(m).value());
  }
  return out;
}

Result<json> Merger::MergeSlice(json original, json patch, const std::string& merge_key,
                                const Ctx& elem, const std::string& path) {
  if (original.empty() && patch.empty()) return original;
  // All elements are objects, or all are scalars; lists of lists are not allowed.
  int objects = 0, scalars = 0;
  for (const json* list : {&original, &patch}) {
    for (const json& v : *list) {
      if (v.is_array()) return Bad(path, "lists of lists are not supported");
      (v.is_object() ? objects : scalars)++;
    }
  }
  if (objects > 0 && scalars > 0) return Bad(path, "list element types are not identical");

  if (scalars > 0) {
    json merged = json::array();
    for (const json* list : {&original, &patch}) {
      for (const json& v : *list) {
        if (std::find(merged.begin(), merged.end(), v) == merged.end()) merged.push_back(v);
      }
    }
    std::vector<json> patch_items, server_only;
    Partition(merged, patch, "", &patch_items, &server_only);
    return NormalizeOrder(std::move(patch_items), std::move(server_only), patch, original, "");
  }

  if (merge_key.empty()) return Bad(path, "cannot merge a list of objects that has no merge key");
  // Directives first: `$patch: delete` items remove by key, `$patch: replace`
  // makes the rest of the patch list the whole list.
  json plain = json::array();
  bool replace = false;
  for (size_t i = 0; i < patch.size(); ++i) {
    json& v = patch[i];
    auto d = v.find(kPatchDirective);
    if (d == v.end()) {
      plain.push_back(std::move(v));
      continue;
    }
    const std::string where = Join(At(path, i), kPatchDirective);
    if (!d->is_string()) return Bad(where, "must be one of replace, delete, merge");
    const std::string directive = d->get<std::string>();
    if (directive == "delete") {
      auto key = v.find(merge_key);
      if (key == v.end()) return Bad(At(path, i), "missing merge key \"" + merge_key + "\"");
      json drop = *key;
      original.erase(std::remove_if(original.begin(), original.end(),
                                    [&](const json& o) {
                                      return o.contains(merge_key) && o[merge_key] == drop;
                                    }),
                     original.end());
    } else if (directive == "replace") {
      replace = true;
    } else if (directive != "merge") {
      return Bad(where, "unknown patch directive \"" + directive + "\"");
    }
  }
  if (replace) {
    original = json::array();
  }
  const json server_order = original;
  for (size_t i = 0; i < plain.size(); ++i) {
    json& v = plain[i];
    auto key = v.find(merge_key);
    if (key == v.end()) return Bad(At(path, i), "missing merge key \"" + merge_key + "\"");
    const json key_value = *key;
    auto match = std::find_if(original.begin(), original.end(), [&](const json& o) {
      return o.contains(merge_key) && o[merge_key] == key_value;
    });
    json base = match == original.end() ? json::object() : std::move(*match);
    Result<json> m = MergeMap(std::move(base), v, elem, At(path, i));
    if (!m.ok()) return m.status();
    if (match == original.end()) {
      original.push_back(std::move(m).value());
    } else {
      *match = std::move(m).value();
    }
  }
  if (replace) return original;
  std::vector<json> patch_items, server_only;
  Partition(original, plain, merge_key, &patch_items, &server_only);
  return NormalizeOrder(std::move(patch_items), std::move(server_only), plain, server_order,
                        merge_key);
}

}  // namespace

Result<json> ApplyStrategicMergePatch(const json& original, const json& patch,
                                      const ObjectType& type) {
  if (!patch.is_object()) {
    return Status::BadRequest(std::string("strategic merge patch must be a JSON object, got ") +
                              patch.type_name());
  }
  Merger merger;
  Result<json> out = merger.MergeMap(original, patch, Ctx{&type, nullptr}, "");
  if (!out.ok()) return out.status();
  if (out->is_discarded()) return json::object();
  return out;
}

}  // namespace skiff::api
