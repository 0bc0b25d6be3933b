#include "apiserver/storage/guaranteed_update.h"

namespace skiff::storage {

Result<KeyValue> GuaranteedUpdate(Storage& store, const std::string& key, const Mutation& mutate,
                                  int max_attempts) {
  for (int attempt = 0; attempt < max_attempts; ++attempt) {
    Result<KeyValue> current = store.Get(key);
    if (!current.ok()) return current.status();
    Result<std::string> next = mutate(*current);
    if (!next.ok()) return next.status();
    Result<KeyValue> written = store.Update(key, *next, current->mod_revision);
    if (written.ok() || written.status().code() != Code::kConflict) return written;
  }
  return Status::Conflict("update of " + key + " lost " + std::to_string(max_attempts) +
                          " races in a row");
}

}  // namespace skiff::storage
