#include "api/labels/label_selector.h"

#include <algorithm>
#include <charconv>

#include "api/labels/label_validation.h"

namespace skiff::api {
namespace {

// strconv.ParseInt(s, 10, 64): optional sign, decimal digits, no overflow.
std::optional<int64_t> ParseInt64(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty() || s.front() == '+') return std::nullopt;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string JoinProblems(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems) {
    if (!out.empty()) out += "; ";
    out += p;
  }
  return out;
}

std::string RenderValues(const std::vector<std::string>& values) {
  return nlohmann::json(values).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string_view LabelOperatorName(LabelOperator op) {
  switch (op) {
    case LabelOperator::kEquals:
      return "=";
    case LabelOperator::kNotEquals:
      return "!=";
    case LabelOperator::kIn:
      return "in";
    case LabelOperator::kNotIn:
      return "notin";
    case LabelOperator::kExists:
      return "exists";
    case LabelOperator::kDoesNotExist:
      return "!";
    case LabelOperator::kGreaterThan:
      return "gt";
    case LabelOperator::kLessThan:
      return "lt";
  }
  return "?";
}

Result<LabelRequirement> LabelRequirement::Make(std::string key, LabelOperator op,
                                                std::vector<std::string> values,
                                                const FieldPath& path) {
  FieldErrors errs;
  for (const auto& p : LabelKeyProblems(key)) {
    errs.push_back(Invalid(path.Child("key"), QuoteValue(key), p));
  }
  FieldPath values_path = path.Child("values");
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  int64_t bound = 0;
  switch (op) {
    case LabelOperator::kIn:
    case LabelOperator::kNotIn:
      if (values.empty()) {
        errs.push_back(Invalid(values_path, RenderValues(values),
                               "for 'in', 'notin' operators, values set can't be empty"));
      }
      break;
    case LabelOperator::kEquals:
    case LabelOperator::kNotEquals:
      if (values.size() != 1) {
        errs.push_back(Invalid(values_path, RenderValues(values),
                               "exact-match compatibility requires one single value"));
      }
      break;
    case LabelOperator::kExists:
    case LabelOperator::kDoesNotExist:
      if (!values.empty()) {
        errs.push_back(Invalid(values_path, RenderValues(values),
                               "values set must be empty for exists and does not exist"));
      }
      break;
    case LabelOperator::kGreaterThan:
    case LabelOperator::kLessThan:
      if (values.size() != 1) {
        errs.push_back(Invalid(values_path, RenderValues(values),
                               "for 'Gt', 'Lt' operators, exactly one value is required"));
      }
      for (size_t i = 0; i < values.size(); ++i) {
        auto v = ParseInt64(values[i]);
        if (!v) {
          errs.push_back(Invalid(values_path.Index(i), QuoteValue(values[i]),
                                 "for 'Gt', 'Lt' operators, the value must be an integer"));
        } else {
          bound = *v;
        }
      }
      break;
  }
  for (size_t i = 0; i < values.size(); ++i) {
    auto problems = LabelValueProblems(values[i]);
    if (!problems.empty()) {
      errs.push_back(
          Invalid(values_path.Index(i).Key(key), QuoteValue(values[i]), JoinProblems(problems)));
    }
  }
  if (!errs.empty()) return FieldErrorsToStatus(errs);
  LabelRequirement r;
  r.key_ = std::move(key);
  r.op_ = op;
  r.values_ = std::move(values);
  r.bound_ = bound;
  return r;
}

bool LabelRequirement::MatchesValue(const std::string* value) const {
  auto has = [this](const std::string& v) {
    // Values are sorted; most requirements carry one or two.
    if (values_.size() <= 4) return std::find(values_.begin(), values_.end(), v) != values_.end();
    return std::binary_search(values_.begin(), values_.end(), v);
  };
  switch (op_) {
    case LabelOperator::kEquals:
    case LabelOperator::kIn:
      return value != nullptr && has(*value);
    case LabelOperator::kNotEquals:
    case LabelOperator::kNotIn:
      return value == nullptr || !has(*value);
    case LabelOperator::kExists:
      return value != nullptr;
    case LabelOperator::kDoesNotExist:
      return value == nullptr;
    case LabelOperator::kGreaterThan:
    case LabelOperator::kLessThan: {
      if (value == nullptr) return false;
      auto v = ParseInt64(*value);
      if (!v) return false;
      return op_ == LabelOperator::kGreaterThan ? *v > bound_ : *v < bound_;
    }
  }
  return false;
}

bool LabelRequirement::RequiresKey() const {
  switch (op_) {
    case LabelOperator::kEquals:
    case LabelOperator::kIn:
    case LabelOperator::kExists:
    case LabelOperator::kGreaterThan:
    case LabelOperator::kLessThan:
      return true;
    default:
      return false;
  }
}

std::string LabelRequirement::ToString() const {
  std::string out;
  if (op_ == LabelOperator::kDoesNotExist) out += '!';
  out += key_;
  switch (op_) {
    case LabelOperator::kExists:
    case LabelOperator::kDoesNotExist:
      return out;
    case LabelOperator::kEquals:
      out += '=';
      break;
    case LabelOperator::kNotEquals:
      out += "!=";
      break;
    case LabelOperator::kIn:
      out += " in (";
      break;
    case LabelOperator::kNotIn:
      out += " notin (";
      break;
    case LabelOperator::kGreaterThan:
      out += '>';
      break;
    case LabelOperator::kLessThan:
      out += '<';
      break;
  }
  for (size_t i = 0; i < values_.size(); ++i) {
    if (i) out += ',';
    out += values_[i];
  }
  if (op_ == LabelOperator::kIn || op_ == LabelOperator::kNotIn) out += ')';
  return out;
}

LabelSelector LabelSelector::Nothing() {
  LabelSelector s;
  s.nothing_ = true;
  return s;
}

LabelSelector LabelSelector::FromRequirements(std::vector<LabelRequirement> requirements) {
  LabelSelector s;
  s.requirements_ = std::move(requirements);
  std::stable_sort(
      s.requirements_.begin(), s.requirements_.end(),
      [](const LabelRequirement& a, const LabelRequirement& b) { return a.key() < b.key(); });
  return s;
}

Result<LabelSelector> LabelSelector::FromSet(const Labels& set, const FieldPath& path) {
  // Checked as upstream's ValidateLabels: every problem reported at `path` itself.
  FieldErrors errs;
  for (const auto& [k, v] : set) {
    for (const auto& p : LabelKeyProblems(k)) errs.push_back(Invalid(path, QuoteValue(k), p));
    for (const auto& p : LabelValueProblems(v)) errs.push_back(Invalid(path, QuoteValue(v), p));
  }
  if (!errs.empty()) return FieldErrorsToStatus(errs);
  std::vector<LabelRequirement> reqs;
  for (const auto& [k, v] : set) {
    auto r = LabelRequirement::Make(k, LabelOperator::kEquals, {v}, path);
    if (!r.ok()) return r.status();  // unreachable: checked above
    reqs.push_back(std::move(r).value());
  }
  return FromRequirements(std::move(reqs));
}

bool LabelSelector::Matches(const Labels& labels) const {
  if (nothing_) return false;
  for (const auto& r : requirements_) {
    if (!r.MatchesValue(labels.Find(r.key()))) return false;
  }
  return true;
}

bool LabelSelector::Matches(const JsonLabels& labels) const {
  if (nothing_) return false;
  for (const auto& r : requirements_) {
    if (!r.MatchesValue(labels.Find(r.key()))) return false;
  }
  return true;
}

bool LabelSelector::MatchesObject(const nlohmann::json& object) const {
  if (nothing_) return false;
  if (requirements_.empty()) return true;
  return Matches(JsonLabels::OfObject(object));
}

std::string LabelSelector::ToString() const {
  std::string out;
  for (const auto& r : requirements_) {
    if (!out.empty()) out += ',';
    out += r.ToString();
  }
  return out;
}

std::optional<std::string> LabelSelector::RequiresExactMatch(std::string_view key) const {
  for (const auto& r : requirements_) {
    if (r.key() != key) continue;
    if ((r.op() == LabelOperator::kEquals || r.op() == LabelOperator::kIn) &&
        r.values().size() == 1) {
      return r.values()[0];
    }
  }
  return std::nullopt;
}

}  // namespace skiff::api
