/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* container.h: the OCI lifecycle (create, start, run, kill, delete, state) as operations on a locked
   state directory; the only layer that ties spec, plan, executor, cgroups, hooks and state together. */
#ifndef CELL_CONTAINER_H
#define CELL_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>
#include "cgroup.h"
#include "error.h"
#include "state.h"

struct cell_context
{
  char *root;          /* --root */
  int root_dfd;        /* opened lazily by cell_context_root */
  bool systemd_cgroup; /* --systemd-cgroup / --cgroup-manager systemd */
  bool no_cgroups;     /* --cgroup-manager disabled */
  char **argv;         /* the runtime's own argv: create/run may re-execute it from a sealed copy */
};

struct cell_create_opts
{
  const char *bundle; /* NULL = "." */
  const char *pid_file;
  const char *console_socket;
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
  bool detach; /* run --detach */
};

int cell_context_root (struct cell_context *ctx, struct cell_error **err);

/* Validates everything (ID, config.json, plan, rootfs, console socket) before creating anything; on error
   leaves nothing behind (no state dir, cgroup, mount or process). */
int cell_container_create (struct cell_context *ctx, const char *id, const struct cell_create_opts *opts,
                           struct cell_error **err);
int cell_container_start (struct cell_context *ctx, const char *id, struct cell_error **err);
/* Foreground: forwards signals, reaps, deletes the container at exit; *exit_status = its status (128+N
   for a signal). Detached: like create + start. */
int cell_container_run (struct cell_context *ctx, const char *id, const struct cell_create_opts *opts,
                        int *exit_status, struct cell_error **err);
int cell_container_kill (struct cell_context *ctx, const char *id, int sig, bool all,
                         struct cell_error **err);
/* force: kill a running/paused container first; gone containers are fine with force. */
int cell_container_delete (struct cell_context *ctx, const char *id, bool force, struct cell_error **err);
/* The OCI state JSON of `id` (caller frees). */
int cell_container_state (struct cell_context *ctx, const char *id, char **json, struct cell_error **err);
/* Loads a container's state and status (locked shared while reading). Caller frees *st. */
int cell_container_load (struct cell_context *ctx, const char *id, struct cell_state **st,
                         enum cell_status *status, struct cell_error **err);
/* For `snapshot` and others: the live init pid of a container. */
int cell_container_init_pid (const char *root, const char *id, pid_t *pid, struct cell_error **err);

#endif
