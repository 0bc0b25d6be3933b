// Table: rows of text printed in aligned columns (three spaces apart, as docker
// prints them). Plain data.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace skiff::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void Print(std::ostream& out) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// The first 12 hex digits of "sha256:<hex>" (or of a plain id).
std::string ShortId(const std::string& digest_or_id);

}  // namespace skiff::cli
