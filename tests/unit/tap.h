/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tap.h: a tiny TAP producer for the unit tests. */
#ifndef CELL_TAP_H
#define CELL_TAP_H
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline void __attribute__ ((format (printf, 2, 3))) tap_ok (int cond, const char *fmt, ...)
{
  va_list ap;
  tap_n++;
  if (!cond)
    tap_failed++;
  printf ("%sok %d - ", cond ? "" : "not ", tap_n);
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  printf ("\n");
  fflush (stdout);
}

static inline void
tap_is_str (const char *got, const char *want, const char *name)
{
  int ok = (got == NULL && want == NULL) || (got && want && strcmp (got, want) == 0);
  tap_ok (ok, "%s", name ? name : "?");
  if (!ok)
    printf ("#   got:  %s\n#   want: %s\n", got ? got : "(null)", want ? want : "(null)");
}

static inline int
tap_done (void)
{
  printf ("1..%d\n", tap_n);
  return tap_failed ? 1 : 0;
}
#endif
