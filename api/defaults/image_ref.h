// The tag of a container image reference, as the kubelet's parsers.ParseImageName
// sees it, for defaulting imagePullPolicy.
//
//   "nginx"                  -> "latest" (no tag and no digest)
//   "nginx:1.27"             -> "1.27"
//   "host:5000/app"          -> "latest" (the colon belongs to the registry)
//   "app@sha256:..."         -> ""       (digest only)
//   "app:1.0@sha256:..."     -> "1.0"
//   "" or unparsable         -> ""
// Pure function: thread-safe, no exceptions.
#pragma once

#include <string>
#include <string_view>

namespace skiff::api::defaults {

std::string ImageTag(std::string_view image);

}  // namespace skiff::api::defaults
