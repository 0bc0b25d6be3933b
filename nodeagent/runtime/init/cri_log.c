#define _GNU_SOURCE
#include "nodeagent/runtime/init/cri_log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>

static struct timespec real_clock(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return t;
}

size_t cri_format_timestamp(const struct timespec* t, char out[CRI_TIMESTAMP_SIZE]) {
  struct tm tm;
  out[0] = 0;
  if (gmtime_r(&t->tv_sec, &tm) == NULL) return 0;
  int n = snprintf(out, CRI_TIMESTAMP_SIZE, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ",
                   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                   tm.tm_sec, (long)t->tv_nsec);
  return n > 0 && n < CRI_TIMESTAMP_SIZE ? (size_t)n : 0;
}

void cri_log_init(struct cri_log* log, int fd, cri_clock_fn now) {
  log->fd = fd;
  log->last_error = 0;
  log->now = now ? now : real_clock;
  log->pending_len[0] = log->pending_len[1] = 0;
}

/* One record: the stream's pending bytes, then `len` bytes of `text`. */
static void emit(struct cri_log* log, enum cri_stream stream, const char* text, size_t len,
                 char tag) {
  char prefix[CRI_TIMESTAMP_SIZE + 12];
  struct timespec now = log->now();
  size_t n = cri_format_timestamp(&now, prefix);
  n += (size_t)snprintf(prefix + n, sizeof(prefix) - n, " %s %c ",
                        stream == CRI_STDOUT ? "stdout" : "stderr", tag);
  struct iovec iov[4] = {{prefix, n},
                         {log->pending[stream], log->pending_len[stream]},
                         {(void*)text, len},
                         {"\n", 1}};
  size_t total = 0;
  for (int i = 0; i < 4; ++i) total += iov[i].iov_len;
  log->pending_len[stream] = 0;
  ssize_t w;
  do w = writev(log->fd, iov, 4);
  while (w < 0 && errno == EINTR);
  if (w < 0) log->last_error = errno;
  else if ((size_t)w != total) log->last_error = EIO;  /* a full disk: the rest is dropped */
}

void cri_log_write(struct cri_log* log, enum cri_stream stream, const char* data, size_t len) {
  while (len > 0) {
    const char* nl = memchr(data, '\n', len);
    size_t line = nl ? (size_t)(nl - data) : len;
    size_t room = CRI_LOG_MAX_LINE - log->pending_len[stream];
    if (line >= room) {
      emit(log, stream, data, room, 'P');
      data += room;
      len -= room;
      continue;
    }
    if (nl == NULL) {
      memcpy(log->pending[stream] + log->pending_len[stream], data, line);
      log->pending_len[stream] += line;
      return;
    }
    emit(log, stream, data, line, 'F');
    data += line + 1;
    len -= line + 1;
  }
}

void cri_log_flush(struct cri_log* log, enum cri_stream stream) {
  if (log->pending_len[stream] > 0) emit(log, stream, "", 0, 'F');
}
