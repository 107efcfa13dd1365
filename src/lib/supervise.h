/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* supervise.h: the foreground `run`'s wait for its container's init. */
#ifndef CELL_SUPERVISE_H
#define CELL_SUPERVISE_H

#include <sys/types.h>

/* Waits for init (`pid`, `pidfd` if >= 0) while forwarding every signal to it, reaping orphans and, with
   `pty_master` >= 0, relaying it to stdin/stdout (stdin raw when it is a terminal). *wstatus: init's wait
   status; or, with `status_fd` >= 0, what a sandbox reports there first: two bytes, `x` and its command's
   exit code (its pid 1 runs on), or `E` and the exit code of an exec that failed (then returns 1). */
int cell_supervise (pid_t pid, int pidfd, int pty_master, int status_fd, int *wstatus);
/* A wait status as a shell's exit code: the status, or 128+N for signal N (255 for anything else). */
int cell_exit_code (int wstatus);

#endif
