/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* compiler.h: the sandbox compiler's inside, shared by its option table (args.c) and its driver and
   cross-option checks (compile.c). */
#ifndef CELL_SANDBOX_COMPILER_H
#define CELL_SANDBOX_COMPILER_H

#include <stddef.h>
#include "sandbox.h"

/* The state while argv is read: what bwrap keeps in its opt_* globals until its main decides. */
struct cell_sandbox_compiler
{
  const struct cell_sandbox_input *in;
  struct cell_plan *plan;
  struct cell_plan_sandbox *sb; /* plan->sandbox */
  enum cell_sandbox_action action;
  char **env; /* the environment as edited so far */
  char **warnings;
  bool *seen; /* per table row: given already (for "Only the last ... will take effect") */
  bool unshare[CELL_NS_COUNT];
  bool user_try, cgroup_try;
  long uid, gid;                /* --uid/--gid, -1 = the caller's */
  int next_perms;               /* --perms for the next action, -1 = none */
  unsigned long long next_size; /* --size for the next --tmpfs, 0 = none */
  bool cap_opts_used;
  uint64_t cap_keep, cap_add; /* requested = (base & cap_keep) | cap_add */
  bool seccomp_single;        /* the programs came from --seccomp (not --add-seccomp-fd) */
  bool needs_devpts;          /* --dev: the first user namespace maps root (bwrap) */
  bool become_root;
  char **overlay_lowers;
  char *overlay_upper, *overlay_work;
  size_t *proc_ops; /* indices of --proc ops, settled once the pid namespace is known */
  size_t n_proc_ops, cap_proc_ops;
};

/* CELL_SBO_*: row flags */
#define CELL_SBO_MODIFIER 0x1  /* --perms, --size: modify the next action */
#define CELL_SBO_LAST_WINS 0x2 /* given twice: bwrap warns that only the last takes effect */
#define CELL_SBO_ONE 0x4       /* bwrap says "takes one argument" (not "an argument") */

struct cell_sandbox_opt
{
  struct cell_sandbox_help h;
  int n_args;
  unsigned flags;
  int (*fn) (struct cell_sandbox_compiler *c, const struct cell_sandbox_opt *o, char *const *args,
             struct cell_error **err);
  int ns;       /* --unshare-X: enum cell_ns_type */
  size_t field; /* offset in struct cell_plan_sandbox for the generic fd/flag/string handlers */
};

const struct cell_sandbox_opt *cell_sandbox_lookup (const char *name);
size_t cell_sandbox_opt_index (const struct cell_sandbox_opt *o);
size_t cell_sandbox_n_opts (void);
/* Appends an op with a normalised copy of `dest` (may be NULL). */
struct cell_op *cell_sandbox_add_op (struct cell_sandbox_compiler *c, enum cell_op_kind kind,
                                     const char *dest);
/* The value of `name` in a NULL-terminated environment, or NULL. */
const char *cell_sandbox_env_get (char *const *env, const char *name);

#endif
