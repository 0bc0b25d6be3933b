// The verbs of `skiff container`, one file each. Every verb takes its own
// arguments (after the verb name), prints results on out and problems on err as
// one line "skiff container VERB: what went wrong", and returns the exit code:
//   0 success, 1 a failed operation (unknown image or container, runtime error),
//   2 bad usage (unknown flag, missing argument).
// `run` and `exec` return the process's exit code (128+signal when a signal
// ended it), or 125 when they could not run it (Docker's convention, so the
// process's own 1 or 2 is not mistaken for ours).
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "base/status.h"
#include "nodeagent/cli/cli_env.h"

namespace skiff::cli {

using Args = std::vector<std::string>;

int ImageImport(CliEnv& env, const Args& args, std::ostream& out, std::ostream& err);
int ImagePull(CliEnv& env, const Args& args, std::ostream& out, std::ostream& err);
int ImageList(CliEnv& env, const Args& args, std::ostream& out, std::ostream& err);
int ImageRemove(CliEnv& env, const Args& args, std::ostream& out, std::ostream& err);

int Run(CliEnv& env, const Args& args, std::ostream& out, std::ostream& err);
int List(CliEnv& env, const Args& args, std::ostream& out, std::ostream& err);
int Exec(CliEnv& env, const Args& args, std::ostream& out, std::ostream& err);
int Logs(CliEnv& env, const Args& args, std::ostream& out, std::ostream& err);
int Kill(CliEnv& env, const Args& args, std::ostream& out, std::ostream& err);
int Stop(CliEnv& env, const Args& args, std::ostream& out, std::ostream& err);
int Remove(CliEnv& env, const Args& args, std::ostream& out, std::ostream& err);
int Stats(CliEnv& env, const Args& args, std::ostream& out, std::ostream& err);

inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitRunFailed = 125;

// Prints "skiff container VERB: message" and returns code.
int Fail(std::ostream& err, const std::string& verb, const std::string& message, int code = kExitFailed);
int Fail(std::ostream& err, const std::string& verb, const Status& status, int code = kExitFailed);

// kill, stop and rm: resolves each name to a container id, runs `op` on it and
// prints the id, or reports the failure and goes on with the next name.
// Returns 0, or kExitFailed when any name failed.
int ForEachContainer(CliEnv& env, const std::string& verb, const std::vector<std::string>& names,
                     const std::function<Status(runtime::Runtime&, const std::string& id)>& op,
                     std::ostream& out, std::ostream& err);

// The exit code a shell would show for a stopped container: its exit code, or
// 128+signal when a signal ended it.
int ShellExitCode(const runtime::ContainerState& state);

}  // namespace skiff::cli
