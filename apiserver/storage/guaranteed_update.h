// GuaranteedUpdate: the one read-mutate-compare-and-swap loop every write path
// above storage uses, as Kubernetes' storage.Interface.GuaranteedUpdate.
//
// It reads key, calls mutate(current value) and writes the result with the
// revision it read; on Conflict it reads again and retries, up to max_attempts.
// mutate returns the new value or an error Status, which aborts with nothing
// written. If the key is missing, NotFound is returned without calling mutate.
#pragma once

#include <functional>
#include <string>

#include "apiserver/storage/storage.h"

namespace skiff::storage {

using Mutation = std::function<Result<std::string>(const KeyValue& current)>;

Result<KeyValue> GuaranteedUpdate(Storage& store, const std::string& key, const Mutation& mutate,
                                  int max_attempts = 16);

}  // namespace skiff::storage
