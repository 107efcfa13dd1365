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
/* Sends `fd` (with one byte `tag`) over a unix socket with SCM_RIGHTS. */
int cell_send_fd (int sock, int fd, char tag, struct cell_error **err);
/* Receives one fd (-1 if the message carried none) and its tag byte. */
int cell_recv_fd (int sock, int *fd, char *tag, struct cell_error **err);
ssize_t cell_write_all (int fd, const void *buf, size_t len);

#endif
