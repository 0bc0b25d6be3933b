// ToYaml: JSON → YAML in the style of `kubectl get -o yaml`. See api/yaml.h.
#include <string>

#include "api/yaml.h"

namespace skiff::api {

namespace {

using nlohmann::json;

bool IsAnyOf(std::string_view s, std::initializer_list<std::string_view> options) {
  for (auto o : options) {
    if (s == o) return true;
  }
  return false;
}

// Words other YAML 1.1 readers (Go's yaml.v2, PyYAML) take for booleans or
// special floats; quoted so every reader sees a string.
bool IsYaml11Special(std::string_view s) {
  return IsAnyOf(
      s, {"y",     "Y",     "yes",   "Yes",  "YES",  "n",    "N",    "no",   "No",   "NO",
          "on",    "On",    "ON",    "off",  "Off",  "OFF",  ".inf", ".Inf", ".INF", "-.inf",
          "-.Inf", "-.INF", "+.inf", ".nan", ".NaN", ".NAN", "<<",   "=",    "~"});
}

bool HasControl(std::string_view s) {
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\n') || c == 0x7f) return true;
  }
  return false;
}

bool NeedsQuotes(std::string_view s) {
  if (s.empty()) return true;
  if (!ResolvePlainScalar(s).is_string() || IsYaml11Special(s)) return true;
  if (std::string_view("-?:,[]{}#&*!|>'\"%@` \t").find(s.front()) != std::string_view::npos) {
    return true;
  }
  if (s.back() == ' ' || s.back() == ':' || s.back() == '\t') return true;
  if (s.find(": ") != std::string_view::npos || s.find(" #") != std::string_view::npos ||
      s.find(":\t") != std::string_view::npos || s.find("\t#") != std::string_view::npos) {
    return true;
  }
  // Indicators that yaml-cpp or other readers treat specially inside flow
  // context are harmless in block style; only the document markers matter.
  if (s.rfind("---", 0) == 0 || s.rfind("...", 0) == 0) return true;
  return s.find('\n') != std::string_view::npos || HasControl(s);
}

std::string SingleQuoted(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string DoubleQuoted(std::string_view s) { return json(std::string(s)).dump(); }

// A string on one line: plain, single- or double-quoted.
std::string InlineString(std::string_view s) {
  if (s.empty()) return "\"\"";
  if (!NeedsQuotes(s)) return std::string(s);
  if (s.find('\n') == std::string_view::npos && !HasControl(s)) return SingleQuoted(s);
  return DoubleQuoted(s);
}

// Whether a multi-line string can be a literal block without changing it.
bool LiteralOk(std::string_view s) {
  if (s.find('\n') == std::string_view::npos || HasControl(s) || s.find('\t') != s.npos) {
    return false;
  }
  if (s.front() == ' ' || s.front() == '\n') return false;  // would need an indentation indicator
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find('\n', start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start && s[end - 1] == ' ') return false;  // trailing spaces are fragile
    start = end + 1;
  }
  return true;
}

std::string Scalar(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return v.get<bool>() ? "true" : "false";
    case json::value_t::string:
      return InlineString(v.get_ref<const std::string&>());
    default:
      return v.dump();
  }
}

void Indent(int n, std::string* out) { out->append(static_cast<size_t>(n), ' '); }

void EmitMapping(const json& obj, int indent, std::string* out);
void EmitSequence(const json& arr, int indent, std::string* out);

// Emits a literal block scalar's header and body; the caller wrote "key:" or "-".
void EmitLiteral(std::string_view s, int indent, std::string* out) {
  size_t trailing = 0;
  while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
  *out += trailing == 0 ? " |-\n" : trailing == 1 ? " |\n" : " |+\n";
  std::string_view body = s.substr(0, s.size() - trailing);
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    if (end > start) Indent(indent, out);
    out->append(body.substr(start, end - start));
    *out += '\n';
    start = end + 1;
  }
  for (size_t i = 1; i < trailing; ++i) *out += '\n';
}

// Writes the value after "key:" (or after "-"), then the newline.
void EmitValueAfterKey(const json& v, int indent, bool in_sequence, std::string* out) {
  if (v.is_object() && !v.empty()) {
    *out += '\n';
    EmitMapping(v, indent + 2, out);
  } else if (v.is_array() && !v.empty()) {
    *out += '\n';
    // Sequences under a mapping key are not indented (kubectl style); nested
    // sequences inside a sequence are.
    EmitSequence(v, in_sequence ? indent + 2 : indent, out);
  } else if (v.is_object()) {
    *out += " {}\n";
  } else if (v.is_array()) {
    *out += " []\n";
  } else if (v.is_string() && LiteralOk(v.get_ref<const std::string&>())) {
    EmitLiteral(v.get_ref<const std::string&>(), indent + 2, out);
  } else {
    *out += ' ';
    *out += Scalar(v);
    *out += '\n';
  }
}

constexpr size_t kMaxImplicitKey = 1024;

void EmitMapping(const json& obj, int indent, std::string* out) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    Indent(indent, out);
    std::string key = InlineString(it.key());
    // YAML limits an implicit key to 1024 characters; a longer one is written as
    // an explicit key ("? key" then ": value" on the next line).
    if (key.size() > kMaxImplicitKey) {
      *out += "? " + key + "\n";
      Indent(indent, out);
    } else {
      *out += key;
    }
    *out += ':';
    EmitValueAfterKey(it.value(), indent, false, out);
  }
}

void EmitSequence(const json& arr, int indent, std::string* out) {
  for (const auto& item : arr) {
    if ((item.is_object() || item.is_array()) && !item.empty()) {
      // Emit the nested block one level in, then put "- " over the first indent.
      std::string nested;
      if (item.is_object()) {
        EmitMapping(item, indent + 2, &nested);
      } else {
        EmitSequence(item, indent + 2, &nested);
      }
      nested.replace(static_cast<size_t>(indent), 2, "- ");
      *out += nested;
      continue;
    }
    Indent(indent, out);
    *out += '-';
    EmitValueAfterKey(item, indent, true, out);
  }
}

}  // namespace

std::string ToYaml(const nlohmann::json& value) {
  std::string out;
  if (value.is_object() && !value.empty()) {
    EmitMapping(value, 0, &out);
  } else if (value.is_array() && !value.empty()) {
    EmitSequence(value, 0, &out);
  } else if (value.is_object()) {
    out = "{}\n";
  } else if (value.is_array()) {
    out = "[]\n";
  } else {
    out = Scalar(value) + "\n";
  }
  return out;
}

}  // namespace skiff::api
