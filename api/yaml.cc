#include "api/yaml.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <regex>
#include <sstream>
#include <unordered_map>

#include "api/json_body.h"
#include "api/utf8.h"

namespace skiff::api {

namespace {

using nlohmann::json;

// Aliases may add this much to a stream, or as much as the stream's own size
// when that is more (see ExpansionBudget).
constexpr uint64_t kMinAliasBudget = 64 * 1024;

bool IsAny(std::string_view s, std::initializer_list<std::string_view> options) {
  for (auto o : options) {
    if (s == o) return true;
  }
  return false;
}

bool AllDigits(std::string_view s, int base) {
  if (s.empty()) return false;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return false;
    }
    if (d >= base) return false;
  }
  return true;
}

// Integer with an optional sign and base prefix; nullopt-like false when the
// text is not an integer or does not fit 64 bits.
bool ParseInteger(std::string_view s, json* out) {
  bool neg = false;
  std::string_view body = s;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  int base = 10;
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
    base = 16;
    body.remove_prefix(2);
  } else if (body.size() > 2 && body[0] == '0' && (body[1] == 'o' || body[1] == 'O')) {
    base = 8;
    body.remove_prefix(2);
  } else if (body.size() > 2 && body[0] == '0' && (body[1] == 'b' || body[1] == 'B')) {
    base = 2;
    body.remove_prefix(2);
  } else if (body.size() > 1 && body[0] == '0') {
    base = 8;  // YAML 1.1 and Go's base-0 parsing: 0644 is octal
    body.remove_prefix(1);
  }
  if (!AllDigits(body, base)) return false;
  std::string digits(body);
  errno = 0;
  char* end = nullptr;
  unsigned long long mag = std::strtoull(digits.c_str(), &end, base);
  if (errno == ERANGE || end != digits.c_str() + digits.size()) return false;
  if (neg) {
    if (mag > static_cast<unsigned long long>(INT64_MAX) + 1) return false;
    *out = mag == static_cast<unsigned long long>(INT64_MAX) + 1 ? INT64_MIN
                                                                 : -static_cast<int64_t>(mag);
  } else if (mag <= static_cast<unsigned long long>(INT64_MAX)) {
    *out = static_cast<int64_t>(mag);
  } else {
    *out = static_cast<uint64_t>(mag);
  }
  return true;
}

bool IsFloatText(std::string_view s) {
  static const std::regex kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  return std::regex_match(s.begin(), s.end(), kFloat);
}

Status ErrorAt(std::string_view source, const YAML::Mark& mark, std::string_view msg) {
  return Status::BadRequest(std::string(source) + ":" + std::to_string(mark.line + 1) + ":" +
                            std::to_string(mark.column + 1) + ": " + std::string(msg));
}

// YAML text is Unicode (as for go-yaml, which sigs.k8s.io/yaml uses): bytes that
// are not UTF-8 are rejected here, naming their place, rather than reaching
// strings that JSON cannot carry.
Status CheckUtf8(std::string_view text, std::string_view source) {
  YAML::Mark mark;
  mark.line = mark.column = 0;
  for (size_t i = 0; i < text.size();) {
    size_t length = Utf8SequenceLength(text, i);
    if (length == 0) return ErrorAt(source, mark, "invalid UTF-8 byte");
    if (text[i] == '\n') {
      ++mark.line;
      mark.column = 0;
    } else {
      ++mark.column;
    }
    i += length;
  }
  return Status::Ok();
}

class Converter {
 public:
  explicit Converter(std::string_view source) : source_(source) {}

  // depth counts the collections n is inside of.
  Result<json> Convert(const YAML::Node& n, int depth, const std::string& path) {
    if ((n.IsMap() || n.IsSequence()) && depth >= kMaxNestingDepth) {
      return ErrorAt(source_, n.Mark(), TooDeepMessage("the document"));
    }
    switch (n.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        return json(nullptr);
      case YAML::NodeType::Scalar:
        return Scalar(n);
      case YAML::NodeType::Sequence: {
        json arr = json::array();
        for (const auto& item : n) {
          Result<json> v = Convert(item, depth + 1, path + "[" + std::to_string(arr.size()) + "]");
          if (!v.ok()) return v.status();
          arr.push_back(std::move(*v));
        }
        return arr;
      }
      case YAML::NodeType::Map:
        return Map(n, depth, path);
    }
    return json(nullptr);
  }

  // Keys given twice in one mapping, by path ("metadata.name"); the last wins.
  std::vector<std::string>& duplicates() { return duplicates_; }

