// `skiffctl get RESOURCE [NAME] [-A] [-l SELECTOR] [-o json|yaml|name]`, with the
// global -n/--namespace, --kubeconfig and --context: reads objects through the
// REST client and prints them as kubectl does:
//   - no -o: the server's Table (Accept: ...;as=Table), columns of priority 0,
//     left-aligned with three spaces between, a NAMESPACE column first with -A;
//   - -o json: the object or List as indented JSON; -o yaml: as YAML;
//   - -o name: "kind/name" lines ("deployment.apps/web" outside the core group).
// RESOURCE is a plural, singular, short name or kind (any case), optionally
// qualified by its group ("deployments.apps"); "resource/name" is accepted too.
// Returns 0; 1 after one line on err for an unknown resource, an unreachable
// server or an error from the server ("Error from server (NotFound): ...");
// 2 for bad arguments. An empty list prints "No resources found ..." on err.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "ctl/global_flags.h"

namespace skiff::ctl {

int RunGet(const GlobalFlags& flags, const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace skiff::ctl
