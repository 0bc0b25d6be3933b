// Metadata the server assigns: uids, generated names, timestamps.
#pragma once

#include <string>
#include <string_view>

namespace skiff::apiserver {

// A random RFC 4122 version 4 UUID, lowercase.
std::string NewUid();
// generateName + 5 characters from Kubernetes' alphabet (no vowels, no 0/1/3).
std::string GenerateName(std::string_view prefix);

}  // namespace skiff::apiserver
