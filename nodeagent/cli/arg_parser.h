// ArgParser: the flags of one `skiff container` verb, Docker style.
//
// A verb declares its flags (bool or with a value, one or more names such as
// "-e" and "--env"), then Parse walks the arguments: "--name x", "--name=x" and
// "-e K=V" set values; value flags may repeat (Values keeps every one in order);
// "--" ends the flags. In kStopAtPositional mode the first argument that is not a
// flag ends the flags too (`run IMAGE CMD -l` keeps "-l" for the command).
// Everything not taken is returned, in order, by positionals().
//
// Parse fails with BadRequest naming the flag: unknown flag, missing value,
// value given to a bool flag. Plain data; not thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/status.h"

namespace skiff::cli {

class ArgParser {
 public:
  enum class Mode { kInterspersed, kStopAtPositional };

  explicit ArgParser(Mode mode = Mode::kInterspersed) : mode_(mode) {}

  // names: "-e,--env" style list; the last name is the one Get/Values use.
  void Bool(const std::string& names);
  void Value(const std::string& names);

  Status Parse(const std::vector<std::string>& args);

  bool Has(const std::string& name) const;
  // The last value given, or fallback.
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  std::vector<std::string> Values(const std::string& name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }
  // True when "--" appeared (after positionals() had `index` elements).
  bool dashdash() const { return dashdash_at_ >= 0; }
  int dashdash_at() const { return dashdash_at_; }

 private:
  struct Flag {
    bool takes_value = false;
    std::string key;
  };
  void Declare(const std::string& names, bool takes_value);

  Mode mode_;
  std::map<std::string, Flag> flags_;  // by every name
  std::map<std::string, std::vector<std::string>> values_;  // by key
  std::vector<std::string> positionals_;
  int dashdash_at_ = -1;
};

}  // namespace skiff::cli
