// The one way an object becomes the bytes ObjectStore writes to storage.
//
// EncodeStoredObject serializes the object as it will be stored (after
// decoding, defaulting, patching or apply, and stamping) and refuses it when
// the encoding is larger than kMaxStoredObjectBytes. The bound matches what a
// Kubernetes cluster can store: etcd refuses requests past its default
// --max-request-bytes of 1.5 MiB ("etcdserver: request is too large", which
// kube-apiserver passes on as a 500). skiff answers 413 RequestEntityTooLarge,
// the reason kube-apiserver gives for a body past its own 3 MiB limit, because
// the client's object is what is too large. Bodies are bounded separately (the
// HTTP layer's 3 MiB); this bound holds the object however it grew, e.g. a
// small patch that adds to a large object.
//
// Bytes of a string that are not UTF-8 are written as U+FFFD. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"

namespace skiff::apiserver {

inline constexpr size_t kMaxStoredObjectBytes = 1536 * 1024;  // etcd's default request limit

// The stored form of obj, or TooLarge naming its size and the limit.
Result<std::string> EncodeStoredObject(const nlohmann::json& obj);

}  // namespace skiff::apiserver
