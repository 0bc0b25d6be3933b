#include "ctl/global_flags.h"

namespace skiff::ctl {

Result<GlobalFlags> ParseGlobalFlags(std::vector<std::string>& args) {
  GlobalFlags flags;
  struct Known {
    const char* name;
    const char* short_name;
    std::string* target;
  };
  const Known known[] = {{"--kubeconfig", nullptr, &flags.kubeconfig},
                         {"--context", nullptr, &flags.context},
                         {"--namespace", "-n", &flags.namespace_}};
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    bool taken = false;
    for (const Known& k : known) {
      std::string name = k.name;
      if (arg.rfind(name + "=", 0) == 0) {
        *k.target = arg.substr(name.size() + 1);
        taken = true;
      } else if (arg == name || (k.short_name && arg == k.short_name)) {
        if (i + 1 >= args.size()) return Status::BadRequest("flag " + arg + " needs a value");
        *k.target = args[++i];
        taken = true;
      }
      if (taken) break;
    }
    if (!taken) rest.push_back(arg);
  }
  args = std::move(rest);
  return flags;
}

Result<Connection> Connect(const GlobalFlags& flags) {
  Result<std::string> path = client::LocateKubeconfig(flags.kubeconfig);
  if (!path.ok()) return path.status();
  Result<client::Kubeconfig> config = client::LoadKubeconfig(*path, flags.context);
  if (!config.ok()) return config.status();
  client::RestOptions options;
  options.user_agent = std::string("skiffctl/") + kClientVersion;
  options.timeout = std::chrono::seconds(10);
  Result<std::unique_ptr<client::RestClient>> rest = client::RestClient::New(*config, options);
  if (!rest.ok()) return rest.status().WithContext("kubeconfig " + *path);
  Connection c;
  c.namespace_ = flags.namespace_.empty() ? config->namespace_ : flags.namespace_;
  c.config = std::move(*config);
  c.rest = std::move(*rest);
  return c;
}

}  // namespace skiff::ctl
