// Volume validation: unique DNS-label names, exactly one source, per-source rules.
#include <algorithm>
#include <string>
#include <vector>

#include "api/volume_sources.h"
#include "api/validation/field_validators.h"
#include "api/validation/json_access.h"
#include "api/validation/pod_spec.h"

namespace skiff::api::validation {
namespace {


constexpr std::string_view kFileModeError =
    "must be a number between 0 and 0777 (octal), both inclusive";

void ValidateMode(const json& source, const char* field, const FieldPath& path, FieldErrors& errs) {
  if (auto mode = CheckInt(source, field, path.Child(field), errs)) {
    if (*mode < 0 || *mode > 0777) {
      errs.push_back(
          Invalid(path.Child(field), std::to_string(*mode), std::string(kFileModeError)));
    }
  }
}

void ValidateKeyToPaths(const json& source, const FieldPath& path, FieldErrors& errs) {
  const json* items = jsonx::GetArray(source, "items");
  if (!items) return;
  for (size_t i = 0; i < items->size(); ++i) {
    const json& item = (*items)[i];
    FieldPath p = path.Child("items").Index(i);
    if (jsonx::GetString(item, "key").empty()) errs.push_back(Required(p.Child("key"), ""));
    std::string item_path = jsonx::GetString(item, "path");
    if (item_path.empty()) {
      errs.push_back(Required(p.Child("path"), ""));
    } else if (item_path.front() == '/') {
      errs.push_back(Invalid(p.Child("path"), QuoteValue(item_path), "must be a relative path"));
    } else if (item_path == ".." || item_path.rfind("../", 0) == 0 ||
               item_path.find("/../") != std::string::npos ||
               (item_path.size() >= 3 && item_path.compare(item_path.size() - 3, 3, "/..") == 0)) {
      errs.push_back(Invalid(p.Child("path"), QuoteValue(item_path), "must not contain '..'"));
    }
    ValidateMode(item, "mode", p, errs);
  }
}

void ValidateSource(const std::string& kind, const json& source, const FieldPath& p,
                    FieldErrors& errs) {
  if (kind == "hostPath") {
    if (jsonx::GetString(source, "path").empty()) errs.push_back(Required(p.Child("path"), ""));
    if (auto type = jsonx::GetOptString(source, "type")) {
      static const std::vector<std::string> kTypes = {
          "",     "BlockDevice",  "CharDevice", "Directory", "DirectoryOrCreate",
          "File", "FileOrCreate", "Socket"};
      if (std::find(kTypes.begin(), kTypes.end(), *type) == kTypes.end()) {
        errs.push_back(NotSupported(p.Child("type"), QuoteValue(*type), kTypes));
      }
    }
  } else if (kind == "emptyDir") {
    if (auto medium = jsonx::GetOptString(source, "medium")) {
      if (*medium != "" && *medium != "Memory" && medium->rfind("HugePages", 0) != 0) {
        errs.push_back(
            NotSupported(p.Child("medium"), QuoteValue(*medium), {"", "Memory", "HugePages"}));
      }
    }
  } else if (kind == "secret") {
    if (jsonx::GetString(source, "secretName").empty()) {
      errs.push_back(Required(p.Child("secretName"), ""));
    }
    ValidateMode(source, "defaultMode", p, errs);
    ValidateKeyToPaths(source, p, errs);
  } else if (kind == "configMap") {
    if (jsonx::GetString(source, "name").empty()) errs.push_back(Required(p.Child("name"), ""));
    ValidateMode(source, "defaultMode", p, errs);
    ValidateKeyToPaths(source, p, errs);
  } else if (kind == "persistentVolumeClaim") {
    if (jsonx::GetString(source, "claimName").empty()) {
      errs.push_back(Required(p.Child("claimName"), ""));
    }
  } else if (kind == "nfs") {
    if (jsonx::GetString(source, "server").empty()) errs.push_back(Required(p.Child("server"), ""));
    std::string path = jsonx::GetString(source, "path");
    if (path.empty()) {
      errs.push_back(Required(p.Child("path"), ""));
    } else if (path.front() != '/') {
      errs.push_back(Invalid(p.Child("path"), QuoteValue(path), "must be an absolute path"));
    }
  } else if (kind == "downwardAPI" || kind == "projected") {
    ValidateMode(source, "defaultMode", p, errs);
  } else if (kind == "image") {
    if (jsonx::GetString(source, "reference").empty()) {
      errs.push_back(Required(p.Child("reference"), ""));
    }
  }
}

}  // namespace

std::set<std::string> ValidateVolumes(const json& volumes, const FieldPath& path,
                                      FieldErrors& errs) {
  std::set<std::string> names;
  if (!volumes.is_array()) {
    errs.push_back(WrongType(path, volumes, "array"));
    return names;
  }
  for (size_t i = 0; i < volumes.size(); ++i) {
    const json& vol = volumes[i];
    FieldPath p = path.Index(i);
    int sources = 0;
    for (const auto& kind : kVolumeSourceFields) {
      const json* source = jsonx::Get(vol, kind);
      if (!source) continue;
      if (sources > 0) {
        errs.push_back(Forbidden(p.Child(kind), "may not specify more than 1 volume type"));
        continue;
      }
      ++sources;
      ValidateSource(kind, *source, p.Child(kind), errs);
    }
    if (sources == 0) errs.push_back(Required(p, "must specify a volume type"));
    std::string name = jsonx::GetString(vol, "name");
    if (name.empty()) {
      errs.push_back(Required(p.Child("name"), ""));
    } else {
      ValidateDns1123Label(name, p.Child("name"), errs);
    }
    if (!names.insert(name).second) errs.push_back(Duplicate(p.Child("name"), QuoteValue(name)));
  }
  return names;
}

}  // namespace skiff::api::validation