 private:
  Result<json> Scalar(const YAML::Node& n) {
    const std::string& tag = n.Tag();
    const std::string& text = n.Scalar();
    // The input was checked, but yaml-cpp can still produce bytes that are not
    // UTF-8 (from a NUL byte in a flow collection, or an escape such as "\uD800").
    if (!IsValidUtf8(text)) return ErrorAt(source_, n.Mark(), "invalid UTF-8 in a scalar");
    constexpr std::string_view kCore = "tag:yaml.org,2002:";
    if (tag == "?") return ResolvePlainScalar(text);
    if (tag.rfind(kCore, 0) == 0) {
      std::string_view type = std::string_view(tag).substr(kCore.size());
      if (type == "str" || type == "binary" || type == "timestamp") return json(text);
      json v = ResolvePlainScalar(text);
      bool fits = (type == "int" && v.is_number_integer()) || (type == "float" && v.is_number()) ||
                  (type == "bool" && v.is_boolean()) || (type == "null" && v.is_null());
      if (!fits)
        return ErrorAt(source_, n.Mark(),
                       "cannot read " + QuoteText(text) + " as !!" + std::string(type));
      if (type == "float") return json(v.get<double>());
      return v;
    }
    return json(text);  // quoted, block, or a local tag
  }

  static std::string QuoteText(const std::string& s) { return json(s).dump(); }

  static std::string KeyText(const YAML::Node& k) {
    if (k.IsNull()) return "null";
    return k.Scalar();
  }

  static std::string Child(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  Result<json> Map(const YAML::Node& n, int depth, const std::string& path) {
    json obj = json::object();
    std::vector<YAML::Node> merges;
    for (const auto& kv : n) {
      const YAML::Node& k = kv.first;
      if (!k.IsScalar() && !k.IsNull()) {
        return ErrorAt(source_, k.Mark(), "mapping keys must be scalars");
      }
      if (k.IsScalar() && !IsValidUtf8(k.Scalar())) {
        return ErrorAt(source_, k.Mark(), "invalid UTF-8 in a mapping key");
      }
      if (k.IsScalar() && k.Tag() == "?" && k.Scalar() == "<<") {
        merges.push_back(kv.second);
        continue;
      }
      std::string key = KeyText(k);
      Result<json> v = Convert(kv.second, depth + 1, Child(path, key));
      if (!v.ok()) return v.status();
      if (obj.contains(key)) duplicates_.push_back(Child(path, key));
      obj[key] = std::move(*v);
    }
    // Explicit keys win over merged ones; earlier merge sources win over later.
    for (const auto& m : merges) {
      std::vector<YAML::Node> sources;
      if (m.IsMap()) {
        sources.push_back(m);
      } else if (m.IsSequence()) {
        for (const auto& s : m) sources.push_back(s);
      }
      for (const auto& s : sources) {
        if (!s.IsMap()) return ErrorAt(source_, s.Mark(), "merge key value must be a mapping");
        Result<json> v = Convert(s, depth, path);
        if (!v.ok()) return v.status();
        for (auto it = v->begin(); it != v->end(); ++it) {
          if (!obj.contains(it.key())) obj[it.key()] = it.value();
        }
      }
      if (!m.IsMap() && !m.IsSequence()) {
        return ErrorAt(source_, m.Mark(), "merge key value must be a mapping");
      }
    }
    return obj;
  }

  std::string source_;
  std::vector<std::string> duplicates_;
};

Status Expand(json obj, const YAML::Node& node, int line, std::string_view source, int depth,
              std::vector<YamlDocument>* out) {
  if (!obj.is_object()) {
    return ErrorAt(source, node.Mark(),
                   "expected a mapping (an object), got " + std::string(obj.type_name()));
  }
  auto kind = obj.find("kind");
  auto items = obj.find("items");
  bool is_list =
      kind != obj.end() && kind->is_string() && items != obj.end() && items->is_array() &&
      depth < 8 &&
      (kind->get<std::string>() == "List" ||
       (kind->get<std::string>().size() > 4 && kind->get<std::string>().ends_with("List")));
  if (!is_list) {
    out->push_back({std::move(obj), line});
    return Status::Ok();
  }
  std::string list_kind = kind->get<std::string>();
  json api_version = obj.value("apiVersion", json(nullptr));
  YAML::Node item_nodes;
  bool have_nodes = false;
  if (node.IsMap() && node["items"] && node["items"].IsSequence()) {
    item_nodes = node["items"];
    have_nodes = true;
  }
  for (size_t i = 0; i < items->size(); ++i) {
    json item = std::move((*items)[i]);
    bool own = have_nodes && i < item_nodes.size();
    YAML::Node item_node = own ? item_nodes[i] : node;
    int item_line = own ? item_node.Mark().line + 1 : line;
    if (item.is_object() && list_kind != "List" && !item.contains("kind") &&
        !item.contains("apiVersion")) {
      item["kind"] = list_kind.substr(0, list_kind.size() - 4);
      if (!api_version.is_null()) item["apiVersion"] = api_version;
    }
    SKIFF_RETURN_IF_ERROR(Expand(std::move(item), item_node, item_line, source, depth + 1, out));
  }
  return Status::Ok();
}

// A first pass over the stream's events, before any node is built, checks what
// building and converting it would cost:
//
// - yaml-cpp 0.7 loops forever (LoadAll then grows without bound) on a stream
//   where a ',' stands outside any flow collection, such as ",a" or "\"a\",":
//   the parser ends each document without consuming the token. The pass counts
//   documents and stops once there are more than the text could hold (each
//   takes at least one byte).
// - yaml-cpp's parser recurses once per level of nesting: the pass stops it at
//   the first collection past kMaxNestingDepth.
// - An alias costs nothing to parse but its whole anchored node when converted
//   (nine aliases of nine aliases of ... is the "billion laughs" bomb). The pass
//   keeps the expanded size of each anchored node (about the bytes of its JSON
//   text) and stops once aliases have added more than the budget. An alias of a
//   node that is not finished (a node that would contain itself) is refused.
class StreamCheck : public YAML::EventHandler {
 public:
  struct Refused {
    YAML::Mark mark;
    std::string message;
  };

