/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount-opts.h: OCI mount option strings -> mount flags, propagation, recursive attributes and fs data. */
#ifndef CELL_MOUNT_OPTS_H
#define CELL_MOUNT_OPTS_H

#include <stdbool.h>
#include <stdint.h>
#include "error.h"

struct cell_mount_opts
{
  unsigned long flags;         /* MS_* to set (MS_RDONLY, MS_NOSUID, ... MS_BIND|MS_REC for bind/rbind) */
  unsigned long propagation;   /* MS_SHARED|MS_SLAVE|MS_PRIVATE|MS_UNBINDABLE [| MS_REC], 0 = none */
  uint64_t attr_set, attr_clr; /* MOUNT_ATTR_* from the r* options, applied recursively */
  char *data;                  /* comma-joined options that are not flags (filesystem data), or NULL */
  bool idmap, ridmap;
  bool copyup; /* tmpcopyup: a tmpfs gets a copy of what the root had at its destination */
};

/* Parses `opts` (NULL-terminated, may be NULL) with mount(8)'s Linux option table plus the OCI recursive
   attributes (rro, rnosuid, ...), idmap/ridmap and tmpcopyup. Options that are not flags are filesystem
   data, joined in `data` (config.md: unknown options are passed to the filesystem). Errors: "<display>:
   <ptr>/N: invalid mount option `a,b`"; on error nothing is left to clear. */
int cell_mount_opts_parse (char *const *opts, struct cell_mount_opts *out, const char *display,
                           const char *ptr, struct cell_error **err);
void cell_mount_opts_clear (struct cell_mount_opts *o);
/* Is `name` a mount option cell maps to a flag or attribute (for `features`)? */
bool cell_mount_opts_known (const char *name);

#endif
