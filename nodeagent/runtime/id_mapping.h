// Id mappings of a user namespace: lookup, the /proc/PID/uid_map text, the
// "container:host:size" form of the command line, and the checks ValidateSpec
// makes on a spec's user namespace.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "nodeagent/runtime/container_spec.h"

namespace skiff::runtime {

// The kernel's limit on the lines of one uid_map or gid_map.
inline constexpr size_t kMaxIdMappingLines = 340;

// The host id of container_id, or nullopt when no line maps it.
std::optional<uint32_t> HostId(const std::vector<IdMapping>& mappings, uint32_t container_id);

// "0 100000 65536\n..." as written, in one write(2), to /proc/PID/uid_map.
std::string FormatIdMap(const std::vector<IdMapping>& mappings);

// "0:100000:65536" (Docker's and podman's --uidmap form). Invalid names the text.
Result<IdMapping> ParseIdMapping(std::string_view text);

// Adds one cause per bad field of spec.namespaces' user namespace settings:
// mappings only with a new user namespace and then required; at most
// kMaxIdMappingLines lines; no size 0, no range past 2^32-1 (the kernel rejects
// -1), no overlap of container or of host ranges; container id 0 mapped (the
// runtime builds the container as its root); the process's uid, gid and
// supplementary groups mapped; idmap mounts only in a new user namespace.
void CheckUserNamespace(const ContainerSpec& spec, std::vector<FieldCause>& causes);

}  // namespace skiff::runtime
