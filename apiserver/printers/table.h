// Server-side printing: turns objects of one kind into a meta.k8s.io/v1 Table,
// the answer to a request whose Accept asks for `as=Table;g=meta.k8s.io;v=v1`
// (what `kubectl get` sends). kubectl prints the cells as sent, so the columns
// and the formatting of every cell follow upstream's printers
// (pkg/printers/internalversion): READY "1/2", STATUS "CrashLoopBackOff",
// RESTARTS "3 (5m ago)", AGE "2d5h", PORT(S) "80:30080/TCP", and so on.
//
//   {"kind":"Table","apiVersion":"meta.k8s.io/v1",
//    "metadata":{"resourceVersion":"12","continue":"…"},
//    "columnDefinitions":[{"name":"Name","type":"string","format":"name",
//                          "description":"…","priority":0}, …],
//    "rows":[{"cells":["web-1","1/1","Running","0","5m"],"object":{…}}]}
//
// Columns with priority 1 are what `kubectl get -o wide` adds. kubectl sends
// the same request with and without -o wide and hides priority-1 columns
// itself, so the API server should always pass `wide = true` (as upstream's
// API server does); `wide = false` drops those columns and their cells, and
// shortens long load-balancer ingress lists as kubectl's own printer would.
//
// Every kind of api/kinds.h has its own columns; any other kind gets
// NAME and AGE. A watch answered with Tables sends one-row tables (call ToTable
// with one object; `no_headers` leaves out the column definitions after the
// first event, as upstream does).
//
// Ages come from `clock` (a FakeClock in tests). Timestamps that are absent or
// malformed print as "<unknown>", as upstream prints a zero time.
//
// Failure: none. Objects are read defensively (a field of the wrong JSON type is
// treated as absent), so a malformed object still yields a row; no exception
// escapes. Pure function of its arguments: thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "api/kinds.h"
#include "base/clock.h"
#include "base/status.h"

namespace skiff::apiserver {

// What each row's `object` holds (the `includeObject` query parameter).
enum class IncludeObject {
  kObject,    // the full object (kubectl asks for it with --sort-by)
  kMetadata,  // a PartialObjectMetadata: kind, apiVersion and the object's metadata
  kNone,      // no `object` in the rows
};

struct TableOptions {
  // Include the priority-1 columns (-o wide). The API server passes true.
  bool wide = false;
  IncludeObject include_object = IncludeObject::kObject;
  // Leave columnDefinitions empty (later events of a Table watch).
  bool no_headers = false;
};

// The `includeObject` query parameter: "Object", "Metadata", "None"; absent ("")
// means Metadata, as upstream. Anything else is BadRequest with upstream's message.
Result<IncludeObject> ParseIncludeObject(std::string_view value);

// A meta.k8s.io/v1 Table of `objects`, all of kind `kind`, in the given order.
// `resource_version` and `continue_token` go into the Table's metadata (each
// only when not empty).
nlohmann::json ToTable(const api::KindInfo& kind, const std::vector<nlohmann::json>& objects,
                       const TableOptions& opts, const Clock& clock,
                       const std::string& resource_version, const std::string& continue_token = "");

}  // namespace skiff::apiserver
