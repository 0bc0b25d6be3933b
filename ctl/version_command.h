// `skiffctl version [--client]`: prints the client's version and, unless
// --client, the API server's (GET /version, its gitVersion) as kubectl does:
//   Client Version: v0.1.0
//   Server Version: v1.32.0-skiff
// Returns the exit code: 0, or 1 after one line on err when the kubeconfig
// cannot be found or read or the server cannot be reached (the client line is
// printed first either way), 2 for an unknown argument.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "ctl/global_flags.h"

namespace skiff::ctl {

int RunVersion(const GlobalFlags& flags, const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace skiff::ctl
