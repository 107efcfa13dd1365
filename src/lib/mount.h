/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount.h: mount primitives that act on fds: fs mounts onto a target fd, detached bind trees with
   attributes applied before they are attached, propagation/attribute changes, the container's cgroup
   view at /sys/fs/cgroup. */
#ifndef CELL_MOUNT_H
#define CELL_MOUNT_H

#include <stdbool.h>
#include <stdint.h>
#include "error.h"

/* MS_RDONLY|MS_NOSUID|... -> MOUNT_ATTR_* (the per-mount flags). */
uint64_t cell_ms_to_attr (unsigned long ms);
/* mount(2) of a filesystem onto the directory `target_fd` (through /proc/self/fd/N); `what` names the
   mount in errors ("`proc` on `/proc`"). */
int cell_mount_fs_at (const char *source, const char *fstype, unsigned long flags, const char *data,
                      int target_fd, const char *what, struct cell_error **err);
/* A detached copy of `source` (path, or fd with AT_EMPTY_PATH when source_fd >= 0): recursive with
   `recursive`; per-mount `ms` flags applied to its top, `attr_set/clr` to the whole tree, before it is
   attached onto `target_fd`. */
int cell_bind_at (const char *source, int source_fd, bool recursive, unsigned long ms, uint64_t attr_set,
                  uint64_t attr_clr, int target_fd, const char *what, struct cell_error **err);
/* Attaches a detached mount fd onto `target_fd`. */
int cell_move_mount_at (int mnt_fd, int target_fd, const char *what, struct cell_error **err);
/* mount_setattr on the mount whose root is `fd` (recursive with `recursive`), incl. propagation. */
int cell_mount_setattr (int fd, bool recursive, uint64_t set, uint64_t clr, unsigned long propagation,
                        const char *what, struct cell_error **err);
/* The container's cgroups at `target_fd` (/sys/fs/cgroup): a cgroup2 mount or bind of the container's own
   directory on a v2 host; on v1/hybrid a tmpfs with one entry per hierarchy (and links for co-mounted
   controllers). `own_ns`: the container has a cgroup namespace, so fresh cgroup mounts show its root. */
int cell_mount_cgroups (int root_dfd, const char *dest, int target_fd, bool own_ns, bool readonly,
                        unsigned long ms, struct cell_error **err);

#endif
