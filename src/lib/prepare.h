/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* prepare.h: what the runtime makes before init exists, because init cannot or must not: the container's
   root as a detached mount (a clone of the rootfs directory it opened once, or an image root: loop device,
   squashfs, overlay), the squashfs image mounts, id-mapped binds (and the user namespaces they are mapped
   through), and, for an image root the kernel cannot build detached,
   the mount(2) helper that builds it inside init's mount namespace. One actor: the runtime. */
#ifndef CELL_PREPARE_H
#define CELL_PREPARE_H

#include <stdbool.h>
#include <sys/types.h>
#include "error.h"
#include "image.h"
#include "plan.h"

#define CELL_PREPARE_MAX_IMAGES 12

/* What init receives (the fds survive its fd cleanup: cell_prepared_fds). */
struct cell_prepared
{
  int root_fd;    /* the rootfs (O_PATH dir) as the front-end opened it, or -1 (image root) */
  dev_t root_dev; /* its identity, for a chroot into a joined mount namespace */
  ino_t root_ino;
  int root_mnt; /* the root as a detached mount (dir clone, or a whole image root), or -1 (a rootless
                   runtime may not clone: init does, from root_fd's path checked against root_dev/ino) */
  struct cell_image_root image; /* an image root in parts (built by cell_prepare_build_in), else empty */
  int *op_fds;     /* per op: the detached squashfs mount of an IMAGE op, the id-mapped copy of an id-mapped
                      BIND, else -1 */
  size_t n_op_fds; /* entries in op_fds (the plan's op count, or 0 without image or id-mapped ops) */
};

struct cell_prepare_opts
{
  int rootfs_fd; /* the rootfs as the front-end opened it once: an O_PATH directory, or an O_RDONLY image */
  bool force_mount2; /* build an image root in parts even where the kernel can do it whole (tests) */
};

void cell_prepared_init (struct cell_prepared *p);
void cell_prepared_release (struct cell_prepared *p);
/* Checks every image and overlay first, then makes the root and the image mounts. Nothing is attached
   anywhere: the mounts are detached, their propagation already cut from the host's. */
int cell_prepare (const struct cell_plan *plan, const struct cell_prepare_opts *o, struct cell_prepared *p,
                  struct cell_error **err);
/* Once init (`pid`) has its mount namespace: an image root in parts is built on `dir` in that namespace by a
   helper process (outside the device cgroup init is in, with the runtime's privileges), which makes the
   namespace's mounts slaves first. *root_fd is then the built root (O_PATH) to hand to init; -1 when there
   was nothing to do. */
int cell_prepare_build_in (struct cell_prepared *p, pid_t pid, const char *dir, int *root_fd,
                           struct cell_error **err);
/* The rootfs directory `dir_fd` as a detached recursive clone (*mnt), its propagation cut from the source's
   (slave, or private when rootfsPropagation is not a slave one). The runtime's way; init's when the runtime
   may not clone mounts (rootless), in its own mount namespace. */
int cell_prepare_clone_root (const struct cell_plan *plan, int dir_fd, int *mnt, struct cell_error **err);
/* The fds init keeps (into keep[0..max)); returns how many. */
size_t cell_prepared_fds (const struct cell_prepared *p, int *keep, size_t max);

#endif
