/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* macros.h: cleanup attributes, ownership transfer and small helpers shared by every file. */
#ifndef CELL_MACROS_H
#define CELL_MACROS_H

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof (a) / sizeof ((a)[0]))
#define UNUSED __attribute__ ((unused))
#define NORETURN __attribute__ ((noreturn))
#define PRINTF_LIKE(f, a) __attribute__ ((format (printf, f, a)))

static inline void
cell_freep (void *p)
{
  free (*(void **)p);
}

static inline void
cell_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
      *fd = -1;
    }
}

static inline void
cell_fclosep (FILE **f)
{
  if (*f)
    {
      int saved = errno;
      fclose (*f);
      errno = saved;
      *f = NULL;
    }
}

#define cleanup_free __attribute__ ((cleanup (cell_freep)))
#define cleanup_close __attribute__ ((cleanup (cell_closep)))
#define cleanup_fclose __attribute__ ((cleanup (cell_fclosep)))

static inline void *
cell_steal_ptr (void *pp)
{
  void **p = (void **)pp;
  void *r = *p;
  *p = NULL;
  return r;
}

static inline int
cell_steal_fd (int *fd)
{
  int r = *fd;
  *fd = -1;
  return r;
}

#define steal_ptr(pp) cell_steal_ptr (pp)
#define steal_fd(pfd) cell_steal_fd (pfd)

#define streq(a, b) (strcmp ((a), (b)) == 0)

#endif
