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

/* The runtime's options, set by the front-end (the library reads no environment). */
struct cell_context
{
  char *root;          /* --root */
  int root_dfd;        /* opened lazily by cell_context_root */
  bool systemd_cgroup; /* --systemd-cgroup / --cgroup-manager systemd */
  bool no_cgroups;     /* --cgroup-manager disabled */
  char **argv;         /* the runtime's own argv: create/run may re-execute it from a sealed copy */
  bool force_mount2;   /* build image roots in parts, with mount(2) (tests: CELL_IMAGE_MOUNT2) */
};

struct cell_create_opts
{
  const char *bundle; /* NULL = "." */
  const char *pid_file;
  const char *console_socket;
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
  bool detach;       /* run --detach */
  bool no_subreaper; /* run --no-subreaper: a foreground run does not make itself a subreaper */
  bool keep;         /* run --keep: a foreground run leaves the stopped container (delete removes it) */
};

int cell_context_root (struct cell_context *ctx, struct cell_error **err);

/* A container's state dir, opened and locked, and its state read: what every command after `create` starts
   from. */
struct cell_container
{
  int dfd;
  struct cell_state *st;
  enum cell_status status;
};
enum cell_container_lock
{
  CELL_LOCK_NONE,   /* a snapshot of the state (state.json is replaced atomically) */
  CELL_LOCK_SHARED, /* kill */
  CELL_LOCK_EXCL,   /* start, delete */
};
/* Validates the ID, opens and locks <root>/<id> and reads its state; "container `ID` does not exist" with
   code ENOENT. Release with cell_container_close. */
int cell_container_open (struct cell_context *ctx, const char *id, enum cell_container_lock lock,
                         struct cell_container *c, struct cell_error **err);
void cell_container_close (struct cell_container *c);

/* Validates everything (ID, config.json, plan, rootfs, console socket) before creating anything; on error
   leaves nothing behind (no state dir, cgroup, mount or process). */
int cell_container_create (struct cell_context *ctx, const char *id, const struct cell_create_opts *opts,
                           struct cell_error **err);
/* Returns once the process has been exec'd (runtime.md: `running` means it has), then runs the poststart
   hooks (warnings on failure). */
int cell_container_start (struct cell_context *ctx, const char *id, struct cell_error **err);
/* Foreground: forwards signals, reaps, deletes the container at exit; *exit_status = its status (128+N
   for a signal). Detached: like create + start. */
int cell_container_run (struct cell_context *ctx, const char *id, const struct cell_create_opts *opts,
                        int *exit_status, struct cell_error **err);
int cell_container_kill (struct cell_context *ctx, const char *id, int sig, bool all,
                         struct cell_error **err);
/* force: kill a running/paused container first; gone containers are fine with force; a state file that
   no longer reads is removed with force, after killing what the kernel still proves to be the container's
   (init by pid and start time, or as the holder of the start socket; the cgroup it names, or the one its
   stored config names); an error when nothing proves the container's processes (its state is removed all
   the same: see delete_tampered). A created init that the state's pid no longer proves is found by its
   start socket, tampered state or not. */
int cell_container_delete (struct cell_context *ctx, const char *id, bool force, struct cell_error **err);
/* The OCI state JSON of `id` (caller frees). Takes no lock: it answers while `start` runs. */
int cell_container_state (struct cell_context *ctx, const char *id, char **json, struct cell_error **err);
/* Loads a container's state and status (no lock). Caller frees *st. */
int cell_container_load (struct cell_context *ctx, const char *id, struct cell_state **st,
                         enum cell_status *status, struct cell_error **err);
/* For `snapshot` and others: the live init pid of a container. */
int cell_container_init_pid (const char *root, const char *id, pid_t *pid, struct cell_error **err);

/* Shared by the lifecycle files (container.c, create.c). */
/* The container's cgroup as `create` computes it (the only place that does): from the config's cgroupsPath
   (NULL: /cell/<id>; relative: under the runtime's own cgroup) and the context's cgroup manager; *out NULL
   with --cgroup-manager disabled. Makes nothing (cell_cgroup_new). */
int cell_container_cgroup (struct cell_context *ctx, const char *cgroups_path, const char *id,
                           struct cell_cgroup **out, struct cell_error **err);
/* After the container stopped: remove its cgroup (`live`, the one its create made, else the state's),
   run the poststop hooks of its stored config, remove the state dir (closing *dfd, its locked fd, on the
   way: cell_state_dir_remove). */
int cell_container_destroy (struct cell_context *ctx, int *dfd, const struct cell_state *st,
                            struct cell_cgroup *live, struct cell_error **err);
/* Runs the hooks of `phase` from a state's stored config (poststart, poststop: warnings on failure). */
void cell_container_run_late_hooks (int dfd, const struct cell_state *st, enum cell_status status,
                                    const char *phase);

#endif
