// WatchFilter: what one list or watch selects — a namespace (empty: all) and
// label and field selectors — matched against cached objects.
//
// A plain value: thread-compatible. Matching never fails.
#pragma once

#include <string>

#include "api/fields/field_selector.h"
#include "api/labels/label_selector.h"
#include "apiserver/cache/cached_object.h"

namespace skiff::apiserver {

struct WatchFilter {
  std::string namespace_;  // empty: every namespace (or a cluster-scoped kind)
  api::LabelSelector labels;
  api::FieldSelector fields;

  // Whether a selector narrows the set (then a watch shows objects entering and
  // leaving the selection as ADDED and DELETED).
  bool Selective() const { return !labels.Empty() || !fields.Empty(); }
  bool Matches(const CachedObject& obj) const {
    if (!namespace_.empty() && obj.namespace_ != namespace_) return false;
    return labels.Matches(obj.labels) && fields.Matches(obj.selectable);
  }
};

}  // namespace skiff::apiserver
