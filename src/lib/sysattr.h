/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sysattr.h: the container's kernel attributes: host and domain name, sysctls, and every write into a
   procfs (sysctls, oom_score_adj, id maps, setgroups) through an fd that is checked to be on that procfs. */
#ifndef CELL_SYSATTR_H
#define CELL_SYSATTR_H

#include <stddef.h>
#include "error.h"
#include "resources.h"

/* Writes `value` to `rel` below `proc_dfd` (the root of a procfs mount): the file is opened without
   crossing into another mount (openat2 RESOLVE_NO_XDEV|RESOLVE_NO_MAGICLINKS, or a check of its mount id),
   and must be on procfs itself, so nothing bound over it (a volume planted through /proc) can take the
   write. Errors name `rel` and the value. */
int cell_proc_write (int proc_dfd, const char *rel, const char *value, struct cell_error **err);
/* An O_PATH fd of a procfs root at `path` (checked to be procfs), e.g. the host's "/proc". */
int cell_proc_open (const char *path, int *proc_dfd, struct cell_error **err);
/* sethostname/setdomainname (either NULL: leave). */
int cell_sysattr_set_names (const char *hostname, const char *domainname, struct cell_error **err);
/* Writes each sysctl (dotted key) below the container's procfs `proc_dfd`; -1 proc_dfd is an error when
   there is any. */
int cell_sysattr_set_sysctls (const struct cell_spec_kv *sysctl, size_t n, int proc_dfd,
                              struct cell_error **err);

#endif
