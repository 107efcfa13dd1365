/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sync.h: the messages between the runtime and the container's init during setup (a SOCK_SEQPACKET
   pair): typed packets with an optional payload (error text, state JSON) and an optional fd. */
#ifndef CELL_SYNC_H
#define CELL_SYNC_H

#include <stddef.h>
#include "error.h"

enum cell_sync_type
{
  CELL_SYNC_GO = 1,      /* parent -> child: ids mapped, cgroups placed: go on */
  CELL_SYNC_MOUNTS_DONE, /* child -> parent: mounts done, before pivot: run prestart/createRuntime */
  CELL_SYNC_HOOKS_DONE,  /* parent -> child: payload = state JSON for container hooks (may be empty) */
  CELL_SYNC_PTY,         /* child -> parent: fd = the pty master */
  CELL_SYNC_PID,         /* child -> parent: payload = decimal pid of init (after a second fork) */
  CELL_SYNC_READY,       /* child -> parent: set up, waiting for start (create) or about to exec (run) */
  CELL_SYNC_ERROR,       /* either way: payload = error message; the sender gives up */
  CELL_SYNC_SECCOMP, /* child -> parent: fd = the seccomp listener (SCMP_ACT_NOTIFY), right after loading */
};

#define CELL_SYNC_MAX (256 * 1024)

int cell_sync_send (int sock, enum cell_sync_type type, const char *payload, int fd, struct cell_error **err);
/* Receives one message; *payload is NUL-terminated and caller-freed (NULL if none); *fd = -1 if none.
   A peer that died yields "container init exited during setup". */
int cell_sync_recv (int sock, enum cell_sync_type *type, char **payload, int *fd, struct cell_error **err);
/* Receives and requires `want`; a CELL_SYNC_ERROR becomes *err with its text. */
int cell_sync_expect (int sock, enum cell_sync_type want, char **payload, int *fd, struct cell_error **err);

#endif
