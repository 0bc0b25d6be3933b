// Resource quantities ("500m", "1Gi", "2.5", "1e3") parsed for comparison.
//
// Just enough of Kubernetes' resource.Quantity for validation: parse the
// canonical grammar (sign, decimal number, then a binary suffix Ki..Ei, a
// decimal suffix n u m k M G T P E, or an exponent e<int>/E<int>) into a long
// double so requests can be compared with limits and signs checked. It does not
// canonicalise. A JSON number is accepted as a plain quantity.
//
// Pure functions: thread-safe, no exceptions.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace skiff::api::validation {

inline constexpr std::string_view kQuantityFormatError =
    "quantities must match the regular expression "
    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

// nullopt when the text is not a quantity.
std::optional<long double> ParseQuantityValue(std::string_view text);
// A JSON string or number; nullopt for anything else or a malformed string.
std::optional<long double> QuantityValue(const nlohmann::json& value);
// The quantity for messages: its canonical form (api/quantity.h) when that
// parses, else as written.
std::string QuantityText(const nlohmann::json& value);

}  // namespace skiff::api::validation
