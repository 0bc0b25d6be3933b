// Image references as Docker writes them, parsed and normalised.
//
//   busybox                      → docker.io/library/busybox:latest
//   library/busybox:1.36         → docker.io/library/busybox:1.36
//   127.0.0.1:5000/team/app:v2   → registry 127.0.0.1:5000, repository team/app
//   busybox@sha256:<64 hex>      → pinned by digest (no tag added)
//
// The first path component names a registry when it contains '.' or ':', is
// "localhost", or is a bracketed IPv6 address ("[::1]:5000"); otherwise the
// registry is docker.io, where one-component names live under "library/".
// Repository components are lowercase [a-z0-9] joined by '.', '_', "__" or runs
// of '-'; tags are [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; digests are sha256.
// ParseImageReference returns Invalid with a message naming the reference and
// the rule it breaks. Values are plain data.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace skiff::images {

inline constexpr std::string_view kDockerHub = "docker.io";

struct ImageReference {
  std::string registry;    // "docker.io", "127.0.0.1:5000", "[::1]:5000"
  std::string repository;  // "library/busybox", "team/app"
  std::string tag;         // "latest" when neither tag nor digest was given
  std::string digest;      // "sha256:<hex>" or empty

  // "registry/repository".
  std::string Name() const;
  // The canonical form: "registry/repository[:tag][@digest]".
  std::string String() const;
  // What to ask the registry for: the digest when pinned, else the tag.
  std::string ManifestReference() const { return digest.empty() ? tag : digest; }
  // The host:port to connect to (docker.io is served by registry-1.docker.io).
  std::string RegistryEndpoint() const;
  // True for localhost, 127.0.0.0/8 and ::1: reached over plain HTTP, as Docker does.
  bool IsLoopbackRegistry() const;

  bool operator==(const ImageReference&) const = default;
};

Result<ImageReference> ParseImageReference(std::string_view text);

}  // namespace skiff::images
