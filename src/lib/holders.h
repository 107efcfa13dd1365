/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* holders.h: which processes hold the listening unix socket bound at a file, as the kernel says (never a pid
   read from a file that may have been changed). */
#ifndef CELL_HOLDERS_H
#define CELL_HOLDERS_H

#include <stddef.h>
#include <sys/types.h>
#include "error.h"

struct cell_holder
{
  pid_t pid;
  int pidfd; /* pins the process: signal it through this, never through the pid */
};

/* The processes holding the listening unix socket bound at dfd/name, without connecting to it (whoever
   listens may act on any connection). The socket comes from sock_diag (NETLINK_SOCK_DIAG, UNIX_DIAG with
   UDIAG_SHOW_VFS: the socket bound to that file's device and inode), the processes from /proc/PID/fd links
   `socket:[INO]`; each is then pinned by a pidfd and its fd checked again, so a pid reused meanwhile is never
   returned. The caller's own network namespace is asked (where `create` bound it) and only processes its
   /proc shows are found; a thread that unshared its fd table is not looked at. 0 with *n = 0 when the file
   does not exist or no listening socket is bound to it any more. *out: free with cell_holders_free. */
int cell_holders_find (int dfd, const char *name, struct cell_holder **out, size_t *n,
                       struct cell_error **err);
void cell_holders_free (struct cell_holder *h, size_t n);

#endif
