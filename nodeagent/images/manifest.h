// OCI and Docker schema 2 manifests and indexes (manifest lists), decoded from
// their JSON into plain structs.
//
// Parse* catch nlohmann's exceptions at this boundary and return Invalid naming
// the field ("manifest.layers[2].digest: want sha256:<64 hex>"). Digests are
// checked for form. Plain data; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace skiff::images {

namespace media_type {
inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kOciLayer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view kOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view kOciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr std::string_view kDockerManifestList =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerManifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view kDockerLayer = "application/vnd.docker.image.rootfs.diff.tar";
inline constexpr std::string_view kDockerLayerGzip =
    "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr std::string_view kDockerForeignLayerGzip =
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
}  // namespace media_type

inline constexpr std::string_view kRefNameAnnotation = "org.opencontainers.image.ref.name";

struct Platform {
  std::string os;
  std::string architecture;
  std::string variant;
};

struct Descriptor {
  std::string media_type;
  std::string digest;
  int64_t size = 0;
  Platform platform;  // only in indexes
  std::map<std::string, std::string> annotations;
};

struct Manifest {
  std::string media_type;
  Descriptor config;
  std::vector<Descriptor> layers;
};

struct Index {
  std::string media_type;
  std::vector<Descriptor> manifests;
};

bool IsIndexMediaType(std::string_view type);
bool IsManifestMediaType(std::string_view type);
bool IsLayerMediaType(std::string_view type);

// What a manifest body is when its media type is not known (OCI lets the field be
// absent): an index when it has "manifests", a manifest when it has "layers".
Result<std::string> SniffMediaType(std::string_view json);

Result<Manifest> ParseManifest(std::string_view json);
Result<Index> ParseIndex(std::string_view json);

// The entry of an index for os/architecture (variant ignored; an entry without a
// platform matches when it is the only one). NotFound listing what is there.
Result<Descriptor> PickPlatform(const Index& index, std::string_view os,
                                std::string_view architecture);

// A Docker schema 2 manifest for a config and layers (docker save has none).
std::string DockerManifestJson(const Descriptor& config, const std::vector<Descriptor>& layers);

}  // namespace skiff::images
