// Small helpers shared by the HTTP handlers: JSON and Status responses, warnings,
// query parameters. Header-only glue over cpp-httplib; no state.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/kinds.h"
#include "apiserver/request_info.h"
#include "apiserver/status_json.h"
#include "base/status.h"

namespace skiff::apiserver {

inline constexpr const char* kJsonContentType = "application/json";

inline void SendJson(httplib::Response& res, int code, const nlohmann::json& body) {
  res.status = code;
  res.set_content(body.dump(), kJsonContentType);
}

// A metav1.Status body naming the object of the request when there is one.
inline void SendStatus(httplib::Response& res, const Status& status, const RequestInfo& info = {}) {
  const api::KindInfo* kind = api::FindResource(info.group, info.resource);
  SendJson(res, HttpCode(status.code()),
           StatusToJson(status, info.name, info.group, kind ? kind->resource : info.resource));
}

inline void AddWarnings(httplib::Response& res, const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) res.headers.emplace("Warning", "299 - " + nlohmann::json(w).dump());
}

inline Status ResourceNotFound() { return Status::NotFound("the server could not find the requested resource"); }

// A non-negative integer query parameter; absent → fallback; malformed → BadRequest.
Result<int64_t> IntParam(const httplib::Request& req, const std::string& name, int64_t fallback);

}  // namespace skiff::apiserver
