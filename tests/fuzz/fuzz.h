/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz.h: what the libFuzzer targets share: the entry point, a NUL-terminated copy of the input, a check
   that aborts with a message (a finding), and the guard that keeps the code under test off the
   filesystem. */
#ifndef CELL_FUZZ_H
#define CELL_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Runs fn (arg) on a thread that may not touch the filesystem (x86_64: a per-thread seccomp filter traps
   open, stat, mkdir, mount, execve, ... and forwards them to an unconfined thread, so behaviour does not
   change); when fn made any such call, aborts naming `what` and the system call, which libFuzzer reports
   as a crash with the input. CELL_FUZZ_NO_GUARD=1 in the environment runs fn directly (reproducing a
   crash with a symbolized stack: the symbolizer is a subprocess the guard would stop). */
void cell_fuzz_guarded (const char *what, void (*fn) (void *), void *arg);

/* The input as a NUL-terminated string (caller frees). */
char *cell_fuzz_strndup (const uint8_t *data, size_t size);

static inline bool
cell_fuzz_prefixed (const char *s, const char *prefix)
{
  return s != NULL && strncmp (s, prefix, strlen (prefix)) == 0;
}

/* An invariant of the code under test: aborts with the message when `ok` is false. */
void cell_fuzz_check (bool ok, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

#endif
