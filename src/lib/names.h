/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* names.h: name tables shared by validation, the compilers and the plan dump: rlimits and mount
   propagation. */
#ifndef CELL_NAMES_H
#define CELL_NAMES_H

/* "RLIMIT_NOFILE" <-> RLIMIT_NOFILE; -1 / NULL when unknown. */
int cell_rlimit_from_name (const char *name);
const char *cell_rlimit_name (int resource);
/* "rshared" -> MS_SHARED|MS_REC ...; 0 when unknown. */
unsigned long cell_propagation_from_name (const char *name);

#endif
