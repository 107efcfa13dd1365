/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fsop.h: executes ONE plan filesystem operation (a switch on its kind), in init, inside the container's
   mount namespace, resolving every container path from the new root's fd. One actor: init. */
#ifndef CELL_FSOP_H
#define CELL_FSOP_H

#include <stdbool.h>
#include "error.h"
#include "plan.h"
#include "mount.h"
#include "prepare.h"

struct cell_fsop_ctx
{
  const struct cell_plan *plan;
  struct cell_prepared *prep; /* what the runtime made before init existed (the root, image mounts) */
  int image_root_fd;          /* an image root built in parts by the runtime's helper (O_PATH), or -1 */
  int root_dfd;      /* O_PATH|O_DIRECTORY fd of the new root; set by ROOT_BIND / ROOT_IMAGE, -1 before */
  bool in_userns;    /* DEVICE ops bind from the host instead of mknod */
  bool own_cgroupns; /* CGROUP mounts fresh cgroup filesystems (the container has a cgroup namespace) */
  const struct cell_mount_cgroup *cgroups; /* CGROUP: the host's hierarchies, as the runtime found them */
  size_t n_cgroups;                        /* (NULL/0: CGROUP reads them itself) */
  int proc_dfd;          /* the container's procfs once mounted (checked to be procfs), -1 before */
  int devnull_fd;        /* the host's /dev/null, cloned before the root switch: masks bind it */
  bool devnull_attached; /* that clone is the first masked file's mount now */
  int host_dfd;       /* a sandbox's host root (/oldroot behind its tmpfs root): host sources resolve here */
  int console_fd;     /* pty slave, set by CONSOLE (-1 without a terminal); the caller takes it */
  int console_master; /* pty master, set by CONSOLE; the caller takes it */
};

void cell_fsop_ctx_init (struct cell_fsop_ctx *ctx, const struct cell_plan *plan, struct cell_prepared *prep);
/* Closes the fds the ctx owns (root_dfd, proc_dfd, devnull; not the console's). */
void cell_fsop_ctx_release (struct cell_fsop_ctx *ctx);
/* Executes `op`. ROOT_BIND/ROOT_IMAGE first cut the propagation of every mount of a new mount namespace
   from the host's, then attach the prepared root over init's working directory. Errors name the op:
   "mount `proc` on `/proc`: Permission denied". */
int cell_fsop_execute (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err);
/* linux.rootfsPropagation on "/", once the root is switched and every op is done: runbindable earlier
   would make the recursive binds of readonlyPaths after the switch fail (EINVAL). */
int cell_fsop_root_propagation (struct cell_fsop_ctx *ctx, struct cell_error **err);

#endif
