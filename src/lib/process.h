/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* process.h: the last steps in init before execve: the executable looked up in the container, limits,
   identity, capabilities, no_new_privs, seccomp, fds, and the exec itself. */
#ifndef CELL_PROCESS_H
#define CELL_PROCESS_H

#include "error.h"
#include "plan.h"
#include "seccomp.h"

/* args[0] resolved against the process env's PATH inside the (pivoted) root; checked executable.
   Errors keep the words clients map to exit codes ("executable file not found in $PATH",
   "permission denied"). Caller frees *path. */
int cell_process_find_exec (const struct cell_plan_process *p, char **path, struct cell_error **err);
/* Things that need privileges, in this order: the session keyring, rlimits, oom_score_adj (through the
   container's verified procfs `proc_dfd`, or the host's /proc checked when -1), personality, I/O priority,
   scheduler, memory policy, and the AppArmor profile / SELinux label the execve takes. Errors name the
   setting and its values. */
int cell_process_setup_limits (const struct cell_plan *plan, int proc_dfd, struct cell_error **err);
/* sched_setaffinity of the caller to `cpus` ("0-3,7"; NULL: nothing), errors prefixed with `what`. */
int cell_process_set_affinity (const char *cpus, const char *what, struct cell_error **err);
/* chdir(cwd) (checked to be inside the root), groups, gid, uid, capability sets, umask, no_new_privs, and
   seccomp at the last possible point. `seccomp` must not have SCMP_ACT_NOTIFY rules (spawn.c loads those
   earlier, while the runtime still listens for the listener). */
int cell_process_setup_identity (const struct cell_plan_process *p, struct cell_seccomp *seccomp,
                                 struct cell_error **err);
/* Marks every fd >= 3 + preserve_fds close-on-exec (none with a negative count: a sandbox passes on what its
   caller gave it) and execs `path` (through the exec stub `stub_fd` when >= 0, which keeps `sync_fd`, the
   setup socket, open until the process's own exec); returns only on failure, with the words clients map to
   exit codes 126/127. */
int cell_process_exec (const struct cell_plan_process *p, const char *path, int preserve_fds, int stub_fd,
                       int sync_fd, struct cell_error **err);
/* create's end: waits until `start` connects to `start_sock`, then execs `path` (NULL: no process). With
   `stub_fd` the exec stub does the waiting (this returns only if the stub could not be exec'd); without,
   the runtime waits itself, runs the startContainer hooks (`hook_json` on their stdin) and execs, and any
   error goes to `start` over its connection (never returns). */
int cell_process_wait_start (const struct cell_plan *plan, const char *path, int start_sock, int preserve_fds,
                             int stub_fd, const char *hook_json, struct cell_error **err);

#endif
