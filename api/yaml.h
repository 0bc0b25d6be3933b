// YAML manifests ⇄ JSON objects, with the scalar rules of sigs.k8s.io/yaml.
//
// ParseYamlDocuments reads a stream of YAML documents separated by `---` and
// returns each non-empty one as a JSON object with the 1-based line it starts
// on. A document of kind List (or any kind ending in "List" with an items array)
// is replaced by its items, each with its own line; items of a typed list that
// lack apiVersion and kind get them from the list ("PodList" → "Pod").
// Scalars: quoted and block scalars are strings; plain true/false (any case
// form), null/~/empty, integers (decimal, 0x hex, 0o or leading-0 octal) and
// floats become JSON booleans, null and numbers; anything else is a string.
// Anchors, aliases and `<<` merge keys are resolved.
//
// Failures are BadRequest Statuses naming source, line and column, such as
// "web.yaml:12:3: illegal map value"; a document that is not a mapping is an
// error too. Hostile input fails before it costs memory or stack: collections
// may nest at most kMaxNestingDepth (api/json_body.h) deep, and aliases may add
// at most 64 KiB or the stream's own size (whichever is more) to what the
// stream converts to, which a first pass over the parser's events checks before
// any node is built or any alias expanded ("billion laughs" bombs).
//
// ToYaml prints a JSON value as `kubectl get -o yaml` does: block style,
// two-space indentation, sequences not indented under their key, keys in
// sorted order, strings quoted only where a plain scalar would read back as
// something else (or could not be read back at all), multi-line strings as
// literal blocks. ParseYamlDocuments(ToYaml(x)) gives back x.
//
// Pure functions; thread-safe; no exception escapes.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace skiff::api {

struct YamlDocument {
  nlohmann::json object;
  int line = 1;  // 1-based line where the document (or list item) starts
  // Keys given twice in one mapping of the document, by path ("metadata.name");
  // the last value is kept. Strict field validation refuses them.
  std::vector<std::string> duplicate_fields;
};

Result<std::vector<YamlDocument>> ParseYamlDocuments(std::string_view text,
                                                     std::string_view source_name);

std::string ToYaml(const nlohmann::json& value);

// How a plain (unquoted) YAML scalar reads as JSON under the rules above.
nlohmann::json ResolvePlainScalar(std::string_view text);

}  // namespace skiff::api
