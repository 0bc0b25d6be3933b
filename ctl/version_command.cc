#include "ctl/version_command.h"

#include <nlohmann/json.hpp>

namespace skiff::ctl {

int RunVersion(const GlobalFlags& flags, const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  bool client_only = false;
  for (const std::string& arg : args) {
    if (arg == "--client") {
      client_only = true;
    } else {
      err << "skiffctl version: unknown argument \"" << arg << "\" (flags: --client)\n";
      return 2;
    }
  }
  out << "Client Version: " << kClientVersion << "\n";
  if (client_only) return 0;
  Result<Connection> conn = Connect(flags);
  if (!conn.ok()) {
    err << "skiffctl version: " << conn.status().message() << "\n";
    return 1;
  }
  Result<client::Response> version = conn->rest->Get("/version");
  if (!version.ok()) {
    err << "skiffctl version: " << version.status().message() << "\n";
    return 1;
  }
  nlohmann::json body = nlohmann::json::parse(version->body, nullptr, /*allow_exceptions=*/false);
  auto git = body.is_object() ? body.find("gitVersion") : body.end();
  if (git == body.end() || !git->is_string()) {
    err << "skiffctl version: " << conn->config.server << "/version answered without a gitVersion\n";
    return 1;
  }
  out << "Server Version: " << git->get<std::string>() << "\n";
  return 0;
}

}  // namespace skiff::ctl
