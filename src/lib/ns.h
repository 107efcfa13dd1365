/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ns.h: namespaces: CLONE_NEW* flags, joining by path (the file checked to be an nsfs file of the right
   type), user namespace id maps written by the parent. */
#ifndef CELL_NS_H
#define CELL_NS_H

#include <stdbool.h>
#include <sys/types.h>
#include "error.h"
#include "plan.h"
#include "spec.h"

int cell_ns_clone_flag (enum cell_ns_type t);
/* Opens `path` and checks it is a namespace of type `t` (NS_GET_NSTYPE); returns the fd. */
int cell_ns_open (const char *path, enum cell_ns_type t, int *fd, struct cell_error **err);
int cell_ns_join (int fd, enum cell_ns_type t, const char *path, struct cell_error **err);
/* Joins every namespace of `ns` that has a path: all are opened first (they are paths in the runtime's
   mount namespace), then joined user first and mount last. */
int cell_ns_join_paths (const struct cell_plan_ns ns[CELL_NS_COUNT], struct cell_error **err);
/* Enters a new time namespace with `offsets` (/proc/self/timens_offsets format, NULL: none): unshare, write
   the offsets (only possible before a process enters it), then setns into it. */
int cell_ns_create_time (const char *offsets, struct cell_error **err);
/* Writes /proc/PID/{uid,gid}_map (either may be NULL) through the verified procfs `proc_dfd`;
   `deny_setgroups` first writes "deny" to setgroups (an unprivileged runtime must, to map gids). */
int cell_ns_write_maps (int proc_dfd, pid_t pid, const char *uid_map, const char *gid_map,
                        bool deny_setgroups, struct cell_error **err);

#endif
