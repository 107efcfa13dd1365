/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd.h: the OCI front-end's command table: one function per subcommand, parsing its own flags. */
#ifndef CELL_CMD_H
#define CELL_CMD_H

#include "container.h"
#include "error.h"

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

/* Shared by commands: exactly `n` operands after the flags, else a usage error naming the command. */
int cell_cmd_operands (const char *cmd, int argc, char **argv, int optind_, int n, const char *what,
                       struct cell_error **err);

#endif
