// Label selectors: parse once, match many times.
//
// A LabelSelector is an AND of requirements, each a key, an operator and a set
// of values, with Kubernetes' semantics (k8s.io/apimachinery/pkg/labels):
//   key=v, key==v   the key is present with value v
//   key!=v          the key is absent or has another value
//   key in (a,b)    the key is present with one of the values
//   key notin (a,b) the key is absent or has none of the values
//   key             the key is present;  !key  the key is absent
//   key>n, key<n    the key is present and its integer value compares (node affinity's Gt/Lt)
// Requirements are kept sorted by key and values sorted and unique, so
// ToString() is canonical and ParseLabelSelector(s.ToString()) == s.
//
// Two special selectors: the empty selector (no requirements; also what ""
// parses to and what an empty metav1.LabelSelector `{}` decodes to) matches
// everything; Nothing() (a null metav1.LabelSelector) matches nothing. As
// upstream, Nothing().ToString() is "" and Nothing().Empty() is false.
//
// Failure: ParseLabelSelector returns BadRequest with the upstream message plus
// the byte offset of the offending token, e.g.
//   found '(', expected: ',' or 'end of string' at position 7
// LabelSelectorFromJson returns Invalid with one cause per problem, each with a
// field path such as "matchExpressions[0].values" (prefixed by the caller's path).
//
// Values are immutable after construction: thread-compatible, safe to share for
// concurrent matching. No exceptions escape.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/field_error.h"
#include "api/labels/labels.h"
#include "base/status.h"

namespace skiff::api {

enum class LabelOperator {
  kEquals,
  kNotEquals,
  kIn,
  kNotIn,
  kExists,
  kDoesNotExist,
  kGreaterThan,
  kLessThan,
};

// "=", "!=", "in", "notin", "exists", "!", "gt", "lt".
std::string_view LabelOperatorName(LabelOperator op);

class LabelRequirement {
 public:
  // Checks the key, the values and their count for the operator, as upstream's
  // NewRequirement; errors are Invalid field errors under `path` (key, values[i]).
  static Result<LabelRequirement> Make(std::string key, LabelOperator op,
                                       std::vector<std::string> values,
                                       const FieldPath& path = FieldPath());

  const std::string& key() const { return key_; }
  LabelOperator op() const { return op_; }
  // Sorted, unique. One value for =, !=, gt, lt; none for exists / !.
  const std::vector<std::string>& values() const { return values_; }

  // value is the object's value for key(), nullptr when the key is absent.
  bool MatchesValue(const std::string* value) const;
  // Whether every matching object carries key() (true for =, in, exists, gt, lt),
  // so the objects with that key (or key=value) are a complete candidate set.
  bool RequiresKey() const;

  // Upstream's rendering: "k=v", "k!=v", "k in (a,b)", "k notin (a)", "k", "!k", "k>5".
  std::string ToString() const;
  bool operator==(const LabelRequirement& o) const {
    return key_ == o.key_ && op_ == o.op_ && values_ == o.values_;
  }

 private:
  LabelRequirement() = default;
  std::string key_;
  LabelOperator op_ = LabelOperator::kExists;
  std::vector<std::string> values_;
  int64_t bound_ = 0;  // the integer of gt / lt
};

class LabelSelector {
 public:
  // Matches everything.
  LabelSelector() = default;
  static LabelSelector Everything() { return LabelSelector(); }
  static LabelSelector Nothing();
  // Sorts by key (stable). Requirements are already valid by construction.
  static LabelSelector FromRequirements(std::vector<LabelRequirement> requirements);
  // Equality requirements for every label of the set (a Service's spec.selector).
  // Fails (Invalid, paths under `path`) if a key or value is malformed.
  static Result<LabelSelector> FromSet(const Labels& set, const FieldPath& path = FieldPath());

  bool Matches(const Labels& labels) const;
  bool Matches(const JsonLabels& labels) const;
  // Matches object["metadata"]["labels"] in place.
  bool MatchesObject(const nlohmann::json& object) const;

  // True when there are no requirements and this is not Nothing().
  bool Empty() const { return !nothing_ && requirements_.empty(); }
  bool MatchesNothing() const { return nothing_; }
  // Requirements joined with "," in key order; "" for Everything() and Nothing().
  std::string ToString() const;
  const std::vector<LabelRequirement>& requirements() const { return requirements_; }
  // The single value key must equal (from "key=v", "key==v" or "key in (v)").
  std::optional<std::string> RequiresExactMatch(std::string_view key) const;

  bool operator==(const LabelSelector&) const = default;

 private:
  std::vector<LabelRequirement> requirements_;  // sorted by key
  bool nothing_ = false;
};

// The string form (?labelSelector=, kubectl -l). "" (or only whitespace) is Everything().
Result<LabelSelector> ParseLabelSelector(std::string_view selector);

// A metav1.LabelSelector: {matchLabels: {k: v}, matchExpressions: [{key, operator, values}]}.
// null is Nothing(); {} is Everything(). Errors: Invalid, one cause per problem,
// paths under `path` (e.g. spec.selector.matchExpressions[0].values).
Result<LabelSelector> LabelSelectorFromJson(const nlohmann::json& selector,
                                            const FieldPath& path = FieldPath());
// The same checks, as field errors to merge into a larger validation.
FieldErrors ValidateLabelSelectorJson(const nlohmann::json& selector,
                                      const FieldPath& path = FieldPath());

}  // namespace skiff::api
