/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seccomp.h: linux.seccomp compiled with libseccomp before anything is created, loaded in init. */
#ifndef CELL_SECCOMP_H
#define CELL_SECCOMP_H

#include "error.h"
#include "spec.h"

struct cell_seccomp; /* a compiled filter */

/* NULL-terminated names of the actions, argument operators and filter flags the compiler accepts. */
extern const char *const cell_seccomp_actions[];
extern const char *const cell_seccomp_operators[];
extern const char *const cell_seccomp_flags[];

/* Compiles and checks every action, architecture, flag and argument operator (errors name the JSON path
   under `display`, e.g. "config.json: /linux/seccomp/syscalls/3/action: unknown action `SCMP_ACT_FOO`").
   Unknown syscall names are skipped (the kernel or libseccomp may not know them), as runc and crun do. */
int cell_seccomp_compile (const struct cell_spec_seccomp *s, const char *display, struct cell_seccomp **out,
                          struct cell_error **err);
/* Loads the filter into the calling thread (needs no_new_privs or CAP_SYS_ADMIN). */
int cell_seccomp_load (struct cell_seccomp *f, struct cell_error **err);
void cell_seccomp_free (struct cell_seccomp *f);

#endif
