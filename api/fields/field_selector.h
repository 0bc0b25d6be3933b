// Field selectors (?fieldSelector=, kubectl --field-selector): parse once per
// kind, match many objects.
//
// Grammar, as k8s.io/apimachinery/pkg/fields: terms separated by unescaped
// commas, ANDed; each term is `field=value`, `field==value` or `field!=value`
// (the first operator found splits the term). In a value, `\,` `\=` and `\\`
// stand for `,` `=` and `\`; any other backslash sequence, a trailing `\`, or a
// bare `=` is an error. Empty terms are skipped; "" selects everything. Only the
// fields of selectable_fields.h are accepted for the kind.
//
// Failure: BadRequest with upstream's message:
//   invalid selector: 'a'; can't understand 'a'
//   invalid field selector: invalid escape sequence: \x
//   invalid field selector: unescaped character in value: 61   (the code point, as upstream)
//   field label not supported: spec.foo
//
// A FieldSelector is an immutable value: thread-compatible. No exceptions escape.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/fields/selectable_fields.h"
#include "api/kinds.h"
#include "base/status.h"

namespace skiff::api {

enum class FieldOperator { kEquals, kNotEquals };

struct FieldRequirement {
  std::string field;  // canonical name ("spec.nodeName" even if "spec.host" was given)
  FieldOperator op = FieldOperator::kEquals;
  std::string value;  // unescaped
  bool operator==(const FieldRequirement& o) const {
    return field == o.field && op == o.op && value == o.value;
  }
};

class FieldSelector {
 public:
  // Selects everything.
  FieldSelector() = default;

  // Whether object's fields satisfy every requirement. The object must be of the
  // kind the selector was parsed for.
  bool Matches(const nlohmann::json& object) const;

  bool Empty() const { return terms_.empty(); }
  // Terms sorted by (field, operator, value), values escaped: "a=x\,y,b!=z".
  std::string ToString() const;
  // The value field must equal, if some term is field=value (for index lookups
  // such as spec.nodeName=node1 or metadata.namespace=x).
  std::optional<std::string> ExactValue(std::string_view field) const;
  std::vector<FieldRequirement> requirements() const;

 private:
  friend Result<FieldSelector> ParseFieldSelector(std::string_view, const KindInfo&);
  struct Term {
    const SelectableField* field;  // points into the static table
    FieldRequirement req;
  };
  std::vector<Term> terms_;
};

Result<FieldSelector> ParseFieldSelector(std::string_view selector, const KindInfo& kind);

// `\` `,` `=` prefixed with a backslash: a literal usable as a selector value.
std::string EscapeFieldValue(std::string_view value);

}  // namespace skiff::api
