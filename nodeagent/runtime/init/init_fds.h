/* The descriptors skiff-init (init mode) finds open when the container's first
 * process execs it. Shared by the C++ runtime and the C init, so plain C. */
#ifndef SKIFF_RUNTIME_INIT_INIT_FDS_H_
#define SKIFF_RUNTIME_INIT_INIT_FDS_H_

/* A pipe to the monitor: init writes "exit N" or "signal S" on it at the end. */
#define SKIFF_INIT_STATUS_FD 3
/* An O_PATH descriptor of <state>/<id>/start.fifo. Init opens it for writing,
 * which blocks until Start opens it for reading, and writes one byte once every
 * signal is blocked (queued for it): then Start returns, and no signal sent to a
 * started container is lost. */
#define SKIFF_INIT_START_FIFO_FD 4

#endif
