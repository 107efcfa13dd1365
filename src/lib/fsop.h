/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fsop.h: executes ONE plan filesystem operation (a switch on its kind), inside the container's mount
   namespace, resolving every container path from the new root's fd. */
#ifndef CELL_FSOP_H
#define CELL_FSOP_H

#include <stdbool.h>
#include "error.h"
#include "image.h"
#include "plan.h"

#define CELL_FSOP_MAX_IMAGES 12

struct cell_fsop_ctx
{
  const struct cell_plan *plan;
  int root_dfd;   /* O_PATH|O_DIRECTORY fd of the new root mount; set by ROOT_BIND / ROOT_IMAGE, -1 before */
  bool pivoted;   /* set by PIVOT: paths then resolve from "/" */
  bool in_userns; /* DEVICE ops bind from the host instead of mknod */
  int console_fd; /* pty slave, set by CONSOLE (-1 without a terminal); owned by the caller after */
  int console_master; /* pty master, set by CONSOLE; owned by the caller after */
  int proc_dfd;       /* the container's procfs once mounted (checked to be procfs), -1 before */
  bool own_cgroupns;  /* CGROUP mounts fresh cgroup filesystems (the container has a cgroup namespace) */
  struct cell_image_root image; /* ROOT_IMAGE: made by cell_fsop_prepare, whole or in parts */
  int image_root_fd; /* ROOT_IMAGE in parts: the root built by cell_fsop_build_in (O_PATH), or -1 */
  int *op_fds;       /* per op: the detached squashfs mount of an IMAGE op (cell_fsop_prepare), or -1 */
  int n_op_fds;      /* how many IMAGE ops the plan has (op_fds is allocated when there is one) */
  int devnull_fd;    /* the host's /dev/null (O_PATH, checked 1:3), opened by init: masks bind it */
  const char *image_mnt_dir; /* ROOT_IMAGE: where the image root is attached in init's mount namespace (the
                                front-end's choice: the OCI one gives the container's state dir). Init never
                                resolves it (in a user namespace it may not search the state dir): a whole
                                root goes on init's working directory, which the runtime makes this dir
                                when it clones init; one in parts is built by the runtime's helper. */
};

void cell_fsop_ctx_init (struct cell_fsop_ctx *ctx, const struct cell_plan *plan);
/* Closes the fds the ctx owns (root_dfd, proc_dfd, image mounts; not console_fd). */
void cell_fsop_ctx_release (struct cell_fsop_ctx *ctx);
/* Runs in the runtime before init exists: builds what init cannot (the image root's loop device, squashfs
   and overlay, as a detached mount where the kernel can, else in parts; image mounts). */
int cell_fsop_prepare (struct cell_fsop_ctx *ctx, struct cell_error **err);
/* Runs in the runtime once init (`pid`) has its mount namespace and before it runs the plan: an image root
   prepared in parts is built on image_mnt_dir in that namespace by a helper process (outside the device
   cgroup init is in, with the runtime's privileges), which makes the namespace's mounts slaves first.
   *root_fd is then the built root (O_PATH) for init's image_root_fd; -1 when there was nothing to do. */
int cell_fsop_build_in (struct cell_fsop_ctx *ctx, pid_t pid, int *root_fd, struct cell_error **err);
/* The fds init must keep open (image mounts), into keep[0..max); returns how many. */
size_t cell_fsop_ctx_fds (const struct cell_fsop_ctx *ctx, int *keep, size_t max);
/* In init, after it closed every fd but those: forget the ones only the runtime uses. */
void cell_fsop_ctx_forget_runtime_fds (struct cell_fsop_ctx *ctx);
/* Executes `op`. ROOT_BIND/ROOT_IMAGE first apply plan->rootfs_propagation to "/" (so nothing propagates
   to the host), then set up the root. Errors name the op: "mount `proc` on `/proc`: Permission denied". */
int cell_fsop_execute (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err);

#endif
