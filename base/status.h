// Status and Result<T>: errors as values across module boundaries.
//
// A Status carries a Code that mirrors the Kubernetes API reasons, so mapping an
// error to HTTP is one table (HttpCode) and to a metav1.Status reason is another
// (ReasonOf). It keeps the errno of a failed system call and grows context on the
// way up ("open db/skiff.db: permission denied"). For Invalid it carries one
// FieldCause per problem, in the shape of metav1.StatusCause.
//
// Both types are cheap to move, immutable in practice, and thread-compatible.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace skiff {

enum class Code {
  kOk,
  kNotFound,              // 404 NotFound
  kAlreadyExists,         // 409 AlreadyExists
  kConflict,              // 409 Conflict (stale resourceVersion)
  kGone,                  // 410 Gone (compacted revision, expired continue)
  kInvalid,               // 422 Invalid, with field causes
  kBadRequest,            // 400 BadRequest (malformed body or query)
  kUnauthorized,          // 401
  kForbidden,             // 403
  kMethodNotAllowed,      // 405
  kNotAcceptable,         // 406
  kUnsupportedMediaType,  // 415
  kTooLarge,              // 413 RequestEntityTooLarge
  kTimeout,               // 504 Timeout
  kUnavailable,           // 503 ServiceUnavailable
  kInternal,              // 500 InternalError
};

// One problem with one field, as metav1.StatusCause: field is a path such as
// "spec.containers[0].name", type a reason such as "FieldValueRequired".
struct FieldCause {
  std::string field;
  std::string type;
  std::string message;
  bool operator==(const FieldCause&) const = default;
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message, int err = 0) : code_(code), message_(std::move(message)), errno_(err) {}

  static Status Ok() { return Status(); }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
  static Status Conflict(std::string m) { return {Code::kConflict, std::move(m)}; }
  // A Conflict with causes (server-side apply's FieldManagerConflict per field).
  static Status Conflict(std::string m, std::vector<FieldCause> causes);
  static Status Gone(std::string m) { return {Code::kGone, std::move(m)}; }
  static Status BadRequest(std::string m) { return {Code::kBadRequest, std::move(m)}; }
  static Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
  static Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }
  static Status Invalid(std::string m, std::vector<FieldCause> causes);
  // A failed system call: message is "context: strerror(err)", errno kept.
  static Status FromErrno(int err, std::string_view context);

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  int sys_errno() const { return errno_; }
  const std::vector<FieldCause>& causes() const { return causes_; }

  // Returns a copy whose message is "context: message"; code, errno, causes kept.
  Status WithContext(std::string_view context) const;
  // "NotFound: message" for logs and tests.
  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
  int errno_ = 0;
  std::vector<FieldCause> causes_;
};

// The HTTP status for a code (200 for kOk).
int HttpCode(Code code);
// The metav1.Status reason for a code ("NotFound", "AlreadyExists", ...; "" for kOk).
std::string_view ReasonOf(Code code);

// Either a value or a non-OK Status. Accessing value() of an error is a bug (asserts).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) { assert(!std::get<Status>(v_).ok()); }  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { assert(ok()); return std::get<T>(v_); }
  const T& value() const& { assert(ok()); return std::get<T>(v_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace skiff

// Early return of a non-OK Status from an expression yielding Status.
#define SKIFF_RETURN_IF_ERROR(expr)            \
  do {                                         \
    ::skiff::Status skiff_status_ = (expr);    \
    if (!skiff_status_.ok()) return skiff_status_; \
  } while (0)
