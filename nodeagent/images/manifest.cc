#include "nodeagent/images/manifest.h"

#include <nlohmann/json.hpp>

#include "nodeagent/images/digest.h"

namespace skiff::images {
namespace {

using json = nlohmann::json;

Status FieldError(const std::string& field, const std::string& why) {
  return Status::Invalid(field + ": " + why, {{field, "FieldValueInvalid", why}});
}

Result<json> ParseJson(std::string_view text, std::string_view what) {
  try {
    json doc = json::parse(text);
    if (!doc.is_object()) return FieldError(std::string(what), "not a JSON object");
    return doc;
  } catch (const json::exception& e) {
    return Status(Code::kInvalid, std::string(what) + ": malformed JSON: " + e.what());
  }
}

Result<std::string> StringField(const json& obj, const std::string& key, const std::string& path,
                                bool required) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) return FieldError(path + "." + key, "required");
    return std::string();
  }
  if (!it->is_string()) return FieldError(path + "." + key, "must be a string");
  return it->get<std::string>();
}

Result<Descriptor> ParseDescriptor(const json& obj, const std::string& path) {
  if (!obj.is_object()) return FieldError(path, "must be an object");
  Descriptor d;
  auto media = StringField(obj, "mediaType", path, false);
  if (!media.ok()) return media.status();
  d.media_type = *media;
  auto digest = StringField(obj, "digest", path, true);
  if (!digest.ok()) return digest.status();
  if (!IsValidDigest(*digest))
    return FieldError(path + ".digest", "want sha256:<64 lowercase hex digits>");
  d.digest = *digest;
  auto size = obj.find("size");
  if (size != obj.end()) {
    if (!size->is_number_integer() || size->get<int64_t>() < 0)
      return FieldError(path + ".size", "must be a non-negative integer");
    d.size = size->get<int64_t>();
  }
  if (auto p = obj.find("platform"); p != obj.end() && p->is_object()) {
    d.platform.os = p->value("os", "");
    d.platform.architecture = p->value("architecture", "");
    d.platform.variant = p->value("variant", "");
  }
  if (auto a = obj.find("annotations"); a != obj.end() && a->is_object()) {
    for (const auto& [k, v] : a->items()) {
      if (v.is_string()) d.annotations[k] = v.get<std::string>();
    }
  }
  return d;
}

}  // namespace

bool IsIndexMediaType(std::string_view type) {
  return type == media_type::kOciIndex || type == media_type::kDockerManifestList;
}

bool IsManifestMediaType(std::string_view type) {
  return type == media_type::kOciManifest || type == media_type::kDockerManifest;
}

bool IsLayerMediaType(std::string_view type) {
  return type == media_type::kOciLayer || type == media_type::kOciLayerGzip ||
         type == media_type::kOciLayerZstd || type == media_type::kDockerLayer ||
         type == media_type::kDockerLayerGzip || type == media_type::kDockerForeignLayerGzip ||
         type == "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
}

Result<std::string> SniffMediaType(std::string_view text) {
  auto doc = ParseJson(text, "manifest");
  if (!doc.ok()) return doc.status();
  if (auto m = doc->find("mediaType"); m != doc->end() && m->is_string())
    return m->get<std::string>();
  if (doc->contains("manifests")) return std::string(media_type::kOciIndex);
  if (doc->contains("layers")) return std::string(media_type::kOciManifest);
  return FieldError("manifest.mediaType", "required (neither an index nor a manifest)");
}

Result<Manifest> ParseManifest(std::string_view text) {
  auto doc = ParseJson(text, "manifest");
  if (!doc.ok()) return doc.status();
  Manifest m;
  auto media = StringField(*doc, "mediaType", "manifest", false);
  if (!media.ok()) return media.status();
  m.media_type = media->empty() ? std::string(media_type::kOciManifest) : *media;
  if (!IsManifestMediaType(m.media_type))
    return FieldError("manifest.mediaType", "unsupported manifest type \"" + m.media_type + "\"");
  if (doc->value("schemaVersion", 0) != 2) return FieldError("manifest.schemaVersion", "must be 2");
  auto config_it = doc->find("config");
  if (config_it == doc->end()) return FieldError("manifest.config", "required");
  auto config = ParseDescriptor(*config_it, "manifest.config");
  if (!config.ok()) return config.status();
  m.config = *config;
  auto layers = doc->find("layers");
  if (layers == doc->end() || !layers->is_array())
    return FieldError("manifest.layers", "required list");
  for (size_t i = 0; i < layers->size(); ++i) {
    std::string path = "manifest.layers[" + std::to_string(i) + "]";
    auto layer = ParseDescriptor((*layers)[i], path);
    if (!layer.ok()) return layer.status();
    if (!IsLayerMediaType(layer->media_type)) {
      return FieldError(path + ".mediaType",
                        "unsupported layer type \"" + layer->media_type + "\"");
    }
    m.layers.push_back(std::move(*layer));
  }
  return m;
}

Result<Index> ParseIndex(std::string_view text) {
  auto doc = ParseJson(text, "index");
  if (!doc.ok()) return doc.status();
  Index index;
  auto media = StringField(*doc, "mediaType", "index", false);
  if (!media.ok()) return media.status();
  index.media_type = media->empty() ? std::string(media_type::kOciIndex) : *media;
  if (!IsIndexMediaType(index.media_type))
    return FieldError("index.mediaType", "unsupported index type \"" + index.media_type + "\"");
  auto list = doc->find("manifests");
  if (list == doc->end() || !list->is_array())
    return FieldError("index.manifests", "required list");
  for (size_t i = 0; i < list->size(); ++i) {
    auto d = ParseDescriptor((*list)[i], "index.manifests[" + std::to_string(i) + "]");
    if (!d.ok()) return d.status();
    index.manifests.push_back(std::move(*d));
  }
  return index;
}

Result<Descriptor> PickPlatform(const Index& index, std::string_view os,
                                std::string_view architecture) {
  for (const Descriptor& d : index.manifests) {
    if (d.platform.os == os && d.platform.architecture == architecture) return d;
  }
  if (index.manifests.size() == 1 && index.manifests[0].platform.os.empty())
    return index.manifests[0];
  std::string have;
  for (const Descriptor& d : index.manifests) {
    if (d.annotations.count("vnd.docker.reference.type")) continue;  // attestations
    if (!have.empty()) have += ", ";
    have += (d.platform.os.empty() ? "?" : d.platform.os) + "/" +
            (d.platform.architecture.empty() ? "?" : d.platform.architecture);
  }
  return Status::NotFound("no manifest for " + std::string(os) + "/" + std::string(architecture) +
                          " in the index (it has: " + (have.empty() ? "none" : have) + ")");
}

std::string DockerManifestJson(const Descriptor& config, const std::vector<Descriptor>& layers) {
  json doc = {
      {"schemaVersion", 2},
      {"mediaType", media_type::kDockerManifest},
      {"config",
       {{"mediaType", config.media_type}, {"size", config.size}, {"digest", config.digest}}},
      {"layers", json::array()}};
  for (const Descriptor& l : layers) {
    doc["layers"].push_back({{"mediaType", l.media_type}, {"size", l.size}, {"digest", l.digest}});
  }
  return doc.dump();
}

}  // namespace skiff::images
