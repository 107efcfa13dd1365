/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* log.h: the runtime's log: stderr plus the --log file, as text or runc's JSON lines. */
#ifndef CELL_LOG_H
#define CELL_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include "macros.h"

enum cell_log_level
{
  CELL_LOG_DEBUG,
  CELL_LOG_INFO,
  CELL_LOG_WARNING,
  CELL_LOG_ERROR,
};

/* `path`: --log file (appended; NULL = none); `json`: --log-format json. Errors are always also written to
   stderr; warnings too; debug only with `debug`. Returns -1 (errno set) if the log file can't be opened. */
int cell_log_init (const char *path, bool json, bool debug);
bool cell_log_debug_enabled (void);
void cell_log (enum cell_log_level level, const char *fmt, ...) PRINTF_LIKE (2, 3);
/* Closes the log fd (before the runtime's fds are closed for the container, the log is not inherited:
   it is O_CLOEXEC). */
void cell_log_close (void);
/* Now, UTC, RFC 3339 with nanoseconds ("2026-12-03T15:16:24.123456789Z"); buf of at least 40 bytes. */
void cell_time_utc_now (char *buf, size_t size);
/* The same for a given time (seconds since the epoch, nanoseconds). */
void cell_time_utc_format (char *buf, size_t size, long long sec, long nsec);

#define cell_debug(...)                                                                                      \
  do                                                                                                         \
    {                                                                                                        \
      if (cell_log_debug_enabled ())                                                                         \
        cell_log (CELL_LOG_DEBUG, __VA_ARGS__);                                                              \
    }                                                                                                        \
  while (0)
#define cell_warn(...) cell_log (CELL_LOG_WARNING, __VA_ARGS__)

/* Phase timestamps (--debug): "phase NAME T ms (+D ms)", T on CLOCK_MONOTONIC since cell_trace_begin (the
   front-end's start), D since the phase logged before. tests/bench/bench.sh tabulates them. */
void cell_trace_begin (void);
unsigned long long cell_trace_now (void); /* CLOCK_MONOTONIC in ns */
void cell_trace_at (const char *phase, unsigned long long ns);
/* The time since `since` (cell_trace_now) does not count: --debug's own work (the plan dump) is left out of
   the phases. */
void cell_trace_exclude (unsigned long long since);
#define cell_trace(phase)                                                                                    \
  do                                                                                                         \
    {                                                                                                        \
      if (cell_log_debug_enabled ())                                                                         \
        cell_trace_at ((phase), cell_trace_now ());                                                          \
    }                                                                                                        \
  while (0)

#endif