  explicit StreamCheck(uint64_t alias_budget) : alias_budget_(alias_budget) {}

  // yaml-cpp numbers anchors per document.
  void OnDocumentStart(const YAML::Mark& mark) override {
    last_start = mark;
    anchor_sizes_.clear();
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t anchor) override { Leaf(anchor, 5); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchor_sizes_.find(anchor);
    if (it == anchor_sizes_.end())
      throw Refused{mark, "an alias refers to a node that contains it"};
    alias_bytes_ += it->second;
    if (alias_bytes_ > alias_budget_) {
      throw Refused{
          mark, "aliases expand the document past " + std::to_string(alias_budget_) +
                    " bytes (the limit is 64 KiB or the size of the document, whichever is more)"};
    }
    Add(it->second);
  }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    Leaf(anchor, value.size() + 3);  // quotes and a separator
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(mark, anchor);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Open(mark, anchor);
  }
  void OnMapEnd() override { Close(); }

  YAML::Mark last_start;

 private:
  struct Open_ {
    YAML::anchor_t anchor;
    uint64_t size;
  };

  void Add(uint64_t size) {
    if (!open_.empty()) open_.back().size += size;
  }
  void Leaf(YAML::anchor_t anchor, uint64_t size) {
    if (anchor != YAML::NullAnchor) anchor_sizes_[anchor] = size;
    Add(size);
  }
  void Open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (open_.size() >= static_cast<size_t>(kMaxNestingDepth))
      throw Refused{mark, TooDeepMessage("the document")};
    if (anchor != YAML::NullAnchor) anchor_sizes_.erase(anchor);
    open_.push_back({anchor, 2});
  }
  void Close() {
    Open_ done = open_.back();
    open_.pop_back();
    if (done.anchor != YAML::NullAnchor) anchor_sizes_[done.anchor] = done.size;
    Add(done.size);
  }

  uint64_t alias_budget_;
  uint64_t alias_bytes_ = 0;
  std::vector<Open_> open_;
  std::unordered_map<YAML::anchor_t, uint64_t> anchor_sizes_;
};

Status CheckStream(std::string_view text, std::string_view source) {
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  StreamCheck check(std::max<uint64_t>(kMinAliasBudget, text.size()));
  size_t docs = 0;
  const size_t max_docs = text.size() + 1;
  try {
    while (parser.HandleNextDocument(check)) {
      if (++docs > max_docs) {
        return ErrorAt(source, check.last_start, "unexpected ',' outside a flow collection");
      }
    }
  } catch (const StreamCheck::Refused& refused) {
    return ErrorAt(source, refused.mark, refused.message);
  }
  return Status::Ok();
}

}  // namespace

json ResolvePlainScalar(std::string_view s) {
  if (IsAny(s, {"", "~", "null", "Null", "NULL"})) return json(nullptr);
  if (IsAny(s, {"true", "True", "TRUE"})) return json(true);
  if (IsAny(s, {"false", "False", "FALSE"})) return json(false);
  if (s.empty() || !(std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-' || s[0] == '+' ||
                     s[0] == '.')) {
    return json(std::string(s));
  }
  json v;
  if (ParseInteger(s, &v)) return v;
  if (IsFloatText(s)) {
    double d = std::strtod(std::string(s).c_str(), nullptr);
    if (std::isfinite(d)) return json(d);
  }
  return json(std::string(s));
}

Result<std::vector<YamlDocument>> ParseYamlDocuments(std::string_view text,
                                                     std::string_view source_name) {
  std::vector<YamlDocument> out;
  try {
    SKIFF_RETURN_IF_ERROR(CheckUtf8(text, source_name));
    SKIFF_RETURN_IF_ERROR(CheckStream(text, source_name));
    std::vector<YAML::Node> docs = YAML::LoadAll(std::string(text));
    for (const auto& doc : docs) {
      if (doc.IsNull() || !doc.IsDefined()) continue;
      Converter conv(source_name);
      Result<json> obj = conv.Convert(doc, 0, "");
      if (!obj.ok()) return obj.status();
      if (obj->is_null()) continue;
      size_t first = out.size();
      SKIFF_RETURN_IF_ERROR(
          Expand(std::move(*obj), doc, doc.Mark().line + 1, source_name, 0, &out));
      for (size_t i = first; i < out.size(); ++i) out[i].duplicate_fields = conv.duplicates();
    }
  } catch (const YAML::Exception& e) {
    return ErrorAt(source_name, e.mark, e.msg);
  } catch (const std::exception& e) {
    return Status::BadRequest(std::string(source_name) + ": " + e.what());
  }
  return out;
}

}  // namespace skiff::api
