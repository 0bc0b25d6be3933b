// GlobalFlags: the flags every skiffctl verb takes, and the one way a verb
// reaches the API server.
//
// ParseGlobalFlags removes --kubeconfig, --context and -n/--namespace (as
// "--flag value" or "--flag=value") from args and leaves the verb's own
// arguments in place; a flag without its value is BadRequest naming it.
// Connect finds the kubeconfig the way kubectl does (client/kubeconfig.h:
// --kubeconfig, else KUBECONFIG, else ~/.kube/config), loads it and returns a
// RestClient; its errors are one line naming the file and field. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "client/kubeconfig.h"
#include "client/rest_client.h"

namespace skiff::ctl {

inline constexpr const char* kClientVersion = "v0.1.0";

struct GlobalFlags {
  std::string kubeconfig;  // --kubeconfig
  std::string context;     // --context
  std::string namespace_;  // -n / --namespace; empty = the context's
};

Result<GlobalFlags> ParseGlobalFlags(std::vector<std::string>& args);

struct Connection {
  client::Kubeconfig config;
  std::unique_ptr<client::RestClient> rest;
  std::string namespace_;  // the flag's, else the context's
};

Result<Connection> Connect(const GlobalFlags& flags);

}  // namespace skiff::ctl
