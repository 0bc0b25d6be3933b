#include "apiserver/apply/field_set.h"

namespace skiff::apiserver::apply {
namespace {

using nlohmann::json;

constexpr char kSelf[] = ".";

bool ValidElement(const std::string& key) {
  if (key.size() < 2 || key[1] != ':') return false;
  char kind = key[0];
  if (kind == 'f') return true;
  if (kind == 'i') return key.size() > 2 && key.find_first_not_of("0123456789", 2) == std::string::npos;
  if (kind != 'k' && kind != 'v') return false;
  json parsed = json::parse(key.substr(2), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return false;
  return kind == 'v' || parsed.is_object();
}

}  // namespace

std::string FieldElement(const std::string& name) { return "f:" + name; }

void FieldSet::Insert(const FieldPath& path) {
  FieldSet* node = this;
  for (const std::string& element : path) node = &node->children_[element];
  node->member_ = true;
}

bool FieldSet::Has(const FieldPath& path) const {
  const FieldSet* node = this;
  for (const std::string& element : path) {
    auto it = node->children_.find(element);
    if (it == node->children_.end()) return false;
    node = &it->second;
  }
  return node->member_;
}

bool FieldSet::HasAtOrBelow(const FieldPath& path) const {
  const FieldSet* node = this;
  for (const std::string& element : path) {
    auto it = node->children_.find(element);
    if (it == node->children_.end()) return false;
    node = &it->second;
  }
  return !node->Empty();
}

bool FieldSet::HasLeaf(const FieldPath& path) const {
  const FieldSet* node = this;
  for (const std::string& element : path) {
    auto it = node->children_.find(element);
    if (it == node->children_.end()) return false;
    node = &it->second;
  }
  return node->member_ && node->children_.empty();
}

FieldSet FieldSet::Union(const FieldSet& other) const {
  FieldSet out = *this;
  out.member_ = member_ || other.member_;
  for (const auto& [element, child] : other.children_) {
    auto it = out.children_.find(element);
    if (it == out.children_.end()) {
      out.children_.emplace(element, child);
    } else {
      it->second = it->second.Union(child);
    }
  }
  return out;
}

FieldSet FieldSet::Difference(const FieldSet& other) const {
  FieldSet out;
  out.member_ = member_ && !other.member_;
  for (const auto& [element, child] : children_) {
    auto it = other.children_.find(element);
    FieldSet rest = it == other.children_.end() ? child : child.Difference(it->second);
    if (!rest.Empty()) out.children_.emplace(element, std::move(rest));
  }
  return out;
}

FieldSet FieldSet::Intersection(const FieldSet& other) const {
  FieldSet out;
  out.member_ = member_ && other.member_;
  for (const auto& [element, child] : children_) {
    auto it = other.children_.find(element);
    if (it == other.children_.end()) continue;
    FieldSet both = child.Intersection(it->second);
    if (!both.Empty()) out.children_.emplace(element, std::move(both));
  }
  return out;
}

void FieldSet::CollectMembers(FieldPath& prefix, std::vector<FieldPath>& out) const {
  if (member_) out.push_back(prefix);
  for (const auto& [element, child] : children_) {
    prefix.push_back(element);
    child.CollectMembers(prefix, out);
    prefix.pop_back();
  }
}

std::vector<FieldPath> FieldSet::Members() const {
  std::vector<FieldPath> out;
  FieldPath prefix;
  CollectMembers(prefix, out);
  return out;
}

json FieldSet::ToFieldsV1() const {
  json out = json::object();
  if (member_ && !children_.empty()) out[kSelf] = json::object();
  for (const auto& [element, child] : children_) out[element] = child.ToFieldsV1();
  return out;
}

Result<FieldSet> FieldSet::FromFieldsV1(const json& fields) {
  if (!fields.is_object()) return Status::BadRequest("fieldsV1: must be a JSON object");
  FieldSet out;
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    const std::string& key = it.key();
    if (key == kSelf) {
      out.member_ = true;
      continue;
    }
    if (!ValidElement(key)) return Status::BadRequest("fieldsV1: invalid path element \"" + key + "\"");
    Result<FieldSet> child = FieldSet::FromFieldsV1(it.value());
    if (!child.ok()) return child.status();
    if (child->Empty()) child->member_ = true;  // {} is a member without children
    out.children_.emplace(key, std::move(*child));
  }
  return out;
}

std::string PathString(const FieldPath& path) {
  std::string out;
  for (const std::string& element : path) {
    std::string rest = element.substr(2);
    switch (element[0]) {
      case 'f': out += "." + rest; break;
      case 'i': out += "[" + rest + "]"; break;
      case 'v': out += "[=" + rest + "]"; break;
      case 'k': {
        json key = json::parse(rest, nullptr, false);
        std::string fields;
        if (key.is_object()) {
          for (auto it = key.begin(); it != key.end(); ++it) {
            if (!fields.empty()) fields += ",";
            fields += it.key() + "=" + it.value().dump();
          }
        }
        out += "[" + fields + "]";
        break;
      }
      default: out += "." + element;
    }
  }
  return out;
}

}  // namespace skiff::apiserver::apply
