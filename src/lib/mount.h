/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount.h: mount primitives that act on fds: fs mounts onto a target fd, new-API filesystem contexts,
   detached bind trees with attributes applied before they are attached, propagation/attribute changes,
   the container's cgroup view at /sys/fs/cgroup. */
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
/* MOUNT_ATTR_IDMAP on the detached mount `fd` (never attached yet, not id-mapped yet: the kernel's rules)
   through the user namespace `userns_fd`, on every mount of the tree with `recursive`. */
int cell_mount_set_idmap (int fd, int userns_fd, bool recursive, const char *what, struct cell_error **err);
/* Attaches a detached mount fd onto `target_fd` (AT_FDCWD: onto the working directory). */
int cell_move_mount_at (int mnt_fd, int target_fd, const char *what, struct cell_error **err);
/* mount_setattr on the mount whose root is `fd` (recursive with `recursive`), incl. propagation. */
int cell_mount_setattr (int fd, bool recursive, uint64_t set, uint64_t clr, unsigned long propagation,
                        const char *what, struct cell_error **err);
/* A filesystem context (fsopen, FSOPEN_CLOEXEC); -1 with errno. */
int cell_fs_open (const char *fstype);
/* fsconfig of a string option (a flag when value is NULL); errors carry the kernel's own words from the
   context's log; errno is kept for callers that tell "cannot" from "will not". */
int cell_fs_set (int fs, const char *key, const char *value, const char *what, struct cell_error **err);
/* fsconfig of an fd option; -1 with errno, no error set (callers fall back). */
int cell_fs_set_fd (int fs, const char *key, int fd);
/* Creates the superblock and returns its detached mount fd (MOUNT_ATTR_* `attrs`), or -1 (errno kept). */
int cell_fs_create (int fs, const char *fstype, unsigned attrs, const char *what, struct cell_error **err);
/* A cgroup hierarchy of the host, as the container's /sys/fs/cgroup shows it. */
struct cell_mount_cgroup
{
  const char *name;     /* entry under /sys/fs/cgroup ("cpu,cpuacct", "unified"; "" for a v2 host) */
  const char *options;  /* v1 controllers (super options: "cpu,cpuacct", "name=systemd"); NULL for cgroup2 */
  const char *host_dir; /* the container's directory on the host (what a bind without a namespace shows) */
};

/* The container's cgroups at `target_fd` (/sys/fs/cgroup): a cgroup2 mount or bind of the container's own
   directory on a v2 host; on v1/hybrid a tmpfs with one entry per hierarchy (and links for co-mounted
   controllers). `known` (n_known entries): the hierarchies as the runtime found them, with the container's
   directories on the host, which are bound: a bind of that directory is what a fresh cgroup mount in the
   container's cgroup namespace would be (the hierarchy's superblock, rooted at the namespace's root), for
   a fraction of the cost (0.24 ms for nine v1 hierarchies). NULL: read from mountinfo and /proc/self/cgroup
   here; then `own_ns` (the container has a cgroup namespace, already entered: /proc/self/cgroup says "/")
   mounts fresh cgroup filesystems, which show the namespace's root. */
int cell_mount_cgroups (int root_dfd, const char *dest, int target_fd, bool own_ns, bool readonly,
                        unsigned long ms, const struct cell_mount_cgroup *known, size_t n_known,
                        struct cell_error **err);

#endif
