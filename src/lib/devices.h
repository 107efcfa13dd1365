/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* devices.h: device nodes in the container's /dev: the default set, the spec's linux.devices, and the
   standard /dev links. */
#ifndef CELL_DEVICES_H
#define CELL_DEVICES_H

#include <stdbool.h>
#include <sys/types.h>
#include "error.h"

/* One node at `path` (inside root_dfd): mknod + chown, or (userns) a bind of the host's node at the same
   path. An existing non-directory entry is replaced. */
int cell_device_create (int root_dfd, const char *path, char type, unsigned major, unsigned minor,
                        mode_t mode, uid_t uid, gid_t gid, bool userns, struct cell_error **err);
/* A detached clone of the host's /dev/null (checked to be 1:3), for masks to bind after pivot_root, when
   the host's mounts are gone (and never whatever /dev/null the container has). */
int cell_devices_clone_null (int *fd, struct cell_error **err);
/* null zero full random urandom tty, /dev/fd and std* links, /dev/ptmx -> pts/ptmx when `ptmx_link`. */
int cell_devices_default (int root_dfd, bool userns, bool ptmx_link, struct cell_error **err);

#endif
