/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* terminal.h: the container's pty: opened from the container's own devpts, master passed to the caller
   (console socket, as runc and conmon expect), slave made the controlling terminal of init. */
#ifndef CELL_TERMINAL_H
#define CELL_TERMINAL_H

#include "error.h"

/* Opens a new pty through `ptmx_fd`-relative path "ptmx" semantics: `root_dfd` is the container root, the
   pty comes from its /dev/ptmx (the container's devpts instance). *slave is opened with TIOCGPTPEER
   (no path lookup, so a swapped /dev/pts/N cannot redirect it). */
int cell_pty_open (int root_dfd, int *master, int *slave, struct cell_error **err);
/* Sends the master over a connected unix socket with SCM_RIGHTS, the pty name as data (runc's format). */
int cell_console_send (int sock, int master, struct cell_error **err);
/* In init: new session, `slave` as controlling terminal and stdin/stdout/stderr; sets the window size
   when rows/cols are non-zero. */
int cell_pty_make_controlling (int slave, unsigned short rows, unsigned short cols, struct cell_error **err);

#endif
