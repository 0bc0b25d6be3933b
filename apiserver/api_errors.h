// The API server's error messages for objects, worded as kube-apiserver words them
// (kubectl users read these):
//   pods "web" not found
//   pods "web" already exists
//   Operation cannot be fulfilled on pods "web": the object has been modified; ...
#pragma once

#include <string>

#include "api/kinds.h"
#include "base/status.h"

namespace skiff::apiserver {

inline std::string QuotedObject(const api::KindInfo& kind, const std::string& name) {
  std::string plural = kind.group.empty() ? kind.resource : kind.resource + "." + kind.group;
  return plural + " \"" + name + "\"";
}

inline Status ObjectNotFound(const api::KindInfo& kind, const std::string& name) {
  return Status::NotFound(QuotedObject(kind, name) + " not found");
}

inline Status ObjectExists(const api::KindInfo& kind, const std::string& name) {
  return Status::AlreadyExists(QuotedObject(kind, name) + " already exists");
}

inline Status ObjectModified(const api::KindInfo& kind, const std::string& name) {
  return Status::Conflict("Operation cannot be fulfilled on " + QuotedObject(kind, name) +
                          ": the object has been modified; please apply your changes to the latest "
                          "version and try again");
}

// Maps a storage error about one object to the API wording.
inline Status ObjectError(const api::KindInfo& kind, const std::string& name, const Status& s) {
  if (s.code() == Code::kNotFound) return ObjectNotFound(kind, name);
  if (s.code() == Code::kConflict) return ObjectModified(kind, name);
  if (s.code() == Code::kAlreadyExists) return ObjectExists(kind, name);
  return s;
}

}  // namespace skiff::apiserver
