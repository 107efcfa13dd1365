/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-internal.h: the cgroup manager's data, its backend vtable and the helpers its files share. */
#ifndef CELL_CGROUP_INTERNAL_H
#define CELL_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "cgroup.h"

#define CELL_CGROUP_ROOT "/sys/fs/cgroup"

/* One mounted hierarchy the container has a directory in. */
struct cell_cgroup_hier
{
  char *name;   /* basename of the mount point: "memory", "cpu,cpuacct", "systemd", "unified" (key in the
                   serialised form) */
  char *mount;  /* "/sys/fs/cgroup/memory" */
  char *rel;    /* the container's directory relative to the mount point, absolute form: "/cell/foo" */
  char *dir;    /* mount + rel */
  char **ctrls; /* v1 controllers of the hierarchy ("cpu", "cpuacct", "name=systemd"); NULL for cgroup2 */
  bool v2;
  int created; /* how many trailing components of `rel` cell_cgroup_create made (cleanup removes those) */
};

/* A backend: the process-level parts that differ between the legacy hierarchies and the unified one
   (resources go through one path for both: cgroup-resources.c). Hybrid hosts use the v1 backend, which
   also places processes in the (controller-less) unified directory. */
struct cell_cgroup_ops
{
  int (*freeze) (struct cell_cgroup *cg, bool frozen, struct cell_error **err);
  bool (*is_frozen) (struct cell_cgroup *cg);
  /* The directory whose cgroup.procs (recursively) lists the container's processes. */
  struct cell_cgroup_hier *(*procs_hier) (struct cell_cgroup *cg);
  /* Kills everything at once if the kernel can (cgroup.kill); 1 done, 0 not available, <0 error. */
  int (*kill_fast) (struct cell_cgroup *cg, int sig, struct cell_error **err);
};

struct cell_cgroup
{
  enum cell_cgroup_mode mode;
  const struct cell_cgroup_ops *ops;
  struct cell_cgroup_hier *h;
  size_t n_h;
  int clone_dfd;   /* pure v2: the leaf, opened by create; else -1 */
  bool no_devices; /* a rootless runtime's delegated cgroup: no device policy (the devices controller and
                      BPF_CGROUP_DEVICE need the initial user namespace's CAP_SYS_ADMIN; runc skips it too) */
  bool borrowed;   /* h[i].name, mount and ctrls are the remembered table's (cell_cgroup_remember_mounts):
                      cell_cgroup_free leaves them */
};

extern const struct cell_cgroup_ops cell_cgroup_v1_ops;
extern const struct cell_cgroup_ops cell_cgroup_v2_ops;

/* ---- cgroup-util.c: helpers ---- */

/* The one monotonic clock (milliseconds) and sleep (restarted on EINTR) of the manager's timeouts. */
long long cell_cgroup_now_ms (void);
void cell_cgroup_sleep_ms (long ms);
/* Writes `value` to dir/file (O_TRUNC, so that a scratch test tree keeps the last value); the error
   names the value and the file ("write `10` to `/sys/.../pids.max`") and carries the errno. */
int cell_cgroup_write (const char *dir, const char *file, const char *value, struct cell_error **err);
/* The same without an error object: 0 or -errno (for callers that decide by errno). */
int cell_cgroup_write_raw (const char *dir, const char *file, const char *value);
/* Result of cell_cgroup_read when the file does not exist (ENOENT, or ENODEV from a file whose
   controller went away): *out is NULL and no error is set. */
#define CELL_CGROUP_MISSING 1
/* Reads dir/file into a NUL-terminated buffer with trailing newlines removed (*out: caller frees).
   0 on success, CELL_CGROUP_MISSING when the file does not exist, <0 with an error otherwise. */
int cell_cgroup_read (const char *dir, const char *file, char **out, struct cell_error **err);
/* Reads a single unsigned number ("max" reads as UINT64_MAX). 0, CELL_CGROUP_MISSING, or <0 with an
   error (unparseable content included). */
int cell_cgroup_read_u64 (const char *dir, const char *file, uint64_t *out, struct cell_error **err);
/* The value of `key` in a flat-keyed file ("key value" lines: memory.stat, cpu.stat, memory.events):
   0, CELL_CGROUP_MISSING (file or key absent), or <0 with an error. */
