// The JSON reader of request bodies: the one place where outside JSON becomes
// an nlohmann::json value, with the bounds every later walk relies on.
//
// ParseJsonBody differs from nlohmann::json::parse in three ways:
//   - nesting is bounded: a document whose objects and arrays nest more than
//     kMaxNestingDepth deep is refused before it is built. Every recursive walk
//     over objects (copying, comparing, serializing, patching, apply, field sets,
//     validation) relies on it; kube-apiserver's decoder has the same kind of
//     bound (Go's encoding/json stops at 10,000 levels, which its growable
//     goroutine stacks can afford; our walks run on fixed thread stacks);
//   - bytes that are not UTF-8 become U+FFFD, as Go's encoding/json decodes them
//     (inside a string that is the whole effect; elsewhere it stays a syntax error);
//   - duplicate object keys are reported (the last value is kept, as in Go), by
//     path ("metadata.name", "spec.containers[0].name"), so that strict field
//     validation can refuse them.
// Failures are BadRequest Statuses:
//   "json parse error at line 3, column 7: syntax error while parsing ..."
//   "json parse error: the document nests objects and arrays more than 100 levels deep (the limit)"
// Pure functions; thread-safe; no exception escapes.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace skiff::api {

// How deep objects and arrays may nest in a body, a YAML document or a patched
// object: far deeper than any object of the API (about 15 levels, 30 in
// managedFields), and low enough that every recursive walk stays a few hundred KiB
// of stack.
inline constexpr int kMaxNestingDepth = 100;

struct JsonBody {
  nlohmann::json value;
  std::vector<std::string> duplicate_fields;  // paths of keys given more than once
};

Result<JsonBody> ParseJsonBody(std::string_view body);

// How deep objects and arrays nest in value (a scalar is 0, {} or [] is 1),
// measured without recursion, so any value may be measured.
int NestingDepth(const nlohmann::json& value);

// BadRequest naming the limit when value nests deeper than kMaxNestingDepth;
// what names the value ("the patched object").
Status CheckNestingDepth(const nlohmann::json& value, std::string_view what);

// The message of a too-deep document, shared by the JSON and YAML readers.
std::string TooDeepMessage(std::string_view what);

// value as JSON text, with any byte of a string that is not UTF-8 written as
// U+FFFD (nlohmann's dump() throws on such a byte). For text that goes to a
// client or to storage; never throws.
std::string DumpJson(const nlohmann::json& value);

}  // namespace skiff::api
