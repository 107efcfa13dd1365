/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sync.h: the setup protocol between the runtime and the container's init: a table of steps, each a
   message of its own type going one way, optionally answered by the next; both sides derive the same list
   of steps from the same shape and walk it in order, so a message out of place is an error naming both. */
#ifndef CELL_SYNC_H
#define CELL_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "error.h"

/* The messages, in the order they happen (see the table in sync.c). */
enum cell_sync_type
{
  CELL_SYNC_ERROR = 1,   /* init -> runtime at any point: payload = the error; init gives up */
  CELL_SYNC_UNSHARED,    /* init -> runtime: namespaces joined and created by setns/unshare */
  CELL_SYNC_GO,          /* runtime -> init: ids mapped, cgroups placed; fd: an image root built in parts */
  CELL_SYNC_INIT,        /* init -> runtime, after the fork into a joined/unshared pid namespace: its pid
                            travels as the socket's credentials (SO_PASSCRED), from init itself */
  CELL_SYNC_MOUNTS_DONE, /* init -> runtime: mounts done, before the root switch: run prestart hooks */
  CELL_SYNC_HOOKS_DONE,  /* runtime -> init: payload = the state JSON for the container's own hooks */
  CELL_SYNC_PTY,         /* init -> runtime: fd = the pty master */
  CELL_SYNC_SECCOMP,     /* init -> runtime: fd = the seccomp notify fd (SCMP_ACT_NOTIFY) */
  CELL_SYNC_READY,       /* init -> runtime: everything that can fail is done; then only exec (or the
                            wait for `start`) is left, and the socket closes (EOF) once that exec worked */
};
#define CELL_SYNC_N_TYPES 10

/* What varies between containers; both sides build their step list from it. */
struct cell_sync_shape
{
  bool exec;     /* `exec`: a process joining a container has no namespaces, mounts or hooks to set up */
  bool unshared; /* namespaces are made by init (setns/unshare), not by clone3 */
  bool init_pid; /* init is a grandchild (a pid namespace joined or unshared): INIT carries its pid */
  bool pty;
  bool seccomp_notify;
  bool hooks; /* MOUNTS_DONE/HOOKS_DONE: hooks run around the root switch, or init is a grandchild (whose
                 pid and start time the runtime learns at MOUNTS_DONE, while init waits) */
};

struct cell_sync
{
  int sock;
  enum cell_sync_type steps[CELL_SYNC_N_TYPES];
  size_t n, next;
};

/* The step list for `shape`. `sock` is a SOCK_SEQPACKET end; on the runtime's end call
   cell_sync_runtime_end first. */
void cell_sync_init (struct cell_sync *s, int sock, const struct cell_sync_shape *shape);
/* The runtime's end: receive the peer's credentials (INIT's pid). */
int cell_sync_runtime_end (int sock, struct cell_error **err);
/* Sends step `type`, which must be the next one and go this way (`from_init`). */
int cell_sync_send (struct cell_sync *s, enum cell_sync_type type, const char *payload, int fd,
                    struct cell_error **err);
/* Receives step `type`, which must be the next one. An ERROR becomes *err with its text; a message of
   another type or step, or EOF, is a protocol error naming both. *payload (NUL-terminated, caller frees),
   *fd (-1 if none) and *pid (the sender's pid in our pid namespace) may be NULL. */
int cell_sync_recv (struct cell_sync *s, enum cell_sync_type type, char **payload, int *fd, pid_t *pid,
                    struct cell_error **err);
/* After READY: waits for EOF (init exec'd, the socket is close-on-exec) or an ERROR from the last steps. */
int cell_sync_wait_exec (struct cell_sync *s, struct cell_error **err);
/* Sends step `type` with `fd` and no payload, and nothing else: no allocation, no system call but the one
   sendmsg (what init does right after loading a seccomp filter whose listener nobody holds yet). */
int cell_sync_send_fd_now (struct cell_sync *s, enum cell_sync_type type, int fd);
/* Init's error, at any point (best effort: the runtime may be gone). */
void cell_sync_fail (int sock, const char *msg);
/* The name of a message type ("MOUNTS_DONE"), for errors and the table in docs/design.md. */
const char *cell_sync_name (enum cell_sync_type type);

#endif
