// libarchive's message for the last error on an archive handle. libarchive
// leaves none (NULL) for some malformed input; this never returns an empty or
// null message.
#pragma once

#include <archive.h>

#include <string>

namespace skiff::images {

inline std::string ArchiveError(archive* a) {
  const char* message = archive_error_string(a);
  return message != nullptr ? message : "malformed archive";
}

}  // namespace skiff::images
