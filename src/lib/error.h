/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* error.h: the one error convention: fallible functions return <0 and fill a struct cell_error. */
#ifndef CELL_ERROR_H
#define CELL_ERROR_H

#include "macros.h"

struct cell_error
{
  int code;  /* errno, or 0 */
  char *msg; /* "context: context: cause" (strerror already appended when code != 0) */
};

/* Each returns -1 so callers can `return cell_err (...)`. If *err is already set, the first error wins
   (cell_err/cell_err_errno do nothing). */
int cell_err (struct cell_error **err, int code, const char *fmt, ...) PRINTF_LIKE (3, 4);
/* An error whose cause is errno `code` (callers test it), with the message as written (no strerror). */
int cell_err_as (struct cell_error **err, int code, const char *fmt, ...) PRINTF_LIKE (3, 4);
/* Captures errno before formatting; appends ": strerror(errno)". */
int cell_err_errno (struct cell_error **err, const char *fmt, ...) PRINTF_LIKE (2, 3);
/* Prefixes context: "fmt: old message". Does nothing if *err is NULL. */
int cell_err_wrap (struct cell_error **err, const char *fmt, ...) PRINTF_LIKE (2, 3);
void cell_error_free (struct cell_error *e);

static inline void
cell_error_freep (struct cell_error **e)
{
  if (*e)
    cell_error_free (*e);
  *e = NULL;
}
#define cleanup_error __attribute__ ((cleanup (cell_error_freep)))

#endif
