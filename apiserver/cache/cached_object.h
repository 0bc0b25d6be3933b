// CachedObject: one stored object as the watch cache keeps it.
//
// The API form is kept as JSON text (metadata.resourceVersion already set), so a
// GET, a LIST or a watch event is served by copying bytes, never by parsing or
// rendering. Beside it sits a small "selectable" JSON document holding only what
// selectors read (metadata name, namespace, labels and the kind's selectable
// fields), so label and field selectors match without the full object.
//
// A CachedObject is immutable once made and shared between the cache, list
// results and watch queues by shared_ptr: thread-safe to read.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/kinds.h"
#include "api/labels/labels.h"
#include "apiserver/storage/storage.h"
#include "base/status.h"

namespace skiff::apiserver {

struct CachedObject {
  std::string key;  // the storage key
  std::string namespace_;
  std::string name;
  int64_t mod_revision = 0;   // = metadata.resourceVersion
  std::string text;           // the API object as JSON
  nlohmann::json selectable;  // metadata.{name,namespace,labels} and the selectable fields
  api::Labels labels;
  bool deleting = false;      // metadata.deletionTimestamp is set
};

using CachedObjectPtr = std::shared_ptr<const CachedObject>;

// Builds the cached form of a stored value; revision becomes its resourceVersion
// (the mod_revision of kv, or the delete's revision for a deleted value).
// Fails with Internal when the stored value is not a JSON object.
Result<CachedObjectPtr> MakeCachedObject(const api::KindInfo& kind, const storage::KeyValue& kv);
// The same from an already parsed object (its resourceVersion is set here).
CachedObjectPtr MakeCachedObject(const api::KindInfo& kind, const std::string& key, nlohmann::json object,
                                 int64_t revision);

// The parsed API object (for Tables and other renderings that need structure).
nlohmann::json ParseCached(const CachedObject& obj);

}  // namespace skiff::apiserver
