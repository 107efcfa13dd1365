/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fsop-internal.h: what fsop.c and fsop-sandbox.c (init's operations) share. */
#ifndef CELL_FSOP_INTERNAL_H
#define CELL_FSOP_INTERNAL_H

#include "fsop.h"

/* Cuts the propagation of a new mount namespace's mounts from the host's (slaves, or private). */
int cell_fsop_isolate (struct cell_fsop_ctx *ctx, struct cell_error **err);
/* An op's source: in the new root (+PATH), in the host's root (a sandbox's /oldroot), or a host path. */
int cell_fsop_open_source (struct cell_fsop_ctx *ctx, const struct cell_op *op, int flags);
/* --bind-fd's source: the fd's path (*path, caller frees), opened again where host paths resolve. */
int cell_fsop_open_source_fd (struct cell_fsop_ctx *ctx, const struct cell_op *op, char **path,
                              struct cell_error **err);
int cell_fsop_root_tmpfs (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err);
int cell_fsop_chmod (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err);
int cell_fsop_file (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err);
int cell_fsop_bind_data (struct cell_fsop_ctx *ctx, const struct cell_op *op, struct cell_error **err);
/* An overlay's options with its host layers moved under the sandbox's /oldroot (caller frees). */
char *cell_fsop_host_layers (const struct cell_fsop_ctx *ctx, const char *data);

#endif
