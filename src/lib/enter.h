/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* enter.h: `exec`: a new process in a running (or created) container. It joins every namespace of the
   container's init through its pidfd, its cgroup and root, takes its own identity and capabilities and the
   container's seccomp profile, and execs through the sealed exec stub. */
#ifndef CELL_ENTER_H
#define CELL_ENTER_H

#include <stdbool.h>
#include "container.h"
#include "error.h"

/* What `exec` was asked for: the process comes from --process FILE whole, or from the config's process
   with runc's argv form overrides. */
struct cell_exec_opts
{
  const char *process_file; /* --process (then args and the process flags below are not used) */
  char **args;              /* argv form: the command */
  bool tty;
  const char *cwd;
  char **env;             /* appended to the config's */
  const char *user;       /* "uid[:gid]" */
  char **additional_gids; /* numbers */
  char **caps;            /* added to the bounding, effective and permitted sets (never inheritable) */
  bool no_new_privs;
  const char *apparmor;
  const char *process_label;
  /* how it runs */
  const char *console_socket;
  bool detach;
  const char *pid_file;
  int preserve_fds;
  bool ignore_paused;
  const char *cgroup; /* --cgroup: an existing sub-cgroup ("PATH" or "CONTROLLER:PATH") */
};

/* Runs the process in container `id` and, unless detached, waits for it forwarding signals (and relaying
   its pty without a console socket); *exit_status is its status (128+N for signal N). Bad input is an
   error naming the flag or the process file's JSON pointer, before anything runs. */
int cell_container_exec (struct cell_context *ctx, const char *id, const struct cell_exec_opts *o,
                         int *exit_status, struct cell_error **err);

#endif
