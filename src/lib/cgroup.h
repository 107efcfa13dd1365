/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup.h: the cgroup manager: one interface over v1, v2 and hybrid hosts (detected at run time). */
#ifndef CELL_CGROUP_H
#define CELL_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>
#include "error.h"
#include "spec.h"

enum cell_cgroup_mode
{
  CELL_CGROUP_NONE,   /* --cgroup-manager disabled */
  CELL_CGROUP_V1,     /* legacy (v1 controllers, maybe a name=systemd hierarchy) */
  CELL_CGROUP_HYBRID, /* v1 controllers + a cgroup2 mount at /sys/fs/cgroup/unified */
  CELL_CGROUP_V2,     /* unified */
};

struct cell_cgroup; /* opaque: the container's directories (paths relative to each hierarchy) */

enum cell_cgroup_mode cell_cgroup_detect (void);
/* Computes the container's cgroup. `path`: cgroupsPath from the spec (NULL: "/cell/<id>"; relative
   paths are taken under the runtime's own cgroup, like runc); `systemd`: "slice:prefix:name" form.
   No syscalls but reading /proc/self/cgroup and mountinfo. Rejects ".." escapes. */
int cell_cgroup_new (const char *path, const char *id, bool systemd, enum cell_cgroup_mode mode,
                     struct cell_cgroup **out, struct cell_error **err);
/* mkdir in every hierarchy (remembers which it created, for cleanup on failure). */
int cell_cgroup_create (struct cell_cgroup *cg, struct cell_error **err);
/* The v2 leaf dirfd usable with CLONE_INTO_CGROUP on a pure-v2 host; -1 otherwise. Owned by `cg` (valid
   until cell_cgroup_free / destroy). */
int cell_cgroup_clone_dfd (struct cell_cgroup *cg);
/* Writes pid into cgroup.procs of every hierarchy (those not reached through CLONE_INTO_CGROUP). */
int cell_cgroup_enter (struct cell_cgroup *cg, pid_t pid, struct cell_error **err);
/* Applies linux.resources (device rules at least; other controllers as implemented; unsupported
   values error). The device policy is always written: deny all, the spec's rules in order, then runc's
   default allow list; `res` may be NULL (no linux.resources: only that default device policy). */
int cell_cgroup_apply (struct cell_cgroup *cg, const struct cell_spec_resources *res,
                       struct cell_error **err);
/* For `update`: like apply, but the device policy is left alone unless `res` carries device rules. */
int cell_cgroup_update (struct cell_cgroup *cg, const struct cell_spec_resources *res,
                        struct cell_error **err);
/* Pids in the container's cgroup (caller frees *pids). */
int cell_cgroup_pids (struct cell_cgroup *cg, pid_t **pids, size_t *n, struct cell_error **err);
/* True if any process is left in the container's cgroup or its sub-cgroups (`delete` of a stopped
   container whose init is gone but whose children are not). */
int cell_cgroup_has_processes (struct cell_cgroup *cg, bool *has, struct cell_error **err);
/* Signals every process (freezing around the listing; cgroup.kill for SIGKILL where the kernel has it);
   with SIGKILL also waits (bounded) until the cgroup is empty. */
int cell_cgroup_kill_all (struct cell_cgroup *cg, int sig, struct cell_error **err);
int cell_cgroup_freeze (struct cell_cgroup *cg, bool frozen, struct cell_error **err);
bool cell_cgroup_is_frozen (struct cell_cgroup *cg);
/* Kills what is left (SIGKILL, thawing first), waits for it to be empty, then rmdirs every directory
   the container owns. Missing directories are fine. */
int cell_cgroup_destroy (struct cell_cgroup *cg, struct cell_error **err);
/* Serialised form for state.json and back (a single string: mode + path). */
char *cell_cgroup_serialize (const struct cell_cgroup *cg);
int cell_cgroup_deserialize (const char *s, struct cell_cgroup **out, struct cell_error **err);
void cell_cgroup_free (struct cell_cgroup *cg);

#endif
