/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xalloc.c: aborting allocators. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xalloc.h"

static void NORETURN
oom (void)
{
  static const char msg[] = "cell: out of memory\n";
  if (write (2, msg, sizeof msg - 1) < 0)
    abort ();
  abort ();
}

void *
xmalloc (size_t size)
{
  void *p = malloc (size ? size : 1);
  if (p == NULL)
    oom ();
  return p;
}

void *
xzalloc (size_t size)
{
  return xcalloc (1, size);
}

void *
xcalloc (size_t n, size_t size)
{
  void *p = calloc (n ? n : 1, size ? size : 1);
  if (p == NULL)
    oom ();
  return p;
}

void *
xrealloc (void *p, size_t size)
{
  void *r = realloc (p, size ? size : 1);
  if (r == NULL)
    oom ();
  return r;
}

void *
xgrow (void *p, size_t *cap, size_t need, size_t size)
{
  size_t n = *cap;
  if (need <= n)
    return p;
  if (n == 0)
    n = 4;
  while (n < need)
    {
      if (n > ((size_t)-1) / 2 / size)
        oom ();
      n *= 2;
    }
  p = xrealloc (p, n * size);
  memset ((char *)p + *cap * size, 0, (n - *cap) * size);
  *cap = n;
  return p;
}

char *
xstrdup (const char *s)
{
  char *r = strdup (s);
  if (r == NULL)
    oom ();
  return r;
}

char *
xstrndup (const char *s, size_t n)
{
  char *r = strndup (s, n);
  if (r == NULL)
    oom ();
  return r;
}

char *
xvasprintf (const char *fmt, va_list ap)
{
  char *r;
  if (vasprintf (&r, fmt, ap) < 0)
    oom ();
  return r;
}

char *
xasprintf (const char *fmt, ...)
{
  va_list ap;
  char *r;
  va_start (ap, fmt);
  r = xvasprintf (fmt, ap);
  va_end (ap);
  return r;
}

void *
xmemdup (const void *p, size_t size)
{
  void *r = xmalloc (size ? size : 1);
  memcpy (r, p, size);
  return r;
}
