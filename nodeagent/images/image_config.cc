#include "nodeagent/images/image_config.h"

#include <nlohmann/json.hpp>

#include "nodeagent/images/digest.h"

namespace skiff::images {
namespace {

using json = nlohmann::json;

Status FieldError(const std::string& field, const std::string& why) {
  return Status::Invalid(field + ": " + why, {{field, "FieldValueInvalid", why}});
}

Status StringList(const json& obj, const char* key, const std::string& path,
                  std::vector<std::string>& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) return FieldError(path + "." + key, "must be a list of strings");
  for (size_t i = 0; i < it->size(); ++i) {
    const json& v = (*it)[i];
    if (!v.is_string())
      return FieldError(path + "." + key + "[" + std::to_string(i) + "]", "must be a string");
    out.push_back(v.get<std::string>());
  }
  return Status::Ok();
}

Status String(const json& obj, const char* key, const std::string& path, std::string& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) return FieldError(path + "." + key, "must be a string");
  out = it->get<std::string>();
  return Status::Ok();
}

Status ParseProcess(const json& c, ImageConfig& cfg) {
  const std::string path = "config.config";
  if (!c.is_object()) return FieldError(path, "must be an object");
  SKIFF_RETURN_IF_ERROR(StringList(c, "Entrypoint", path, cfg.entrypoint));
  SKIFF_RETURN_IF_ERROR(StringList(c, "Cmd", path, cfg.cmd));
  SKIFF_RETURN_IF_ERROR(StringList(c, "Env", path, cfg.env));
  SKIFF_RETURN_IF_ERROR(String(c, "WorkingDir", path, cfg.working_dir));
  SKIFF_RETURN_IF_ERROR(String(c, "User", path, cfg.user));
  SKIFF_RETURN_IF_ERROR(String(c, "StopSignal", path, cfg.stop_signal));
  if (auto ports = c.find("ExposedPorts"); ports != c.end() && !ports->is_null()) {
    if (!ports->is_object()) return FieldError(path + ".ExposedPorts", "must be an object");
    for (const auto& [port, unused] : ports->items()) cfg.exposed_ports.push_back(port);
  }
  if (auto labels = c.find("Labels"); labels != c.end() && !labels->is_null()) {
    if (!labels->is_object()) return FieldError(path + ".Labels", "must be an object");
    for (const auto& [k, v] : labels->items()) {
      if (!v.is_string()) return FieldError(path + ".Labels." + k, "must be a string");
      cfg.labels[k] = v.get<std::string>();
    }
  }
  return Status::Ok();
}

}  // namespace

Result<ImageConfig> ParseImageConfig(std::string_view text) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    return Status(Code::kInvalid, std::string("config: malformed JSON: ") + e.what());
  }
  if (!doc.is_object()) return FieldError("config", "not a JSON object");
  ImageConfig cfg;
  SKIFF_RETURN_IF_ERROR(String(doc, "os", "config", cfg.os));
  SKIFF_RETURN_IF_ERROR(String(doc, "architecture", "config", cfg.architecture));
  if (auto c = doc.find("config"); c != doc.end() && !c->is_null())
    SKIFF_RETURN_IF_ERROR(ParseProcess(*c, cfg));
  auto rootfs = doc.find("rootfs");
  if (rootfs == doc.end() || !rootfs->is_object())
    return FieldError("config.rootfs", "required object");
  if (rootfs->value("type", "") != "layers")
    return FieldError("config.rootfs.type", "must be \"layers\"");
  SKIFF_RETURN_IF_ERROR(StringList(*rootfs, "diff_ids", "config.rootfs", cfg.diff_ids));
  for (size_t i = 0; i < cfg.diff_ids.size(); ++i) {
    if (!IsValidDigest(cfg.diff_ids[i])) {
      return FieldError("config.rootfs.diff_ids[" + std::to_string(i) + "]",
                        "want sha256:<64 lowercase hex digits>");
    }
  }
  return cfg;
}

}  // namespace skiff::images
