#include "api/yaml.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <regex>
#include <sstream>

namespace skiff::api {

namespace {

using nlohmann::json;

constexpr int kMaxDepth = 256;
constexpr size_t kMaxNodes = 2'000'000;

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

// The length of the well-formed UTF-8 sequence at text[i] (shortest form, at
// most U+10FFFF, no surrogates), or 0 if there is none.
size_t Utf8SequenceLength(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
  if (length == 0 || lead > 0xF4 || i + length > text.size()) return 0;
  uint32_t code_point = lead & (0x7F >> length);
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code_point = code_point << 6 | (byte(i + k) & 0x3F);
  }
  static constexpr uint32_t kShortest[] = {0, 0, 0x80, 0x800, 0x10000};
  bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
  return code_point < kShortest[length] || code_point > 0x10FFFF || surrogate ? 0 : length;
}

bool IsValidUtf8(std::string_view text) {
  for (size_t i = 0, length = 0; i < text.size(); i += length) {
    length = Utf8SequenceLength(text, i);
    if (length == 0) return false;
  }
  return true;
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

  Result<json> Convert(const YAML::Node& n, int depth) {
    if (depth > kMaxDepth) return ErrorAt(source_, n.Mark(), "document is nested too deeply");
    if (++nodes_ > kMaxNodes) return ErrorAt(source_, n.Mark(), "document has too many nodes");
    switch (n.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        return json(nullptr);
      case YAML::NodeType::Scalar:
        return Scalar(n);
      case YAML::NodeType::Sequence: {
        json arr = json::array();
        for (const auto& item : n) {
          Result<json> v = Convert(item, depth + 1);
          if (!v.ok()) return v.status();
          arr.push_back(std::move(*v));
        }
        return arr;
      }
      case YAML::NodeType::Map:
        return Map(n, depth);
    }
    return json(nullptr);
  }

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

  Result<json> Map(const YAML::Node& n, int depth) {
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
      Result<json> v = Convert(kv.second, depth + 1);
      if (!v.ok()) return v.status();
      obj[KeyText(k)] = std::move(*v);
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
        Result<json> v = Convert(s, depth + 1);
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
  size_t nodes_ = 0;
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

// yaml-cpp 0.7 loops forever (LoadAll then grows without bound) on a stream
// where a ',' stands outside any flow collection, such as ",a" or "\"a\",":
// the parser ends each document without consuming the token. A first pass with
// an event handler that keeps nothing counts documents and stops once there
// are more than the text could hold (each takes at least one byte).
class DocumentCounter : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { last_start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  YAML::Mark last_start;
};

Status CheckStreamEnds(std::string_view text, std::string_view source) {
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  DocumentCounter counter;
  size_t docs = 0;
  const size_t max_docs = text.size() + 1;
  while (parser.HandleNextDocument(counter)) {
    if (++docs > max_docs) {
      return ErrorAt(source, counter.last_start, "unexpected ',' outside a flow collection");
    }
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
    SKIFF_RETURN_IF_ERROR(CheckStreamEnds(text, source_name));
    std::vector<YAML::Node> docs = YAML::LoadAll(std::string(text));
    for (const auto& doc : docs) {
      if (doc.IsNull() || !doc.IsDefined()) continue;
      Converter conv(source_name);
      Result<json> obj = conv.Convert(doc, 0);
      if (!obj.ok()) return obj.status();
      if (obj->is_null()) continue;
      SKIFF_RETURN_IF_ERROR(
          Expand(std::move(*obj), doc, doc.Mark().line + 1, source_name, 0, &out));
    }
  } catch (const YAML::Exception& e) {
    return ErrorAt(source_name, e.mark, e.msg);
  } catch (const std::exception& e) {
    return Status::BadRequest(std::string(source_name) + ": " + e.what());
  }
  return out;
}

}  // namespace skiff::api
