// metav1.LabelSelector in JSON: checks as upstream's ValidateLabelSelector
// (k8s.io/apimachinery/pkg/apis/meta/v1/validation) and conversion as its
// LabelSelectorAsSelector. Only reads the JSON through non-throwing accessors.
#include <string>
#include <vector>

#include "api/labels/label_selector.h"
#include "api/labels/label_validation.h"

namespace skiff::api {
namespace {

struct Expression {
  std::string key;
  std::string op;
  std::vector<std::string> values;
};

// The decoded pieces of a selector, or the type errors found while decoding.
struct Decoded {
  std::vector<std::pair<std::string, std::string>> match_labels;
  std::vector<Expression> expressions;
};

std::string TypeName(const nlohmann::json& j) { return j.type_name(); }

void DecodeStringField(const nlohmann::json& obj, std::string_view name, const FieldPath& path,
                       std::string* out, FieldErrors* errs) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return;
  if (!it->is_string()) {
    errs->push_back(TypeInvalid(path.Child(name), TypeName(*it), "expected a string"));
    return;
  }
  *out = it->get_ref<const std::string&>();
}

Decoded Decode(const nlohmann::json& selector, const FieldPath& path, FieldErrors* errs) {
  Decoded d;
  if (!selector.is_object()) {
    errs->push_back(TypeInvalid(path, TypeName(selector), "expected an object"));
    return d;
  }
  FieldPath labels_path = path.Child("matchLabels");
  if (auto it = selector.find("matchLabels"); it != selector.end() && !it->is_null()) {
    if (!it->is_object()) {
      errs->push_back(TypeInvalid(labels_path, TypeName(*it), "expected an object"));
    } else {
      for (const auto& [k, v] : it->items()) {
        if (!v.is_string()) {
          errs->push_back(TypeInvalid(labels_path.Key(k), TypeName(v), "expected a string"));
          continue;
        }
        d.match_labels.emplace_back(k, v.get_ref<const std::string&>());
      }
    }
  }
  FieldPath exprs_path = path.Child("matchExpressions");
  auto it = selector.find("matchExpressions");
  if (it == selector.end() || it->is_null()) return d;
  if (!it->is_array()) {
    errs->push_back(TypeInvalid(exprs_path, TypeName(*it), "expected an array"));
    return d;
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const nlohmann::json& e = (*it)[i];
    FieldPath p = exprs_path.Index(i);
    if (!e.is_object()) {
      errs->push_back(TypeInvalid(p, TypeName(e), "expected an object"));
      continue;
    }
    Expression expr;
    DecodeStringField(e, "key", p, &expr.key, errs);
    DecodeStringField(e, "operator", p, &expr.op, errs);
    if (auto v = e.find("values"); v != e.end() && !v->is_null()) {
      if (!v->is_array()) {
        errs->push_back(TypeInvalid(p.Child("values"), TypeName(*v), "expected an array"));
      } else {
        for (size_t j = 0; j < v->size(); ++j) {
          const nlohmann::json& s = (*v)[j];
          if (!s.is_string()) {
            errs->push_back(
                TypeInvalid(p.Child("values").Index(j), TypeName(s), "expected a string"));
            continue;
          }
          expr.values.push_back(s.get_ref<const std::string&>());
        }
      }
    }
    d.expressions.push_back(std::move(expr));
  }
  return d;
}

bool OperatorOf(std::string_view op, LabelOperator* out) {
  if (op == "In")
    *out = LabelOperator::kIn;
  else if (op == "NotIn")
    *out = LabelOperator::kNotIn;
  else if (op == "Exists")
    *out = LabelOperator::kExists;
  else if (op == "DoesNotExist")
    *out = LabelOperator::kDoesNotExist;
  else
    return false;
  return true;
}

void Validate(const Decoded& d, const FieldPath& path, FieldErrors* errs) {
  FieldPath labels_path = path.Child("matchLabels");
  for (const auto& [k, v] : d.match_labels) {
    for (const auto& p : LabelKeyProblems(k))
      errs->push_back(Invalid(labels_path, QuoteValue(k), p));
    for (const auto& p : LabelValueProblems(v)) {
      errs->push_back(Invalid(labels_path, QuoteValue(v), p));
    }
  }
  for (size_t i = 0; i < d.expressions.size(); ++i) {
    const Expression& e = d.expressions[i];
    FieldPath p = path.Child("matchExpressions").Index(i);
    LabelOperator op;
    if (!OperatorOf(e.op, &op)) {
      errs->push_back(
          Invalid(p.Child("operator"), QuoteValue(e.op), "not a valid selector operator"));
    } else if ((op == LabelOperator::kIn || op == LabelOperator::kNotIn) && e.values.empty()) {
      errs->push_back(
          Required(p.Child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if ((op == LabelOperator::kExists || op == LabelOperator::kDoesNotExist) &&
               !e.values.empty()) {
      errs->push_back(Forbidden(
          p.Child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    }
    for (const auto& m : LabelKeyProblems(e.key)) {
      errs->push_back(Invalid(p.Child("key"), QuoteValue(e.key), m));
    }
    for (size_t j = 0; j < e.values.size(); ++j) {
      for (const auto& m : LabelValueProblems(e.values[j])) {
        errs->push_back(Invalid(p.Child("values").Index(j), QuoteValue(e.values[j]), m));
      }
    }
  }
}

}  // namespace

FieldErrors ValidateLabelSelectorJson(const nlohmann::json& selector, const FieldPath& path) {
  FieldErrors errs;
  if (selector.is_null()) return errs;
  Decoded d = Decode(selector, path, &errs);
  Validate(d, path, &errs);
  return errs;
}

Result<LabelSelector> LabelSelectorFromJson(const nlohmann::json& selector, const FieldPath& path) {
  if (selector.is_null()) return LabelSelector::Nothing();
  FieldErrors errs;
  Decoded d = Decode(selector, path, &errs);
  Validate(d, path, &errs);
  if (!errs.empty()) return FieldErrorsToStatus(errs);
  std::vector<LabelRequirement> reqs;
  reqs.reserve(d.match_labels.size() + d.expressions.size());
  for (auto& [k, v] : d.match_labels) {
    auto r = LabelRequirement::Make(std::move(k), LabelOperator::kEquals, {std::move(v)}, path);
    if (!r.ok()) return r.status();  // unreachable: validated above
    reqs.push_back(std::move(r).value());
  }
  for (size_t i = 0; i < d.expressions.size(); ++i) {
    Expression& e = d.expressions[i];
    LabelOperator op = LabelOperator::kExists;
    OperatorOf(e.op, &op);
    auto r = LabelRequirement::Make(std::move(e.key), op, std::move(e.values),
                                    path.Child("matchExpressions").Index(i));
    if (!r.ok()) return r.status();
    reqs.push_back(std::move(r).value());
  }
  return LabelSelector::FromRequirements(std::move(reqs));
}

}  // namespace skiff::api
