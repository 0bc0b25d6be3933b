#include "api/fields/field_selector.h"

#include <algorithm>
#include <tuple>

namespace skiff::api {
namespace {

// Splits on commas not preceded by an escaping backslash; escapes stay in place.
std::vector<std::string_view> SplitTerms(std::string_view s) {
  std::vector<std::string_view> terms;
  if (s.empty()) return terms;
  size_t start = 0;
  bool in_slash = false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (in_slash) {
      in_slash = false;
    } else if (s[i] == '\\') {
      in_slash = true;
    } else if (s[i] == ',') {
      terms.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  terms.push_back(s.substr(start));
  return terms;
}

// The first operator in the term splits it; "!=" and "==" win over "=" at the same place.
bool SplitTerm(std::string_view term, std::string_view* lhs, FieldOperator* op,
               std::string_view* rhs) {
  static constexpr std::pair<std::string_view, FieldOperator> kOps[] = {
      {"!=", FieldOperator::kNotEquals},
      {"==", FieldOperator::kEquals},
      {"=", FieldOperator::kEquals},
  };
  for (size_t i = 0; i < term.size(); ++i) {
    std::string_view rest = term.substr(i);
    for (const auto& [text, o] : kOps) {
      if (rest.starts_with(text)) {
        *lhs = term.substr(0, i);
        *op = o;
        *rhs = rest.substr(text.size());
        return true;
      }
    }
  }
  return false;
}

Result<std::string> UnescapeValue(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool in_slash = false;
  for (char c : s) {
    if (in_slash) {
      if (c != '\\' && c != ',' && c != '=') {
        return Status::BadRequest("invalid field selector: invalid escape sequence: \\" +
                                  std::string(1, c));
      }
      out += c;
      in_slash = false;
      continue;
    }
    if (c == '\\') {
      in_slash = true;
    } else if (c == ',' || c == '=') {
      // Go prints the rune with %v: its code point.
      return Status::BadRequest("invalid field selector: unescaped character in value: " +
                                std::to_string(static_cast<int>(c)));
    } else {
      out += c;
    }
  }
  if (in_slash) return Status::BadRequest("invalid field selector: invalid escape sequence: \\");
  return out;
}

}  // namespace

std::string EscapeFieldValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == ',' || c == '=') out += '\\';
    out += c;
  }
  return out;
}

Result<FieldSelector> ParseFieldSelector(std::string_view selector, const KindInfo& kind) {
  std::vector<std::string_view> parts = SplitTerms(selector);
  std::sort(parts.begin(), parts.end());  // upstream sorts the raw terms: errors are stable
  FieldSelector out;
  for (std::string_view part : parts) {
    if (part.empty()) continue;
    std::string_view lhs, rhs;
    FieldOperator op;
    if (!SplitTerm(part, &lhs, &op, &rhs)) {
      return Status::BadRequest("invalid selector: '" + std::string(selector) +
                                "'; can't understand '" + std::string(part) + "'");
    }
    auto value = UnescapeValue(rhs);
    if (!value.ok()) return value.status();
    out.terms_.push_back({nullptr, {std::string(lhs), op, std::move(value).value()}});
  }
  // Field names are checked after the syntax of every term, as upstream's Transform.
  for (auto& t : out.terms_) {
    auto field = FindSelectableField(kind, t.req.field);
    if (!field.ok()) return field.status();
    t.field = *field;
    t.req.field = std::string(t.field->name);
  }
  std::sort(out.terms_.begin(), out.terms_.end(), [](const auto& a, const auto& b) {
    return std::tie(a.req.field, a.req.op, a.req.value) <
           std::tie(b.req.field, b.req.op, b.req.value);
  });
  return out;
}

bool FieldSelector::Matches(const nlohmann::json& object) const {
  for (const auto& t : terms_) {
    bool equal = ExtractFieldValue(*t.field, object) == t.req.value;
    if (equal != (t.req.op == FieldOperator::kEquals)) return false;
  }
  return true;
}

std::string FieldSelector::ToString() const {
  std::string out;
  for (const auto& t : terms_) {
    if (!out.empty()) out += ',';
    out += t.req.field;
    out += t.req.op == FieldOperator::kEquals ? "=" : "!=";
    out += EscapeFieldValue(t.req.value);
  }
  return out;
}

std::optional<std::string> FieldSelector::ExactValue(std::string_view field) const {
  for (const auto& t : terms_) {
    if (t.req.field == field && t.req.op == FieldOperator::kEquals) return t.req.value;
  }
  return std::nullopt;
}

std::vector<FieldRequirement> FieldSelector::requirements() const {
  std::vector<FieldRequirement> out;
  out.reserve(terms_.size());
  for (const auto& t : terms_) out.push_back(t.req);
  return out;
}

}  // namespace skiff::api
