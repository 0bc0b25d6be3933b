#include "nodeagent/runtime/id_mapping.h"

#include <algorithm>
#include <charconv>

namespace skiff::runtime {
namespace {

constexpr uint64_t kIdLimit = 0xffffffffULL;  // (uid_t)-1 is never a valid id

uint64_t End(uint32_t first, uint32_t size) { return uint64_t{first} + size; }

bool Overlap(uint32_t a, uint32_t b, uint32_t size_a, uint32_t size_b) {
  return a < End(b, size_b) && b < End(a, size_a);
}

void Add(std::vector<FieldCause>& causes, std::string field, std::string type,
         std::string message) {
  causes.push_back({std::move(field), std::move(type), std::move(message)});
}

void CheckMappings(const std::vector<IdMapping>& m, const std::string& field,
                   std::vector<FieldCause>& causes) {
  if (m.empty())
    return Add(causes, field, "FieldValueRequired", "a new user namespace needs mappings");
  if (m.size() > kMaxIdMappingLines) {
    return Add(causes, field, "TooMany",
               "must have at most " + std::to_string(kMaxIdMappingLines) + " lines");
  }
  for (size_t i = 0; i < m.size(); ++i) {
    std::string line = field + "[" + std::to_string(i) + "]";
    if (m[i].size == 0) {
      Add(causes, line + ".size", "FieldValueInvalid", "must be at least 1");
      continue;
    }
    if (End(m[i].container_id, m[i].size) > kIdLimit || End(m[i].host_id, m[i].size) > kIdLimit) {
      Add(causes, line, "FieldValueInvalid", "the range passes 4294967294, the highest id");
      continue;
    }
    for (size_t j = 0; j < i; ++j) {
      if (m[j].size == 0) continue;
      if (Overlap(m[i].container_id, m[j].container_id, m[i].size, m[j].size)) {
        Add(causes, line + ".container_id", "FieldValueInvalid",
            "overlaps the container ids of line " + std::to_string(j));
      }
      if (Overlap(m[i].host_id, m[j].host_id, m[i].size, m[j].size)) {
        Add(causes, line + ".host_id", "FieldValueInvalid",
            "overlaps the host ids of line " + std::to_string(j));
      }
    }
  }
}

void RequireMapped(const std::vector<IdMapping>& m, uint32_t id, const std::string& field,
                   const std::string& what, std::vector<FieldCause>& causes) {
  if (!m.empty() && !HostId(m, id)) {
    Add(causes, field, "FieldValueInvalid", what + " " + std::to_string(id) + " is not mapped");
  }
}

}  // namespace

std::optional<uint32_t> HostId(const std::vector<IdMapping>& mappings, uint32_t container_id) {
  for (const IdMapping& m : mappings) {
    if (container_id >= m.container_id && container_id < End(m.container_id, m.size)) {
      return m.host_id + (container_id - m.container_id);
    }
  }
  return std::nullopt;
}

std::string FormatIdMap(const std::vector<IdMapping>& mappings) {
  std::string out;
  for (const IdMapping& m : mappings) {
    out += std::to_string(m.container_id) + " " + std::to_string(m.host_id) + " " +
           std::to_string(m.size) + "\n";
  }
  return out;
}

Result<IdMapping> ParseIdMapping(std::string_view text) {
  uint32_t values[3];
  std::string_view rest = text;
  for (int i = 0; i < 3; ++i) {
    size_t colon = rest.find(':');
    std::string_view part = i < 2 ? rest.substr(0, colon) : rest;
    if ((i < 2 && colon == std::string_view::npos) || part.empty()) break;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), values[i]);
    if (ec != std::errc() || end != part.data() + part.size()) break;
    if (i == 2) return IdMapping{values[0], values[1], values[2]};
    rest = rest.substr(colon + 1);
  }
  // Appended piecewise: GCC 12 warns wrongly (-Wrestrict) on "\"" + std::string.
  std::string message = "\"";
  message.append(text);
  message += "\" is not CONTAINER_ID:HOST_ID:SIZE";
  return Status::Invalid(message, {{"idmapping", "FieldValueInvalid", message}});
}

void CheckUserNamespace(const ContainerSpec& spec, std::vector<FieldCause>& causes) {
  const NamespacesSpec& ns = spec.namespaces;
  bool is_new = ns.user.mode == NamespaceSpec::Mode::kNew;
  if (ns.user.mode == NamespaceSpec::Mode::kJoin) {
    Add(causes, "namespaces.user", "FieldValueNotSupported",
        "joining a user namespace is not supported yet; use a new one (kNew)");
  }
  if (!is_new) {
    if (!ns.uid_mappings.empty() || !ns.gid_mappings.empty()) {
      Add(causes, "namespaces.uid_mappings", "FieldValueForbidden",
          "mappings need a new user namespace");
    }
    for (size_t i = 0; i < spec.mounts.size(); ++i) {
      if (spec.mounts[i].idmap) {
        Add(causes, "mounts[" + std::to_string(i) + "].idmap", "FieldValueForbidden",
            "idmapped mounts need a new user namespace");
      }
    }
    return;
  }
  CheckMappings(ns.uid_mappings, "namespaces.uid_mappings", causes);
  CheckMappings(ns.gid_mappings, "namespaces.gid_mappings", causes);
  RequireMapped(ns.uid_mappings, 0, "namespaces.uid_mappings", "container uid", causes);
  RequireMapped(ns.gid_mappings, 0, "namespaces.gid_mappings", "container gid", causes);
  RequireMapped(ns.uid_mappings, spec.process.uid, "process.uid", "uid", causes);
  RequireMapped(ns.gid_mappings, spec.process.gid, "process.gid", "gid", causes);
  for (size_t i = 0; i < spec.process.supplementary_groups.size(); ++i) {
    RequireMapped(ns.gid_mappings, spec.process.supplementary_groups[i],
                  "process.supplementary_groups[" + std::to_string(i) + "]", "gid", causes);
  }
}

}  // namespace skiff::runtime
