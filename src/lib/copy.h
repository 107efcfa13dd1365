/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* copy.h: copying a directory tree between two directory fds with modes, owners, times and xattrs (a tmpfs
   that starts with what the image had at its mount point: podman's tmpcopyup). */
#ifndef CELL_COPY_H
#define CELL_COPY_H

#include "error.h"

/* Copies the contents of `src_dfd` into `dst_dfd` (both directories; dst's own mode, owner and xattrs
   become src's): regular files, directories, symlinks, device nodes and fifos, recursively, never following
   a symlink; sockets are skipped. `what` names the copy in errors. */
int cell_copy_tree (int src_dfd, int dst_dfd, const char *what, struct cell_error **err);

#endif
