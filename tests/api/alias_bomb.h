// The YAML alias bomb of issue 15: nine levels of nine aliases (9^9 strings
// once expanded) in 419 bytes, as a ConfigMap. Shared by the decode-boundary
// test (api_tests) and the real-server test (apiserver_tests).
#pragma once

#include <string>

namespace skiff::testing {

inline std::string AliasBomb() {
  std::string bomb =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a: &a [\"lol\",\"lol\"]\n";
  for (char level = 'b'; level <= 'j'; ++level) {
    std::string prev = std::string("*") + static_cast<char>(level - 1);
    bomb += std::string("  ") + level + ": &" + level + " [" + prev;
    for (int j = 1; j < 9; ++j) bomb += "," + prev;
    bomb += "]\n";
  }
  return bomb;
}

}  // namespace skiff::testing
