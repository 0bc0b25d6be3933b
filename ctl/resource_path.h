// Resource names as users type them (pods, pod, po, Pod, deployments.apps) to
// the kinds skiff serves, and the REST paths of their collections and objects.
// Pure functions over the static kind table; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "api/kinds.h"

namespace skiff::ctl {

// nullptr when nothing matches.
const api::KindInfo* ResolveResource(std::string_view typed);

// "/api/v1/namespaces/NS/pods[/NAME]" or "/apis/apps/v1/deployments"; the
// namespace segment is left out for cluster-scoped kinds and when ns is empty
// (all namespaces).
std::string ResourcePath(const api::KindInfo& kind, const std::string& ns, const std::string& name = "");

// Percent-encodes a query parameter value.
std::string QueryEscape(std::string_view value);

}  // namespace skiff::ctl