int cell_cgroup_read_key (const char *dir, const char *file, const char *key, uint64_t *out,
                          struct cell_error **err);
bool cell_cgroup_file_exists (const char *dir, const char *file);
/* Splits s at any of `sep` (empty tokens dropped). Caller frees (cell_strv_free). */
char **cell_cgroup_split (const char *s, const char *sep);
struct cell_cgroup_hier *cell_cgroup_find_ctrl (struct cell_cgroup *cg, const char *ctrl);
struct cell_cgroup_hier *cell_cgroup_find_v2 (struct cell_cgroup *cg);
/* True when the cgroup2 hierarchy `h` offers controller `ctrl` (its root's cgroup.controllers). */
bool cell_cgroup_v2_has_ctrl (const struct cell_cgroup_hier *h, const char *ctrl);
/* Enables `ctrl` in cgroup.subtree_control of every ancestor of h->dir below and including the mount
   point, so that the controller's files appear in h->dir (cgroup-v2.rst "Enabling and Disabling"). */
int cell_cgroup_v2_enable (const struct cell_cgroup_hier *h, const char *ctrl, struct cell_error **err);
/* Where controller `ctrl` lives for this container: a v1 hierarchy holding it, else (hybrid, v2) the
   cgroup2 hierarchy if it offers it (enabled on the path first). NULL when the host has it nowhere
   (no error set) or enabling it failed (error set). *v2 says which file layout applies. */
struct cell_cgroup_hier *cell_cgroup_locate (struct cell_cgroup *cg, const char *ctrl, bool *v2,
                                             struct cell_error **err);
void cell_cgroup_hier_clear (struct cell_cgroup_hier *h);
struct cell_cgroup *cell_cgroup_alloc (enum cell_cgroup_mode mode);

/* ---- cgroup-paths.c: hierarchies ---- */

extern const char *const cell_cgroup_mode_names[];
/* The mounted hierarchies for `mode`: from /proc/self/mountinfo (`root` NULL), or, for tests, the
   subdirectories of `root` (v2: `root` itself). `rel` is left NULL. *roots_out (may be NULL): each
   hierarchy's mount root field. */
int cell_cgroup_discover (const char *root, enum cell_cgroup_mode mode, struct cell_cgroup_hier **out,
                          size_t *n_out, char ***roots_out, struct cell_error **err);
/* The same into cg->h for cg->mode; while the mounts are remembered (and `root` is NULL) the hierarchies
   borrow the remembered table's strings instead of copying them (cg->borrowed). */
int cell_cgroup_discover_into (struct cell_cgroup *cg, const char *root, struct cell_error **err);

/* ---- cgroup-devices.c ---- */

/* The device rules to enforce: the spec's rules in order, then runc's default allow list appended (so, as
   in runc, a spec rule cannot take the defaults away), normalised: type 'a'/'c'/'b', major/minor -1 for a
   wildcard, access never NULL. Fails on an unknown type or access letter. *out: caller frees. */
int cell_cgroup_device_rules (const struct cell_spec_resources *res, struct cell_spec_device_rule **out,
                              size_t *n, struct cell_error **err);
/* Access string -> bits: 1 mknod, 2 read, 4 write (the BPF_DEVCG_ACC_* values). -1 if invalid. */
int cell_cgroup_device_access (const char *access);
/* Formats one rule as the v1 devices.allow/deny line "c 1:3 rwm". */
void cell_cgroup_device_rule_line (const struct cell_spec_device_rule *r, char *buf, size_t size);
/* Writes the device policy: v1 devices.deny/allow lines in order, or (cgroup2) the BPF_CGROUP_DEVICE
   program replacing any earlier one. */
int cell_cgroup_devices_apply (struct cell_cgroup *cg, const struct cell_spec_resources *res,
                               struct cell_error **err);

/* ---- cgroup-resources.c ---- */

/* Applies every linux.resources field (devices when `devices`). `update`: the checks only an update
   needs (memory.checkBeforeUpdate, a lone cpu period or swap completed from the live values). */
int cell_cgroup_resources_apply (struct cell_cgroup *cg, const struct cell_spec_resources *res, bool devices,
                                 bool update, struct cell_error **err);

#endif
