/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xalloc.h: allocation that aborts on out-of-memory, so callers carry no NULL checks. */
#ifndef CELL_XALLOC_H
#define CELL_XALLOC_H

#include <stddef.h>
#include <stdarg.h>
#include "macros.h"

void *xmalloc (size_t size);
void *xzalloc (size_t size);
void *xcalloc (size_t n, size_t size);
void *xrealloc (void *p, size_t size);
/* Grows *p to hold at least `need` elements of `size`, doubling; *cap is updated. */
void *xgrow (void *p, size_t *cap, size_t need, size_t size);
/* A copy of size bytes at p. */
void *xmemdup (const void *p, size_t size);
char *xstrdup (const char *s);
char *xstrndup (const char *s, size_t n);
char *xasprintf (const char *fmt, ...) PRINTF_LIKE (1, 2);
char *xvasprintf (const char *fmt, va_list ap) PRINTF_LIKE (1, 0);

#endif
