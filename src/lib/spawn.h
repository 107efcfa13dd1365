/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spawn.h: the executor: starts a container's init from a plan (runtime side + init side). spawn.c is the
   only file that knows the whole order; its header comment carries it, and sync.c the protocol table. */
#ifndef CELL_SPAWN_H
#define CELL_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>
#include "error.h"
#include "mount.h"
#include "plan.h"
#include "seccomp.h"

/* Points at which the executor calls back into the caller (the lifecycle layer). */
struct cell_spawn_callbacks
{
  void *userdata;
  /* In init (or the first process of a second fork), first thing after clone, before it does anything else:
     it may move itself into the container's cgroups (the callback runs in the child's copy of the caller's
     memory). */
  int (*init_first) (void *userdata, struct cell_error **err);
  /* After clone, before init does anything past init_first (ids mapped), while it waits for GO: place `pid`
     in cgroups it is not in yet and apply resources; `pid` is init's unless init is to be a grandchild
     (then mounts_done gives init's). `in_cgroup`: CLONE_INTO_CGROUP put it in the cgroup2 leaf. */
  int (*placed) (void *userdata, pid_t pid, bool in_cgroup, struct cell_error **err);
  /* Init's mounts are done, before its root switch: run prestart + createRuntime hooks in the runtime's
     namespaces. Returns the state JSON ("creating") init needs for the container's own hooks (caller-owned
     string, freed by spawn), or NULL when there are none. Called only when the plan has hooks around the
     root switch or init is a grandchild (`pid` then is init's, not the placed one's): otherwise init does
     not stop there, and `placed` saw init itself, waiting. */
  int (*mounts_done) (void *userdata, pid_t pid, char **state_json_for_init, struct cell_error **err);
  /* The seccomp filter has SCMP_ACT_NOTIFY rules: init loaded it and sent its listener (borrowed: spawn
     closes it); hand it to the agent. */
  int (*seccomp_listener) (void *userdata, pid_t pid, int notify_fd, struct cell_error **err);
  /* Init is READY: everything that can fail is done, and it execs (or waits for `start`) while this runs.
     The state can be written here, beside that exec rather than after it (an ERROR still follows a failed
     exec, and the caller then undoes everything). */
  int (*ready) (void *userdata, pid_t pid, struct cell_error **err);
};

/* How init ends its setup. */
enum cell_spawn_end
{
  CELL_SPAWN_EXEC,       /* run: exec the process as soon as setup is done */
  CELL_SPAWN_WAIT_START, /* create: wait for `start` to connect to start_sock, then exec */
};

struct cell_spawn_opts
{
  enum cell_spawn_end end;
  int rootfs_fd;          /* the rootfs as the front-end opened it once (O_PATH dir, or O_RDONLY image) */
  const char *attach_dir; /* absolute path of the directory init's root is attached over, in init's own
                             mount namespace only (the OCI front-end: the container's state dir) */
  int start_sock;         /* WAIT_START: the listening socket `start` connects to; else -1 */
  int console_socket_fd;  /* -1: none. With plan->process.terminal the pty master is sent here */
  bool relay_tty;         /* terminal without a socket (run in the foreground): master returned to caller */
  int preserve_fds;       /* fds 3 .. 3+N-1 survive into the container */
  int cgroup_dfd;         /* v2 leaf dirfd for CLONE_INTO_CGROUP, or -1 */
  /* the host's cgroup hierarchies with the container's directories, once init is in them (a CGROUP op
     then reads no mountinfo); NULL: init looks itself */
  const struct cell_mount_cgroup *cgroup_mounts;
  size_t n_cgroup_mounts;
  struct cell_seccomp *seccomp; /* compiled linux.seccomp (before anything was created), or NULL */
  bool exec_stub; /* init ends in the sealed exec stub (sealed-exe.h); else the runtime itself runs sealed */
  bool force_mount2; /* build an image root in parts (tests of the mount(2) way) */
  /* sandbox plans only (read nowhere else): */
  struct cell_seccomp *const *filters; /* loaded last, after the identity (bwrap's --seccomp programs) */
  size_t n_filters;
  int status_fd; /* with a reaping pid 1: where it writes the command's exit status (one byte), or -1 */
  struct cell_spawn_callbacks cb;
};

struct cell_spawn_result
{
  pid_t pid;         /* init's pid in the runtime's pid namespace */
  int pidfd;         /* CLONE_PIDFD, or -1 on kernels without it; caller closes */
  int pty_master_fd; /* relay_tty only; else -1 */
};

/* Spawns init and returns once everything that can fail has been done and init has exec'd (the process, or,
   waiting for `start`, the exec stub) or, running sealed, waits for `start`. On failure init is killed and
   reaped, and its error is in *err ("mount `proc` on `/proc`: Permission denied"). Never leaves a process
   behind. */
int cell_spawn (const struct cell_plan *plan, const struct cell_spawn_opts *opts,
                struct cell_spawn_result *res, struct cell_error **err);

#endif
