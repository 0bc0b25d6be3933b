#include "base/status.h"

#include <cstring>

namespace skiff {

Status Status::Invalid(std::string m, std::vector<FieldCause> causes) {
  Status s(Code::kInvalid, std::move(m));
  s.causes_ = std::move(causes);
  return s;
}

Status Status::Conflict(std::string m, std::vector<FieldCause> causes) {
  Status s(Code::kConflict, std::move(m));
  s.causes_ = std::move(causes);
  return s;
}

Status Status::FromErrno(int err, std::string_view context) {
  std::string m(context);
  m += ": ";
  m += std::strerror(err);
  return Status(Code::kInternal, std::move(m), err);
}

Status Status::WithContext(std::string_view context) const {
  Status s = *this;
  s.message_ = std::string(context) + ": " + message_;
  return s;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(ReasonOf(code_)) + ": " + message_;
}

int HttpCode(Code code) {
  switch (code) {
    case Code::kOk: return 200;
    case Code::kNotFound: return 404;
    case Code::kAlreadyExists: return 409;
    case Code::kConflict: return 409;
    case Code::kGone: return 410;
    case Code::kInvalid: return 422;
    case Code::kBadRequest: return 400;
    case Code::kUnauthorized: return 401;
    case Code::kForbidden: return 403;
    case Code::kMethodNotAllowed: return 405;
    case Code::kNotAcceptable: return 406;
    case Code::kUnsupportedMediaType: return 415;
    case Code::kTooLarge: return 413;
    case Code::kTimeout: return 504;
    case Code::kUnavailable: return 503;
    case Code::kInternal: return 500;
  }
  return 500;
}

std::string_view ReasonOf(Code code) {
  switch (code) {
    case Code::kOk: return "";
    case Code::kNotFound: return "NotFound";
    case Code::kAlreadyExists: return "AlreadyExists";
    case Code::kConflict: return "Conflict";
    case Code::kGone: return "Gone";
    case Code::kInvalid: return "Invalid";
    case Code::kBadRequest: return "BadRequest";
    case Code::kUnauthorized: return "Unauthorized";
    case Code::kForbidden: return "Forbidden";
    case Code::kMethodNotAllowed: return "MethodNotAllowed";
    case Code::kNotAcceptable: return "NotAcceptable";
    case Code::kUnsupportedMediaType: return "UnsupportedMediaType";
    case Code::kTooLarge: return "RequestEntityTooLarge";
    case Code::kTimeout: return "Timeout";
    case Code::kUnavailable: return "ServiceUnavailable";
    case Code::kInternal: return "InternalError";
  }
  return "InternalError";
}

}  // namespace skiff
