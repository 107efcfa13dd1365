/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sandbox-init.h: init's steps that only a sandbox plan (bwrap's command line) asks for, called by spawn.c
   at their place in the order: namespaces given as fds, the nested user namespace after the root switch,
   and the process's bwrap details (working directory fallbacks, argv0, pack-fds, lock files, block fd). */
#ifndef CELL_SANDBOX_INIT_H
#define CELL_SANDBOX_INIT_H

#include "error.h"
#include "macros.h"
#include "plan.h"

/* --userns FD and --pidns FD: joined before init makes its other namespaces. */
int cell_sandbox_init_join (const struct cell_plan_sandbox *sb, struct cell_error **err);
/* --pidns FD with --unshare-pid, in the child of the fork into the joined pid namespace: a new one inside
   it, and one more fork (the caller exits there, its child goes on as init). Nothing otherwise. */
int cell_sandbox_init_nested_pidns (const struct cell_plan *plan, struct cell_error **err);
/* After the root switch: loopback up in a new network namespace, the nested user namespace (its maps written
   through the sandbox's procfs `proc_dfd`), --disable-userns, --userns2 FD, --assert-userns-disabled. */
int cell_sandbox_init_after_root (const struct cell_plan *plan, int proc_dfd, struct cell_error **err);

/* Before its setup: closes what only the runtime uses (info, json-status and userns-block fds). */
void cell_sandbox_init_start (const struct cell_plan_sandbox *sb);

/* The process as the sandbox runs it: a copy of the plan's with its own environment and argv, and what init
   keeps open for it. */
struct cell_sandbox_proc
{
  struct cell_plan_process p; /* shallow copy of the plan's; args, env, cwd and groups are owned here */
  char *exe;                  /* args[0] looked up along the sandbox's PATH (argv0 may differ) */
  int lock_fds[65];           /* -1 terminated: the lock files pid 1 holds */
  int sync_fd;                /* --sync-fd, which pid 1 holds (--pack-fds may move it), or -1 */
};
/* Before the identity switch, once init has closed its setup's fds (--pack-fds renumbers all the others):
   the fds of --file, --bind-data and --bind-fd closed, --block-fd, the working directory (--chdir, else the
   caller's, $HOME, then /; PWD set), the lock files, the command looked up, argv0, --pack-fds,
   --new-session, and outside a user namespace the caller's supplementary groups kept. */
int cell_sandbox_init_process (const struct cell_plan *plan, struct cell_sandbox_proc *sp,
                               struct cell_error **err);
/* The end: as pid 1 itself (--as-pid-1, or no new pid namespace) exec the command; else exec the stub
   (`stub_fd`) as a reaping pid 1 that forks it and reports its status on `status_fd`. Never returns: a
   failed exec says so on stderr in bwrap's words (exit 1) or cell's (127 not found, 126 otherwise). */
NORETURN void cell_sandbox_init_exec (const struct cell_plan *plan, struct cell_sandbox_proc *sp, int stub_fd,
                                      int status_fd);

#endif
