// Small helpers shared by the HTTP handlers: JSON and Status responses, warnings,
// query parameters. Header-only glue over cpp-httplib; no state.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/json_body.h"
#include "api/kinds.h"
#include "apiserver/request_info.h"
#include "apiserver/status_json.h"
#include "base/status.h"

namespace skiff::apiserver {

inline constexpr const char* kJsonContentType = "application/json";
// The same media type with a parameter. cpp-httplib gzips every response whose
// type is exactly "application/json" when the client accepts gzip, at zlib's
// default level; for small bodies that costs more CPU than it saves. Bodies go
// out with this type, and SetJsonBody compresses large ones itself.
inline constexpr const char* kJsonUncompressedType = "application/json;charset=utf-8";
// Like kube-apiserver, only responses this large are worth compressing.
inline constexpr size_t kGzipMinBytes = 128 * 1024;

// Sets a JSON body; a body of kGzipMinBytes or more is gzipped at level 1 (as
// kube-apiserver does) when req says the client accepts gzip.
void SetJsonBody(httplib::Response& res, std::string body, const httplib::Request* req = nullptr,
                 const char* content_type = kJsonUncompressedType);

inline void SendJson(httplib::Response& res, int code, const nlohmann::json& body,
                     const httplib::Request* req = nullptr) {
  res.status = code;
  SetJsonBody(res, api::DumpJson(body), req);
}

// A metav1.Status body naming the object of the request when there is one.
inline void SendStatus(httplib::Response& res, const Status& status, const RequestInfo& info = {}) {
  const api::KindInfo* kind = api::FindResource(info.group, info.resource);
  SendJson(res, HttpCode(status.code()),
           StatusToJson(status, info.name, info.group, kind ? kind->resource : info.resource));
}

inline void AddWarnings(httplib::Response& res, const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) res.headers.emplace("Warning", "299 - " + api::DumpJson(w));
}

inline Status ResourceNotFound() {
  return Status::NotFound("the server could not find the requested resource");
}

// Forbidden naming the first Impersonate-* header of req (Impersonate-User,
// -Group, -Uid, -Extra-<key>), else Ok: skiff has no authorization to decide
// who may act as whom, so it refuses impersonation rather than ignore it.
Status RefuseImpersonation(const httplib::Request& req);

// BadRequest when req's body framing is ambiguous or unknown: more than one
// Content-Length, Content-Length beside Transfer-Encoding, a transfer coding
// other than chunked. Such a request is how one request is smuggled inside
// another past a proxy that frames it the other way (RFC 9112 §6.3). Else Ok.
Status CheckBodyFraming(const httplib::Request& req);

// Answers a request whose handling threw: a metav1.Status 500 InternalError
// whose message says nothing of the exception; its what() goes to stderr.
void SendInternalError(httplib::Response& res, const std::exception& e,
                       const httplib::Request& req);

// A non-negative integer query parameter; absent → fallback; malformed → BadRequest.
Result<int64_t> IntParam(const httplib::Request& req, const std::string& name, int64_t fallback);

}  // namespace skiff::apiserver
