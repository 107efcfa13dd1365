/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fd-util.h: fd plumbing: closing every fd but a kept range, passing fds over unix sockets, full reads. */
#ifndef CELL_FD_UTIL_H
#define CELL_FD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "error.h"

/* Closes (or marks close-on-exec: `cloexec`) every fd >= `from`. */
int cell_close_from (int from, bool cloexec);
/* Closes every fd >= `from` except those in keep[0..n) (any order; negative entries ignored). */
int cell_close_all_except (int from, const int *keep, size_t n);
/* Closes every fd >= 3 that is close-on-exec, except those in keep[0..n): the process's own, where what
   its caller handed it is inheritable (a sandbox passes those on, as bwrap does). */
int cell_close_own (const int *keep, size_t n);
/* Sends buf[0..len) over a unix socket, with `fd` as SCM_RIGHTS when >= 0; -1 with errno on failure. */
int cell_sendmsg_fd (int sock, const void *buf, size_t len, int fd);
/* Opens dfd/path (O_WRONLY|O_CLOEXEC|oflags), writes all of buf, closes; -1 with errno on failure. */
int cell_write_file_at (int dfd, const char *path, int oflags, const void *buf, size_t len);

#endif
