/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-internal.h: the cgroup manager's data, its backend vtable and the helpers the backends share. */
#ifndef CELL_CGROUP_INTERNAL_H
#define CELL_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "cgroup.h"

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

struct cell_cgroup;

/* A backend: the parts that differ between the legacy hierarchies and the unified one. Hybrid hosts use
   the v1 backend, which also places processes in the (controller-less) unified directory. */
struct cell_cgroup_ops
{
  /* `devices`: (re)write the device policy (create always does; update only when it carries rules). */
  int (*apply) (struct cell_cgroup *cg, const struct cell_spec_resources *res, bool devices,
                struct cell_error **err);
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
  int clone_dfd; /* pure v2: the leaf, opened by create; else -1 */
};

extern const struct cell_cgroup_ops cell_cgroup_v1_ops;
extern const struct cell_cgroup_ops cell_cgroup_v2_ops;

/* Helpers (cgroup.c). */
struct cell_cgroup_hier *cell_cgroup_find_ctrl (struct cell_cgroup *cg, const char *ctrl);
struct cell_cgroup_hier *cell_cgroup_find_v2 (struct cell_cgroup *cg);
/* Writes `value` to dir/file; the error names the file ("write `10` to `/sys/.../pids.max`"). */
int cell_cgroup_write (const char *dir, const char *file, const char *value, struct cell_error **err);
/* Reads dir/file into a NUL-terminated buffer with the trailing newline removed (*out: caller frees).
   Returns -1 with errno set and no error when the file is missing, so callers can treat ENOENT. */
int cell_cgroup_read (const char *dir, const char *file, char **out, struct cell_error **err);
bool cell_cgroup_file_exists (const char *dir, const char *file);
/* The device rules to enforce: the spec's rules in order, then runc's default allow list appended (so, as
   in runc, a spec rule cannot take the defaults away), normalised: type 'a'/'c'/'b', major/minor -1 for a
   wildcard, access never NULL. Fails on an unknown type or access letter. *out: caller frees. */
int cell_cgroup_device_rules (const struct cell_spec_resources *res, struct cell_spec_device_rule **out,
                              size_t *n, struct cell_error **err);
/* Access string -> bits: 1 mknod, 2 read, 4 write (the BPF_DEVCG_ACC_* values). -1 if invalid. */
int cell_cgroup_device_access (const char *access);
/* Formats one rule as the v1 devices.allow/deny line "c 1:3 rwm". */
void cell_cgroup_device_rule_line (const struct cell_spec_device_rule *r, char *buf, size_t size);

/* Builds and attaches the BPF_CGROUP_DEVICE program for `rules` to the cgroup2 directory `dir`
   (cgroup-v2.c; used by the v2 backend). */
int cell_cgroup_v2_devices (const char *dir, const struct cell_spec_device_rule *rules, size_t n,
                            struct cell_error **err);

#endif
