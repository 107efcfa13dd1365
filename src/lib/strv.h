/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* strv.h: NULL-terminated string vectors. */
#ifndef CELL_STRV_H
#define CELL_STRV_H

#include <stdbool.h>
#include <stddef.h>

size_t cell_strv_len (char *const *v);
/* Appends a copy of s (v may be NULL); returns the new vector. */
char **cell_strv_append (char **v, const char *s);
char **cell_strv_copy (char *const *v);
bool cell_strv_contains (char *const *v, const char *s);
void cell_strv_free (char **v);

static inline void
cell_strv_freep (char ***v)
{
  cell_strv_free (*v);
  *v = NULL;
}
#define cleanup_strv __attribute__ ((cleanup (cell_strv_freep)))

#endif
