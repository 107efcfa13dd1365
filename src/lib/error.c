/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* error.c: construction and wrapping of struct cell_error. */
#include <stdarg.h>
#include <string.h>
#include "error.h"
#include "xalloc.h"

static int set_error (struct cell_error **err, int code, const char *fmt, va_list ap) PRINTF_LIKE (3, 0);

static int
set_error (struct cell_error **err, int code, const char *fmt, va_list ap)
{
  struct cell_error *e;
  char *msg;

  if (err == NULL || *err != NULL)
    return -1;
  msg = xvasprintf (fmt, ap);
  e = xzalloc (sizeof *e);
  e->code = code;
  if (code > 0)
    {
      e->msg = xasprintf ("%s: %s", msg, strerror (code));
      free (msg);
    }
  else
    e->msg = msg;
  *err = e;
  return -1;
}

int
cell_err (struct cell_error **err, int code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  set_error (err, code, fmt, ap);
  va_end (ap);
  return -1;
}

int
cell_err_as (struct cell_error **err, int code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  if (set_error (err, 0, fmt, ap) < 0 && err && *err)
    (*err)->code = code;
  va_end (ap);
  return -1;
}

int
cell_err_errno (struct cell_error **err, const char *fmt, ...)
{
  int code = errno;
  va_list ap;
  va_start (ap, fmt);
  set_error (err, code, fmt, ap);
  va_end (ap);
  errno = code;
  return -1;
}

int
cell_err_wrap (struct cell_error **err, const char *fmt, ...)
{
  va_list ap;
  char *ctx, *msg;

  if (err == NULL || *err == NULL)
    return -1;
  va_start (ap, fmt);
  ctx = xvasprintf (fmt, ap);
  va_end (ap);
  msg = xasprintf ("%s: %s", ctx, (*err)->msg);
  free (ctx);
  free ((*err)->msg);
  (*err)->msg = msg;
  return -1;
}

void
cell_error_free (struct cell_error *e)
{
  if (e == NULL)
    return;
  free (e->msg);
  free (e);
}
