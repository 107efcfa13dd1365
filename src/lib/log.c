/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* log.c: writes log records to stderr and to the --log file (text, or runc-compatible JSON lines). */
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include "json.h"
#include "log.h"
#include "xalloc.h"

static int log_fd = -1;
static bool log_json;
static bool log_debug;

static const char *const level_names[] = { "debug", "info", "warning", "error" };

int
cell_log_init (const char *path, bool json, bool debug)
{
  log_json = json;
  log_debug = debug;
  if (path && *path)
    {
      log_fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
      if (log_fd < 0)
        return -1;
    }
  return 0;
}

bool
cell_log_debug_enabled (void)
{
  return log_debug;
}

void
cell_log_close (void)
{
  cell_closep (&log_fd);
}

static void
write_all (int fd, const char *buf, size_t len)
{
  while (len > 0)
    {
      ssize_t r = write (fd, buf, len);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        return;
      buf += r;
      len -= (size_t)r;
    }
}

/* Neither strftime nor gmtime_r: glibc's read /etc/localtime (tzset) even for a UTC stamp. Days to a civil
   date: the proleptic Gregorian calendar in 400-year eras of 146097 days, years starting on March 1st. */
void
cell_time_utc_format (char *buf, size_t size, long long sec, long nsec)
{
  long long days, secs, era, doe, yoe, doy, mp, y;
  unsigned d, m;

  days = sec / 86400;
  secs = sec % 86400;
  if (secs < 0)
    secs += 86400, days--;
  days += 719468; /* 0000-03-01 to 1970-01-01 */
  era = (days >= 0 ? days : days - 146096) / 146097;
  doe = days - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
  m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
  y = yoe + era * 400 + (m <= 2);
  snprintf (buf, size, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%09ldZ", y, m, d, secs / 3600, secs / 60 % 60,
            secs % 60, nsec);
}

void
cell_time_utc_now (char *buf, size_t size)
{
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  cell_time_utc_format (buf, size, ts.tv_sec, ts.tv_nsec);
}

void
cell_log (enum cell_log_level level, const char *fmt, ...)
{
  cleanup_free char *msg = NULL;
  char when[64];
  va_list ap;
  int saved = errno;

  if (level == CELL_LOG_DEBUG && !log_debug)
    return;
  va_start (ap, fmt);
  msg = xvasprintf (fmt, ap);
  va_end (ap);

  if (level >= CELL_LOG_WARNING || log_fd < 0)
    {
      cleanup_free char *line = xasprintf ("cell: %s%s\n", level == CELL_LOG_WARNING ? "warning: " : "", msg);
      write_all (2, line, strlen (line));
    }
  if (log_fd >= 0)
    {
      cleanup_free char *line = NULL;
      cell_time_utc_now (when, sizeof when);
      if (log_json)
        {
          struct cell_json_gen *g = cell_json_gen_new (false);
          char *doc;
          cell_json_gen_map_open (g);
          cell_json_gen_kv_string (g, "level", level_names[level]);
          cell_json_gen_kv_string (g, "msg", msg);
          cell_json_gen_kv_string (g, "time", when);
          cell_json_gen_map_close (g);
          doc = cell_json_gen_finish (g, NULL);
          line = xasprintf ("%s\n", doc);
          free (doc);
        }
      else
        line = xasprintf ("time=\"%s\" level=%s msg=\"%s\"\n", when, level_names[level], msg);
      write_all (log_fd, line, strlen (line));
    }
  errno = saved;
}

static unsigned long long trace_t0, trace_last;

unsigned long long
cell_trace_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

void
cell_trace_begin (void)
{
  trace_t0 = trace_last = cell_trace_now ();
}

void
cell_trace_exclude (unsigned long long since)
{
  unsigned long long d = cell_trace_now () - since;
  trace_t0 += d;
  trace_last += d;
}

void
cell_trace_at (const char *phase, unsigned long long ns)
{
  if (!log_debug)
    return;
  cell_log (CELL_LOG_DEBUG, "phase %s %.3f ms (+%.3f ms)", phase, (double)(ns - trace_t0) / 1e6,
            (double)(ns - trace_last) / 1e6);
  trace_last = ns;
}
