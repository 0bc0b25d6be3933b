#include "nodeagent/cli/table.h"

#include <algorithm>

namespace skiff::cli {

void Table::Print(std::ostream& out) const {
  std::vector<size_t> widths;
  for (const auto& row : rows_) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  constexpr size_t kGap = 3;
  for (const auto& row : rows_) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + kGap, ' ');
    }
    out << line << "\n";
  }
}

std::string ShortId(const std::string& digest_or_id) {
  constexpr size_t kShort = 12;
  std::string hex = digest_or_id.substr(digest_or_id.find(':') == std::string::npos ? 0 : digest_or_id.find(':') + 1);
  return hex.substr(0, kShort);
}

}  // namespace skiff::cli
