/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* strv.c: NULL-terminated string vectors. */
#include <string.h>
#include "strv.h"
#include "xalloc.h"

size_t
cell_strv_len (char *const *v)
{
  size_t n = 0;
  while (v && v[n])
    n++;
  return n;
}

char **
cell_strv_append (char **v, const char *s)
{
  size_t n = cell_strv_len (v);
  v = xrealloc (v, (n + 2) * sizeof (char *));
  v[n] = xstrdup (s);
  v[n + 1] = NULL;
  return v;
}

char **
cell_strv_copy (char *const *v)
{
  size_t n = cell_strv_len (v), i;
  char **r;
  if (v == NULL)
    return NULL;
  r = xmalloc ((n + 1) * sizeof (char *));
  for (i = 0; i < n; i++)
    r[i] = xstrdup (v[i]);
  r[n] = NULL;
  return r;
}

bool
cell_strv_contains (char *const *v, const char *s)
{
  for (size_t i = 0; v && v[i]; i++)
    if (strcmp (v[i], s) == 0)
      return true;
  return false;
}

void
cell_strv_free (char **v)
{
  for (size_t i = 0; v && v[i]; i++)
    free (v[i]);
  free (v);
}
