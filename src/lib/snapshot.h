/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* snapshot.h: a container's root filesystem written back to a squashfs image (`cell snapshot`). */
#ifndef CELL_SNAPSHOT_H
#define CELL_SNAPSHOT_H

#include <stdbool.h>
#include "error.h"

struct cell_snapshot_opts
{
  const char *compression; /* NULL: zstd */
  bool progress;           /* show mksquashfs's progress bar */
  bool force_mount2;       /* build an image root in parts (tests of the mount(2) way) */
};

/* The root filesystem of the live container whose init is `pid` (as its processes see it: lower plus
   upper, no other mounts) into the squashfs image `out`: written to a temporary file beside it and
   renamed into place. */
int cell_snapshot_pid (pid_t pid, const char *out, const struct cell_snapshot_opts *opts,
                       struct cell_error **err);
/* Offline: the overlay of `image` and the persistent `upper` into `out`. */
int cell_snapshot_image (const char *image, const char *upper, const char *out,
                         const struct cell_snapshot_opts *opts, struct cell_error **err);

#endif
