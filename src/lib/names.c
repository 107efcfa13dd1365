/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* names.c: the name tables of rlimits, mount propagation, scheduler policies and flags, memory policies and
   flags, and I/O priority classes. */
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include "names.h"
#include "macros.h"

static const struct
{
  const char *name;
  int resource;
} rlimits[] = {
  { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_CORE", RLIMIT_CORE },
  { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_DATA", RLIMIT_DATA },
  { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_NPROC", RLIMIT_NPROC },
  { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
  { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_STACK", RLIMIT_STACK },
};

int
cell_rlimit_from_name (const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE (rlimits); i++)
    if (streq (rlimits[i].name, name))
      return rlimits[i].resource;
  return -1;
}

const char *
cell_rlimit_name (int resource)
{
  for (size_t i = 0; i < ARRAY_SIZE (rlimits); i++)
    if (rlimits[i].resource == resource)
      return rlimits[i].name;
  return NULL;
}

unsigned long
cell_propagation_from_name (const char *name)
{
  static const struct
  {
    const char *name;
    unsigned long flags;
  } t[] = {
    { "shared", MS_SHARED },
    { "slave", MS_SLAVE },
    { "private", MS_PRIVATE },
    { "unbindable", MS_UNBINDABLE },
    { "rshared", MS_SHARED | MS_REC },
    { "rslave", MS_SLAVE | MS_REC },
    { "rprivate", MS_PRIVATE | MS_REC },
    { "runbindable", MS_UNBINDABLE | MS_REC },
  };
  for (size_t i = 0; i < ARRAY_SIZE (t); i++)
    if (streq (name, t[i].name))
      return t[i].flags;
  return 0;
}

/* ---- the process's scheduling, memory policy and I/O priority (values of the kernel's uapi) ---- */

struct named
{
  const char *name;
  int value;
};

static int
lookup (const struct named *t, size_t n, const char *name)
{
  for (size_t i = 0; i < n; i++)
    if (streq (t[i].name, name))
      return t[i].value;
  return -1;
}

static const char *
name_of (const struct named *t, size_t n, int value)
{
  for (size_t i = 0; i < n; i++)
    if (t[i].value == value)
      return t[i].name;
  return NULL;
}

/* linux/sched.h (SCHED_ISO was never merged: not here) */
static const struct named sched_policies[] = {
  { "SCHED_OTHER", 0 }, { "SCHED_FIFO", 1 }, { "SCHED_RR", 2 },
  { "SCHED_BATCH", 3 }, { "SCHED_IDLE", 5 }, { "SCHED_DEADLINE", 6 },
};
static const struct named sched_flags[] = {
  { "SCHED_FLAG_RESET_ON_FORK", 0x01 },  { "SCHED_FLAG_RECLAIM", 0x02 },
  { "SCHED_FLAG_DL_OVERRUN", 0x04 },     { "SCHED_FLAG_KEEP_POLICY", 0x08 },
  { "SCHED_FLAG_KEEP_PARAMS", 0x10 },    { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
  { "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
};
/* linux/mempolicy.h (MPOL_WEIGHTED_INTERLEAVE: Linux 6.9) */
static const struct named mempolicy_modes[] = {
  { "MPOL_DEFAULT", 0 },
  { "MPOL_PREFERRED", 1 },
  { "MPOL_BIND", 2 },
  { "MPOL_INTERLEAVE", 3 },
  { "MPOL_LOCAL", 4 },
  { "MPOL_PREFERRED_MANY", 5 },
  { "MPOL_WEIGHTED_INTERLEAVE", 6 },
};
static const struct named mempolicy_flags[] = {
  { "MPOL_F_STATIC_NODES", 1 << 15 },
  { "MPOL_F_RELATIVE_NODES", 1 << 14 },
  { "MPOL_F_NUMA_BALANCING", 1 << 13 },
};
/* linux/ioprio.h */
static const struct named ioprio_classes[] = {
  { "IOPRIO_CLASS_RT", 1 },
  { "IOPRIO_CLASS_BE", 2 },
  { "IOPRIO_CLASS_IDLE", 3 },
};

int
cell_sched_policy_from_name (const char *name)
{
  return lookup (sched_policies, ARRAY_SIZE (sched_policies), name);
}

const char *
cell_sched_policy_name (int policy)
{
  return name_of (sched_policies, ARRAY_SIZE (sched_policies), policy);
}

int
cell_sched_flag_from_name (const char *name)
{
  return lookup (sched_flags, ARRAY_SIZE (sched_flags), name);
}

int
cell_mempolicy_mode_from_name (const char *name)
{
  return lookup (mempolicy_modes, ARRAY_SIZE (mempolicy_modes), name);
}

const char *
cell_mempolicy_mode_name (int mode)
{
  return name_of (mempolicy_modes, ARRAY_SIZE (mempolicy_modes), mode);
}

int
cell_mempolicy_flag_from_name (const char *name)
{
  return lookup (mempolicy_flags, ARRAY_SIZE (mempolicy_flags), name);
}

int
cell_ioprio_class_from_name (const char *name)
{
  return lookup (ioprio_classes, ARRAY_SIZE (ioprio_classes), name);
}

const char *
cell_ioprio_class_name (int klass)
{
  return name_of (ioprio_classes, ARRAY_SIZE (ioprio_classes), klass);
}
