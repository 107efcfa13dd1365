/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* helper.h: what cell-helper's source files share: output conventions and the seccomp subcommands. */
#ifndef CELL_HELPER_H
#define CELL_HELPER_H

/* "EPERM" for EPERM, a decimal number for errnos without a name here (static buffer). */
const char *errname (int e);
/* errno by name ("EXDEV"), or by number; -1 when neither. */
int errno_from_name (const char *name);
/* Prints "KEY=ok", or "KEY=ERRNAME" with errno when rc < 0. */
void report (const char *key, int rc);
/* Prints "cell-helper: WHAT: strerror(errno)" on stderr; returns 1. */
int fail (const char *what);

/* helper-seccomp.c */
int cmd_syscalls (int argc, char **argv);
int cmd_seccomp_agent (int argc, char **argv);
int cmd_seccomp_bpf (int argc, char **argv);
int cmd_fail_syscall (int argc, char **argv);

#endif
