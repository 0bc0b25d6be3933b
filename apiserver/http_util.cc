#include "apiserver/http_util.h"

#include <algorithm>
#include <zlib.h>

#include <cctype>
#include <cstdio>
#include <string_view>

#include "api/utf8.h"

namespace skiff::apiserver {
namespace {

bool AcceptsGzip(const httplib::Request& req) {
  return req.get_header_value("Accept-Encoding").find("gzip") != std::string::npos;
}

// gzip (RFC 1952) of text at level 1, or nullopt if zlib fails.
std::optional<std::string> Gzip(const std::string& text) {
  z_stream z{};
  constexpr int kGzipWindow = 15 + 16;  // 16: gzip header and trailer
  if (deflateInit2(&z, 1, Z_DEFLATED, kGzipWindow, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return std::nullopt;
  std::string out(deflateBound(&z, text.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

}  // namespace

void SetJsonBody(httplib::Response& res, std::string body, const httplib::Request* req,
                 const char* content_type) {
  if (body.size() >= kGzipMinBytes && req && AcceptsGzip(*req)) {
    if (std::optional<std::string> zipped = Gzip(body)) {
      res.set_header("Content-Encoding", "gzip");
      res.set_content(*zipped, content_type);
      return;
    }
  }
  res.set_content(body, content_type);
}

Status RefuseImpersonation(const httplib::Request& req) {
  constexpr std::string_view kPrefix = "impersonate-";
  for (const auto& [name, value] : req.headers) {
    if (name.size() < kPrefix.size()) continue;
    bool match = true;
    for (size_t i = 0; i < kPrefix.size() && match; ++i) {
      match = std::tolower(static_cast<unsigned char>(name[i])) == kPrefix[i];
    }
    if (!match) continue;
    return Status(Code::kForbidden,
                  "impersonation is not allowed: the request has an \"" +
                      api::ReplaceInvalidUtf8(name) +
                      "\" header, and this server has no authorization to allow it");
  }
  return Status::Ok();
}

void SendInternalError(httplib::Response& res, const std::exception& e,
                       const httplib::Request& req) {
  std::fprintf(stderr, "skiff: internal error serving %s %s: %s\n", req.method.c_str(),
               api::ReplaceInvalidUtf8(req.path).c_str(), e.what());
  res.headers.clear();
  SendStatus(res, Status::Internal("an error on the server prevented the request from succeeding"));
}

Result<int64_t> IntParam(const httplib::Request& req, const std::string& name, int64_t fallback) {
  if (!req.has_param(name.c_str())) return fallback;
  std::string text = req.get_param_value(name.c_str());
  if (text.empty()) return fallback;
  try {
    size_t used = 0;
    long long v = std::stoll(text, &used);
    if (used == text.size() && v >= 0) return static_cast<int64_t>(v);
  } catch (const std::exception&) {
  }
  return Status::BadRequest("invalid " + name + " \"" + text + "\": want a non-negative integer");
}

Status CheckBodyFraming(const httplib::Request& req) {
  size_t lengths = req.headers.count("Content-Length");
  if (lengths > 1) return Status::BadRequest("the request has more than one Content-Length header");
  auto te = req.headers.find("Transfer-Encoding");
  if (te == req.headers.end()) return Status::Ok();
  if (req.headers.count("Transfer-Encoding") > 1 || lengths > 0) {
    return Status::BadRequest("the request has both Transfer-Encoding and Content-Length headers");
  }
  std::string coding = te->second;
  std::transform(coding.begin(), coding.end(), coding.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (coding != "chunked") {
    return Status::BadRequest("Transfer-Encoding " + te->second + " is not supported (only chunked)");
  }
  return Status::Ok();
}

}  // namespace skiff::apiserver
