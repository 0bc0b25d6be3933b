// Converts a Status into the metav1.Status body the API server returns, and
// names the object a failure was about the way Kubernetes does:
//   {"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods \"x\" not found",
//    "reason":"NotFound","details":{"name":"x","kind":"pods"},"code":404}
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "base/status.h"

namespace skiff::apiserver {

// details.name / details.group / details.kind are filled when given (kind is the
// resource name, as upstream does for most errors).
nlohmann::json StatusToJson(const Status& status, std::string_view name = "",
                            std::string_view group = "", std::string_view kind = "");

}  // namespace skiff::apiserver
