#include "api/validation/quantity.h"

#include "api/quantity.h"

namespace skiff::api::validation {

// One quantity grammar for the project: api/quantity.h parses; this reads the value.
std::optional<long double> ParseQuantityValue(std::string_view text) {
  Result<Quantity> q = ::skiff::api::ParseQuantity(text);
  if (!q.ok()) return std::nullopt;
  return static_cast<long double>(q->milli) / 1000.0L;
}

std::optional<long double> QuantityValue(const nlohmann::json& value) {
  if (value.is_string()) return ParseQuantityValue(value.get_ref<const std::string&>());
  if (value.is_number()) return value.get<long double>();
  return std::nullopt;
}

std::string QuantityText(const nlohmann::json& value) {
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  // Upstream prints quantities in canonical form ("0.5" as "500m").
  auto canonical = ::skiff::api::ParseQuantity(text);
  return canonical.ok() ? canonical->canonical : text;
}

}  // namespace skiff::api::validation
