// Discovery documents, all generated from api/kinds.h:
// - aggregated discovery (apidiscovery.k8s.io v2 and v2beta1) for /api and /apis,
//   chosen by the Accept header;
// - the legacy APIVersions (/api), APIGroupList (/apis), APIGroup (/apis/{g}) and
//   APIResourceList (/api/v1, /apis/{g}/{v}) documents otherwise.
// Pure functions of the kind table.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace skiff::apiserver {

// "v2", "v2beta1" or "" (legacy) for an Accept header of a /api or /apis request.
std::string AggregatedDiscoveryVersion(std::string_view accept);
std::string AggregatedContentType(std::string_view version);

// core = true for /api, false for /apis.
nlohmann::json AggregatedDiscovery(bool core, std::string_view version);
nlohmann::json LegacyApiVersions();
nlohmann::json LegacyApiGroupList();
// null when the group is not served.
nlohmann::json LegacyApiGroup(std::string_view group);
// null when the group-version is not served.
nlohmann::json LegacyResourceList(std::string_view group, std::string_view version);

}  // namespace skiff::apiserver
