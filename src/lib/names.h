/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* names.h: name tables shared by validation, the compilers and the plan dump: rlimits, mount propagation,
   scheduler policies and flags, memory policy modes and flags, I/O priority classes. */
#ifndef CELL_NAMES_H
#define CELL_NAMES_H

/* "RLIMIT_NOFILE" <-> RLIMIT_NOFILE; -1 / NULL when unknown. */
int cell_rlimit_from_name (const char *name);
const char *cell_rlimit_name (int resource);
/* "rshared" -> MS_SHARED|MS_REC ...; 0 when unknown. */
unsigned long cell_propagation_from_name (const char *name);

/* The process's scheduling (sched_setattr(2)), memory policy (set_mempolicy(2)) and I/O priority class
   (ioprio_set(2)), by their spec names ("SCHED_BATCH", "MPOL_F_STATIC_NODES", "IOPRIO_CLASS_BE"); -1 / NULL
   when unknown. */
int cell_sched_policy_from_name (const char *name);
const char *cell_sched_policy_name (int policy);
int cell_sched_flag_from_name (const char *name);
int cell_mempolicy_mode_from_name (const char *name);
const char *cell_mempolicy_mode_name (int mode);
int cell_mempolicy_flag_from_name (const char *name);
int cell_ioprio_class_from_name (const char *name);
const char *cell_ioprio_class_name (int klass);

#endif
