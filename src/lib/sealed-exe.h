/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sealed-exe.h: run the runtime from a sealed memfd copy of itself, so that nothing inside a container can
   ever reach the host's cell binary through /proc/<pid>/exe (CVE-2019-5736; SECURITY.md row 1). */
#ifndef CELL_SEALED_EXE_H
#define CELL_SEALED_EXE_H

#include <stdbool.h>
#include "error.h"

/* If /proc/self/exe is not already a sealed memfd: copies the binary into a memfd, seals it against
   writes, and re-executes it with the same argv and environment (does not return on success). Returns 0
   when already running sealed, -1 with *err on failure. */
int cell_sealed_exe_ensure (char **argv, struct cell_error **err);

/* The cheaper way, for containers where nothing untrusted can reach init before it execs (its own new pid
   namespace, no hooks run inside the container, no seccomp filter that could refuse execveat): init stays
   the host binary until its last step, then execs the container's process through the exec stub
   (src/stub/exec-stub.c) from a sealed memfd, so /proc/self/exe is never the host binary once the
   container's code runs. False when this build has no stub for the architecture. */
bool cell_exec_stub_built (void);
/* A sealed, executable memfd (O_CLOEXEC) holding the exec stub; -1 with *err on failure. */
int cell_exec_stub_open (struct cell_error **err);
/* execveat(stub_fd) with argv PATH ARGS...; `sync_fd` (>= 0), the setup socket, stays open until PATH's own
   exec, so that its EOF tells the runtime the process runs. Returns only on failure (errno set). */
void cell_exec_stub_exec (int stub_fd, int sync_fd, const char *path, char *const *args, char *const *env);
/* A sandbox's end: execveat(stub_fd) so that the stub, with `reap`, forks PATH as pid 1 does: forwards
   signals to it, reaps every child and exits with PATH's status once none is left; `status_fd` (>= 0) gets
   `x` and that status as soon as PATH itself ends. Without `reap` the stub execs PATH in place. Either way
   a failed exec of PATH writes `E` and its exit code to `status_fd`. `die_with_parent`: PATH gets
   PR_SET_PDEATHSIG; `bwrap`: exec failures in bwrap's words; `close_fds` (-1 terminated, may be NULL): fds
   the child closes. Returns only on failure. */
void cell_exec_stub_sandbox (int stub_fd, bool reap, bool die_with_parent, bool bwrap, int status_fd,
                             const int *close_fds, const char *path, char *const *args, char *const *env);
/* A created container's end: execveat(stub_fd) so that the stub waits for `start` on the listening socket
   `start_sock` (made inheritable here), then execs PATH ("" for no process); returns only on failure. */
void cell_exec_stub_wait (int stub_fd, int start_sock, const char *path, char *const *args, char *const *env);

#endif
