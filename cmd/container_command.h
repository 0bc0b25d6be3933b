// `skiff container`: global flags (--root, --cgroup-parent, --init) and the
// dispatch of its verbs to nodeagent/cli (one function per verb).
#pragma once

namespace skiff::cmd {

// argv excludes the program and "container". Returns the process exit code.
int RunContainer(int argc, char** argv);

}  // namespace skiff::cmd
