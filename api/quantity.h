// resource.Quantity: parsing and the canonical form Kubernetes prints.
//
// A quantity is a decimal number with an optional suffix: binary SI (Ki Mi Gi
// Ti Pi Ei), decimal SI (n u m "" k M G T P E) or a decimal exponent (e3, E-6).
// ParseQuantity returns its value in milli-units (rounded away from zero, as
// Kubernetes' MilliValue does) and its canonical string: the same suffix family,
// with the largest suffix that keeps the mantissa an integer ("1.5Gi" → "1536Mi",
// "0.5" → "500m", "1000" → "1k"). Values smaller than 1024 or not whole in
// binary form are printed as decimal SI, also as Kubernetes does.
//
// Pure functions, thread-safe. Malformed input → BadRequest with the message
// the API server uses; values whose milli-units do not fit int64 (beyond about
// 9.2e15 units, e.g. "9Pi" bytes or "10E") → BadRequest "quantity too large".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace skiff::api {

struct Quantity {
  int64_t milli = 0;      // value × 1000
  std::string canonical;  // "1536Mi", "500m", "2e3"
};

Result<Quantity> ParseQuantity(std::string_view text);

}  // namespace skiff::api
