#include "nodeagent/cli/arg_parser.h"

namespace skiff::cli {

void ArgParser::Declare(const std::string& names, bool takes_value) {
  std::vector<std::string> list;
  size_t start = 0;
  while (start <= names.size()) {
    size_t comma = names.find(',', start);
    if (comma == std::string::npos) comma = names.size();
    list.push_back(names.substr(start, comma - start));
    start = comma + 1;
  }
  for (const std::string& name : list) flags_[name] = Flag{takes_value, list.back()};
}

void ArgParser::Bool(const std::string& names) { Declare(names, false); }
void ArgParser::Value(const std::string& names) { Declare(names, true); }

Status ArgParser::Parse(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      dashdash_at_ = static_cast<int>(positionals_.size());
      positionals_.insert(positionals_.end(), args.begin() + i + 1, args.end());
      return Status::Ok();
    }
    if (arg.size() < 2 || arg[0] != '-') {
      if (mode_ == Mode::kStopAtPositional) {
        positionals_.insert(positionals_.end(), args.begin() + i, args.end());
        return Status::Ok();
      }
      positionals_.push_back(arg);
      continue;
    }
    size_t eq = arg.find('=');
    std::string name = arg.substr(0, eq);
    auto flag = flags_.find(name);
    if (flag == flags_.end()) return Status::BadRequest("unknown flag \"" + name + "\"");
    if (!flag->second.takes_value) {
      if (eq != std::string::npos) return Status::BadRequest("flag " + name + " takes no value");
      values_[flag->second.key].push_back("true");
      continue;
    }
    if (eq != std::string::npos) {
      values_[flag->second.key].push_back(arg.substr(eq + 1));
    } else if (i + 1 < args.size()) {
      values_[flag->second.key].push_back(args[++i]);
    } else {
      return Status::BadRequest("flag " + name + " needs a value");
    }
  }
  return Status::Ok();
}

bool ArgParser::Has(const std::string& name) const {
  auto flag = flags_.find(name);
  return flag != flags_.end() && values_.count(flag->second.key) > 0;
}

std::string ArgParser::Get(const std::string& name, const std::string& fallback) const {
  std::vector<std::string> all = Values(name);
  return all.empty() ? fallback : all.back();
}

std::vector<std::string> ArgParser::Values(const std::string& name) const {
  auto flag = flags_.find(name);
  if (flag == flags_.end()) return {};
  auto values = values_.find(flag->second.key);
  return values == values_.end() ? std::vector<std::string>{} : values->second;
}

}  // namespace skiff::cli
