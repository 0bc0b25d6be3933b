/* skiff-init: the small static binary of the container runtime, with two modes.
 *   skiff-init init EXECUTABLE ARGV0 [ARGS...]   PID 1 of a container (pid1.h)
 *   skiff-init monitor ...                       the container's monitor (monitor.h)
 * The runtime execs it from a sealed memfd, so no file of the container can
 * replace it and it needs nothing from the container's root filesystem.
 *
 * It is C, built against musl when musl-gcc is there (docs/runtime.md): it
 * starts twice per container, and glibc's start-up alone (its cache detection
 * runs ~80 cpuid instructions, each a trap to the hypervisor on a VM) cost
 * ~0.8 ms of CPU each time; musl's costs a few microseconds. */
#include <stdio.h>
#include <string.h>

#include "nodeagent/runtime/init/monitor.h"
#include "nodeagent/runtime/init/pid1.h"

int main(int argc, char** argv) {
  if (argc >= 2 && strcmp(argv[1], "init") == 0) return skiff_run_init(argc - 2, argv + 2);
  if (argc >= 2 && strcmp(argv[1], "monitor") == 0) return skiff_run_monitor(argc - 2, argv + 2);
  fprintf(stderr, "usage: skiff-init init|monitor ...\n");
  return 2;
}
