/* The CRI log format: a container's stdout and stderr as kubelet reads them.
 *
 * Each line becomes "<RFC 3339 time, nanoseconds, UTC> <stream> <tag> <text>\n",
 * e.g. "2026-11-28T23:59:59.123456789Z stdout F hello". Tag F marks a full line;
 * a line longer than CRI_LOG_MAX_LINE is cut into P (partial) records followed by
 * the F record that ends it, as containerd and kubelet do. Bytes that arrive
 * without a newline wait in a per-stream buffer until the newline,
 * CRI_LOG_MAX_LINE, or cri_log_flush.
 *
 * Plain C without allocation: the monitor (skiff-init, built against musl when
 * available) and the C++ runtime share it. One writev per record on an O_APPEND
 * file, so readers never see half a record. Write errors are remembered
 * (last_error) and the bytes dropped: a full disk must not block the container.
 * Not thread-safe. */
#ifndef SKIFF_RUNTIME_INIT_CRI_LOG_H_
#define SKIFF_RUNTIME_INIT_CRI_LOG_H_

#include <stddef.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CRI_LOG_MAX_LINE (16 * 1024)
/* "2026-11-28T23:59:59.123456789Z" and its NUL. */
#define CRI_TIMESTAMP_SIZE 31

enum cri_stream { CRI_STDOUT = 0, CRI_STDERR = 1 };

typedef struct timespec (*cri_clock_fn)(void);

struct cri_log {
  int fd;
  int last_error;         /* errno of the last failed write, 0 if none */
  cri_clock_fn now;       /* CLOCK_REALTIME unless a test sets another */
  size_t pending_len[2];  /* by enum cri_stream */
  char pending[2][CRI_LOG_MAX_LINE];
};

/* Writes the timestamp and its NUL into out; returns its length (30), or 0 for a
 * time gmtime cannot break down. */
size_t cri_format_timestamp(const struct timespec* t, char out[CRI_TIMESTAMP_SIZE]);

/* fd is not owned; now may be NULL (the real clock). */
void cri_log_init(struct cri_log* log, int fd, cri_clock_fn now);
void cri_log_write(struct cri_log* log, enum cri_stream stream, const char* data, size_t len);
/* Writes what is buffered for stream as a full (F) line. */
void cri_log_flush(struct cri_log* log, enum cri_stream stream);

#ifdef __cplusplus
}
#endif

#endif
