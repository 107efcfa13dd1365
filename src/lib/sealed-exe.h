/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sealed-exe.h: run the runtime from a sealed memfd copy of itself, so that nothing inside a container can
   ever reach the host's cell binary through /proc/<pid>/exe (CVE-2019-5736; SECURITY.md row 1). */
#ifndef CELL_SEALED_EXE_H
#define CELL_SEALED_EXE_H

#include "error.h"

/* If /proc/self/exe is not already a sealed memfd: copies the binary into a memfd, seals it against
   writes, and re-executes it with the same argv and environment (does not return on success). Returns 0
   when already running sealed, -1 with *err on failure. */
int cell_sealed_exe_ensure (char **argv, struct cell_error **err);

#endif
