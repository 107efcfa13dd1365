/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spawn.h: the executor: starts a container's init from a plan (parent side + child side). spawn.c is
   the only file that knows the whole order; its header comment carries the protocol diagram. */
#ifndef CELL_SPAWN_H
#define CELL_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>
#include "error.h"
#include "plan.h"
#include "seccomp.h"

/* Points at which the executor calls back into the caller (the lifecycle layer). */
struct cell_spawn_callbacks
{
  void *userdata;
  /* After clone, before the child does anything (ids mapped): place `pid` in cgroups not joined
     through CLONE_INTO_CGROUP and apply resources. */
  int (*placed) (void *userdata, pid_t pid, struct cell_error **err);
  /* Child's mounts are done, before pivot_root: run prestart + createRuntime hooks in the runtime's
     namespaces. Returns the state JSON ("creating") to hand to createContainer hooks in the child
     (caller-owned string, freed by spawn), or NULL when there are none. */
  int (*mounts_done) (void *userdata, pid_t pid, char **state_json_for_child, struct cell_error **err);
  /* startContainer hooks run in the child right before execve; it needs the state JSON too. */
  /* The seccomp filter has SCMP_ACT_NOTIFY rules: init loaded it and sent its listener `notify_fd`
     (borrowed: spawn closes it): hand it to the seccomp agent (listenerPath). Init goes on meanwhile; a
     notified syscall of init's waits until the agent answers. */
  int (*seccomp_listener) (void *userdata, pid_t pid, int notify_fd, struct cell_error **err);
};

struct cell_spawn_opts
{
  /* create: the child blocks in openat(state_dfd, "exec.fifo", O_WRONLY) until `start` opens it for
     reading; run: state_dfd = -1 and the child proceeds as soon as setup is done. */
  int state_dfd;
  int console_socket_fd; /* -1: none. With plan->process.terminal the pty master is sent here */
  bool relay_tty;        /* terminal without a socket (run in the foreground): master returned to caller */
  int preserve_fds;      /* fds 3 .. 3+N-1 survive into the container */
  int cgroup_dfd;        /* v2 leaf dirfd for CLONE_INTO_CGROUP, or -1 */
  bool no_new_keyring;
  struct cell_seccomp *seccomp; /* compiled linux.seccomp (before anything was created), or NULL */
  bool exec_stub; /* exec the process through the sealed exec stub (sealed-exe.h); else the runtime itself
                     already runs sealed */
  const char *state_dir; /* absolute path of the state dir: an image root is attached there in init's
                            mount namespace (required with an image root) */
  struct cell_spawn_callbacks cb;
};

struct cell_spawn_result
{
  pid_t pid;         /* init's pid in the runtime's pid namespace */
  int pidfd;         /* CLONE_PIDFD, or -1 on kernels without it; caller closes */
  int pty_master_fd; /* relay_tty only; else -1 */
};

/* Spawns init and returns once it is set up and waiting (create) or exec'ing (run). On failure the
   child is killed and reaped, and the child's error message is in *err ("mount `proc` on `/proc`:
   Permission denied"). Never leaves a process behind. */
int cell_spawn (const struct cell_plan *plan, const struct cell_spawn_opts *opts,
                struct cell_spawn_result *res, struct cell_error **err);

#endif
