/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ns.h: namespaces: CLONE_NEW* flags, joining by path (the file checked to be an nsfs file of the right
   type), user namespace id maps written by the parent. */
#ifndef CELL_NS_H
#define CELL_NS_H

#include <sys/types.h>
#include "error.h"
#include "spec.h"

int cell_ns_clone_flag (enum cell_ns_type t);
/* Opens `path` and checks it is a namespace of type `t` (NS_GET_NSTYPE); returns the fd. */
int cell_ns_open (const char *path, enum cell_ns_type t, int *fd, struct cell_error **err);
int cell_ns_join (int fd, enum cell_ns_type t, const char *path, struct cell_error **err);
/* Writes /proc/PID/{uid,gid}_map (either may be NULL). */
int cell_ns_write_maps (pid_t pid, const char *uid_map, const char *gid_map, struct cell_error **err);

#endif
