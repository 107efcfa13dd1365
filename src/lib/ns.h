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
/* Writes /proc/PID/{uid,gid}_map (either may be NULL) through the verified procfs `proc_dfd`. An
   `unprivileged` runtime (rootless) writes a map of its own id itself, after "deny" to setgroups for the gid
   map (user_namespaces(7)), and any other map through newuidmap/newgidmap (found in PATH; their errors name
   them), as runc does. */
int cell_ns_write_maps (int proc_dfd, pid_t pid, const char *uid_map, const char *gid_map, bool unprivileged,
                        struct cell_error **err);
/* A user namespace with these maps (the runtime must be privileged), made by a short-lived child that is
   gone when this returns: *fd is the namespace (O_RDONLY), e.g. for MOUNT_ATTR_IDMAP. */
int cell_ns_userns_for_maps (const char *uid_map, const char *gid_map, int *fd, struct cell_error **err);
/* Writes "deny" to /proc/PID/setgroups (before its gid map: a sandbox's user namespace never allows it). */
int cell_ns_deny_setgroups (int proc_dfd, pid_t pid, struct cell_error **err);

#endif
