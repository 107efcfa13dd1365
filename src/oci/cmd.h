/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd.h: the OCI front-end's command table: one function per subcommand, parsing its own flags. */
#ifndef CELL_CMD_H
#define CELL_CMD_H

#include <getopt.h>
#include "container.h"
#include "error.h"

/* One flag of a command: getopt_long's entry and its help. These tables are the only list of a command's
   flags: the command's parser, `cell COMMAND --help` and, through that, the man page and the completion
   test (tests/integration/cli.sh) read them. A table ends with an entry whose name is NULL. */
struct cell_cmd_flag
{
  const char *name;
  int has_arg;      /* no_argument or required_argument */
  int val;          /* what getopt_long returns: the short option's letter, or a code >= 256 */
  const char *arg;  /* the argument's name in help ("DIR"); NULL without an argument */
  const char *help; /* one line */
};
/* getopt_long's table for `flags` (caller frees). */
struct option *cell_cmd_options (const struct cell_cmd_flag *flags);
/* getopt_long's short option string for `flags` ("+" then each letter, with ':' when it takes an
   argument; caller frees). */
char *cell_cmd_shortopts (const struct cell_cmd_flag *flags);

/* Each returns the process exit status; errors are set in *err (printed by main) with status 1. */
typedef int (*cell_cmd_fn) (struct cell_context *ctx, int argc, char **argv, struct cell_error **err);

int cell_cmd_create (struct cell_context *ctx, int argc, char **argv, struct cell_error **err);
int cell_cmd_start (struct cell_context *ctx, int argc, char **argv, struct cell_error **err);
int cell_cmd_run (struct cell_context *ctx, int argc, char **argv, struct cell_error **err);
int cell_cmd_kill (struct cell_context *ctx, int argc, char **argv, struct cell_error **err);
int cell_cmd_delete (struct cell_context *ctx, int argc, char **argv, struct cell_error **err);
int cell_cmd_state (struct cell_context *ctx, int argc, char **argv, struct cell_error **err);
int cell_cmd_list (struct cell_context *ctx, int argc, char **argv, struct cell_error **err);
int cell_cmd_features (struct cell_context *ctx, int argc, char **argv, struct cell_error **err);
int cell_cmd_exec (struct cell_context *ctx, int argc, char **argv, struct cell_error **err);
int cell_cmd_snapshot (struct cell_context *ctx, int argc, char **argv, struct cell_error **err);
int cell_cmd_spec (struct cell_context *ctx, int argc, char **argv, struct cell_error **err);
int cell_cmd_ps (struct cell_context *ctx, int argc, char **argv, struct cell_error **err);
int cell_cmd_pause (struct cell_context *ctx, int argc, char **argv, struct cell_error **err);
int cell_cmd_resume (struct cell_context *ctx, int argc, char **argv, struct cell_error **err);
int cell_cmd_update (struct cell_context *ctx, int argc, char **argv, struct cell_error **err);
int cell_cmd_events (struct cell_context *ctx, int argc, char **argv, struct cell_error **err);
/* src/sandbox/main.c: bwrap's command line; prints its own errors (err stays NULL). */
int cell_cmd_sandbox (struct cell_context *ctx, int argc, char **argv, struct cell_error **err);

/* Each command's flag table (the ones that have flags). */
const struct cell_cmd_flag *cell_cmd_create_flags (void);
const struct cell_cmd_flag *cell_cmd_run_flags (void);
const struct cell_cmd_flag *cell_cmd_kill_flags (void);
const struct cell_cmd_flag *cell_cmd_delete_flags (void);
const struct cell_cmd_flag *cell_cmd_list_flags (void);
const struct cell_cmd_flag *cell_cmd_exec_flags (void);
const struct cell_cmd_flag *cell_cmd_spec_flags (void);
const struct cell_cmd_flag *cell_cmd_ps_flags (void);
const struct cell_cmd_flag *cell_cmd_update_flags (void);
const struct cell_cmd_flag *cell_cmd_events_flags (void);
const struct cell_cmd_flag *cell_cmd_snapshot_flags (void);

/* Shared by commands: exactly `n` operands after the flags, else a usage error naming the command. */
int cell_cmd_operands (const char *cmd, int argc, char **argv, int optind_, int n, const char *what,
                       struct cell_error **err);

#endif
