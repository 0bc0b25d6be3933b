// Finding the image a verb names: PullImage asks the registry the reference
// names; EnsureImage returns the stored image and pulls only when it is absent
// (what `run` does). The caller holds CliEnv::Lock.
//
// Errors: Invalid for a reference Docker would reject, NotFound when neither the
// store nor the registry has it, the registry client's codes otherwise; each
// message names the reference.
#pragma once

#include <string>

#include "base/status.h"
#include "nodeagent/cli/cli_env.h"
#include "nodeagent/images/image_store.h"

namespace skiff::cli {

Result<images::Image> PullImage(CliEnv& env, const std::string& reference);
Result<images::Image> EnsureImage(CliEnv& env, const std::string& reference);

}  // namespace skiff::cli
