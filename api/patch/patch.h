// The three PATCH body formats the API server accepts, as pure functions from
// (original object, patch) to the patched object. Objects are nlohmann::json
// values in the Kubernetes wire shape; nothing here touches storage or HTTP.
//
//   application/merge-patch+json           ApplyMergePatch        (RFC 7386)
//   application/json-patch+json            ApplyJsonPatch         (RFC 6902)
//   application/strategic-merge-patch+json ApplyStrategicMergePatch
//
// The errors follow kube-apiserver, so the HTTP mapping of each Code is the one
// Kubernetes uses for the same mistake:
//   - BadRequest (400): the patch is malformed (not the JSON shape its format
//     requires, an unknown operation or directive, a list element without its
//     merge key). The message names the place in the patch, e.g.
//     "patch[2].path: ..." or "spec.template.spec.containers[1]: ...".
//   - Invalid (422): a well-formed JSON patch that does not apply to this
//     object (a path that does not exist, an index out of range, a failed
//     `test`). kube-apiserver answers 422 for every error of
//     jsonpatch.Apply; the Status carries no field causes.
//   - TooLarge (413): a JSON patch with more than kMaxJsonPatchOperations, or
//     whose copy operations copy more than kMaxJsonPatchCopyBytes in all.
//   - BadRequest (400) naming the limit: an operation that would make the
//     object nest deeper than kMaxNestingDepth (api/json_body.h).
//
// Depth: every function here recurses at most as deep as its inputs nest, and
// no result nests deeper than its deepest input (ApplyJsonPatch: than
// kMaxNestingDepth or the original); the API server bounds every input at
// kMaxNestingDepth (api/json_body.h), so the stack they need is bounded.
// On error nothing is returned but the Status; the inputs are never modified.
//
// What the result is not checked for: that it is still a valid object of its
// kind, that metadata.name/namespace/uid are unchanged, or preconditions such
// as metadata.resourceVersion in the patch. The caller (the API server)
// decodes, validates and compares the result after patching.
//
// Thread-safety: all functions are pure and reentrant; the strategy table
// they read is immutable after first use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "api/schema/schema.h"
#include "base/status.h"

namespace skiff::api {

// kube-apiserver's limit on the operations of one JSON patch.
inline constexpr std::size_t kMaxJsonPatchOperations = 10000;
// The most that the copy operations of one JSON patch may copy in all (about
// the bytes of the copied JSON text): the API server's body limit, as
// evanphx/json-patch bounds accumulated copies for kube-apiserver.
inline constexpr std::uint64_t kMaxJsonPatchCopyBytes = 3 * 1024 * 1024;

// RFC 7386 on any two JSON values, exactly as the RFC's MergePatch pseudo-code:
// a non-object patch replaces the target; null members delete; objects merge
// recursively; arrays are replaced whole. Never fails.
nlohmann::json MergePatchValue(const nlohmann::json& target, const nlohmann::json& patch);

// A JSON merge patch as PATCH applies it: the patch must be a JSON object
// (BadRequest otherwise, as kube-apiserver answers); then MergePatchValue.
Result<nlohmann::json> ApplyMergePatch(const nlohmann::json& original, const nlohmann::json& patch);

// RFC 6902: `patch` is an array of operations (add, remove, replace, move,
// copy, test) applied in order to a copy of `original`; JSON pointers use the
// ~0 / ~1 escapes and "-" for the end of an array. Malformed operations are
// BadRequest (checked before any is applied); an operation that does not apply
// is Invalid naming the operation's index and path; too many operations are
// TooLarge.
Result<nlohmann::json> ApplyJsonPatch(const nlohmann::json& original, const nlohmann::json& patch);

// Kubernetes' strategic merge patch, with the semantics of kube-apiserver's
// StrategicMergeMapPatch: maps merge recursively and null deletes; lists whose
// field has patch strategy "merge" are merged (lists of objects by the field's
// patch merge key, lists of scalars as sets); other lists are replaced. The
// directives `$patch: replace|delete|merge`, `$retainKeys`,
// `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>` are honoured
// and never appear in the result. `type` is the top-level type of the object
// (TypeForKind); field types are found by walking the schema from it, and the
// strategies come from api/patch/patch_strategies.h. Fields the schema does
// not know are patched like a JSON merge patch.
Result<nlohmann::json> ApplyStrategicMergePatch(const nlohmann::json& original,
                                                const nlohmann::json& patch,
                                                const ObjectType& type);

}  // namespace skiff::api
