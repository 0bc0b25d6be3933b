// The strategic-merge-patch strategy of each list or object field of the types
// skiff serves: the `patchStrategy` / `patchMergeKey` struct tags of the
// upstream Go types (core/v1, apps/v1, meta/v1), which api/schema does not
// carry. Keyed by (type short name, JSON field name), e.g. ("PodSpec",
// "containers") → merge by "name".
//
// A field absent from the table has no strategy: its lists are replaced whole
// and its objects merged key by key, as for a JSON merge patch.
//
// The table is a function-local static, immutable after first use:
// thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace skiff::api {

struct PatchStrategy {
  bool merge = false;        // patchStrategy "merge": lists merge instead of being replaced
  bool retain_keys = false;  // patchStrategy "retainKeys" (informational on the server)
  bool replace = false;      // patchStrategy "replace": objects are replaced, not merged
  std::string merge_key;     // patchMergeKey; empty for lists of scalars
};

// The strategy of `field` of type `type_name`; a default (replace lists, merge
// objects) when the table has no entry.
const PatchStrategy& LookupPatchStrategy(std::string_view type_name, std::string_view field);

// Every entry, as ("Type.field", strategy), sorted; for tests and docs.
std::vector<std::pair<std::string, PatchStrategy>> AllPatchStrategies();

}  // namespace skiff::api
