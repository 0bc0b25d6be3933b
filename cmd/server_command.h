// `skiff server` and `skiff up`: flag parsing and the process lifecycle of the
// API server (open the store, serve, stop cleanly on SIGTERM/SIGINT).
#pragma once

namespace skiff::cmd {

// argv excludes the program and subcommand names. Returns the process exit code.
int RunServer(int argc, char** argv, const char* subcommand);

}  // namespace skiff::cmd
