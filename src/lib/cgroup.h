/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup.h: the cgroup manager: one interface over v1, v2 and hybrid hosts (detected at run time). */
#ifndef CELL_CGROUP_H
#define CELL_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>
#include "error.h"
#include "mount.h"
#include <stdint.h>
#include "resources.h"

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
/* For tests: the same over a scratch tree laid out like /sys/fs/cgroup instead of the mounted
   hierarchies: `root` is the cgroup2 hierarchy (CELL_CGROUP_V2), or holds one directory per v1
   hierarchy named by its controllers ("memory", "cpu,cpuacct"; "unified" is the cgroup2 one on
   CELL_CGROUP_HYBRID). `path` must be absolute. Everything else (create, apply, stats, destroy) works
   on it unchanged. */
int cell_cgroup_new_at (const char *root, const char *path, const char *id, bool systemd,
                        enum cell_cgroup_mode mode, struct cell_cgroup **out, struct cell_error **err);
/* Can we make and fill the container's cgroup in every hierarchy (the deepest existing directory of each is
   writable by us)? A rootless runtime has cgroups only where they were delegated to it. Otherwise
   *not_writable (caller frees) names the first directory that is not. Reads only. */
bool cell_cgroup_delegated (const struct cell_cgroup *cg, char **not_writable);
/* For a rootless runtime: keeps *cg when it was delegated (without a device policy, which needs the initial
   user namespace's privileges; the container's devices are binds in its user namespace); otherwise frees it
   (*cg = NULL, with a debug line: the container stays in the caller's cgroup, as with runc), or fails naming
   /linux/resources when `res` asks for limits (device rules alone are not limits). */
int cell_cgroup_keep_if_delegated (struct cell_cgroup **cg, const struct cell_spec_resources *res,
                                   struct cell_error **err);
/* Notes whether create will make the container's own directory in each hierarchy (it does not exist now), so
   that a state written before create names it: delete after a crash removes it, and never a directory that
   was there before (nor a parent create may make: at most an empty parent stays behind). */
void cell_cgroup_expect (struct cell_cgroup *cg);
/* For a cgroup computed again without the state that said what create made: the container's own directory
   counts as made by create (its parents do not). */
void cell_cgroup_own_leaf (struct cell_cgroup *cg);
/* mkdir in every hierarchy (remembers which it created, for cleanup on failure). */
int cell_cgroup_create (struct cell_cgroup *cg, struct cell_error **err);
/* The cgroup2 leaf's dirfd (a pure v2 host's, or a hybrid host's unified hierarchy), for CLONE_INTO_CGROUP;
   -1 otherwise. Owned by `cg` (valid until cell_cgroup_free / destroy). */
int cell_cgroup_clone_dfd (struct cell_cgroup *cg);
/* The hierarchies as the container's /sys/fs/cgroup shows them (mount.h), with the container's own
   directories: for init once it is in them. Free with cell_cgroup_mount_table_free. */
struct cell_mount_cgroup *cell_cgroup_mount_table (const struct cell_cgroup *cg, size_t *n);
void cell_cgroup_mount_table_free (struct cell_mount_cgroup *t, size_t n);
/* Does the container have directories in v1 hierarchies? */
bool cell_cgroup_has_v1 (const struct cell_cgroup *cg);
/* The first write to any cgroup.procs after a quiet spell waits for an RCU grace period (5-15 ms on a busy
   host, holding the cgroup mutex) while the kernel's global migration lock turns to its writers' mode. A
   child forked here does such a write at once (it moves itself into the runtime's cgroup, where it already
   is: nothing changes) while the runtime reads its config and makes the state dir; the container's own
   moves then find the lock ready. Returns the child's pid (0: nothing to warm: a pure v2 host, where
   CLONE_INTO_CGROUP moves nothing, or no such cgroup); warm_end reaps it. */
pid_t cell_cgroup_warm_start (void);
void cell_cgroup_warm_end (pid_t *warm);
/* `exec --cgroup SUB`: "PATH" below the container's directory in every hierarchy, or "CONTROLLER:PATH" in
   that v1 hierarchy alone (runc's form). Checks its form. */
int cell_cgroup_check_sub (const char *sub, struct cell_error **err);
/* The container's cgroup2 leaf (or SUB below it: NULL for none), opened for CLONE_INTO_CGROUP into *dfd;
   -1 there when it has none. */
int cell_cgroup_open_v2 (const struct cell_cgroup *cg, const char *sub, int *dfd, struct cell_error **err);
/* The calling process, single-threaded and privileged (in the initial user namespace), moves itself into
   every v1 hierarchy (SUB as above, or NULL): `0` written to `tasks` moves the current thread, and for that
   the kernel takes no global lock, so none of the grace period a write of a pid to cgroup.procs waits for
   (cell_cgroup_warm_start). cgroup2 hierarchies are left to CLONE_INTO_CGROUP. */
int cell_cgroup_enter_self (const struct cell_cgroup *cg, const char *sub, struct cell_error **err);
/* Writes pid into cgroup.procs of the hierarchies (SUB as above, or NULL) not done already: v1 ones unless
   `v1_done` (the process moved itself), cgroup2 ones unless `v2_done` (CLONE_INTO_CGROUP put it there). */
int cell_cgroup_enter (const struct cell_cgroup *cg, pid_t pid, const char *sub, bool v1_done, bool v2_done,
                       struct cell_error **err);
/* Applies every linux.resources field, each controller where the host has it (a v1 hierarchy, else the
   cgroup2 one: hugetlb on this project's hybrid test host), with the runtime-spec's v1 <-> v2
   conversions. A field the host cannot honour is an error naming its JSON pointer
   ("/linux/resources/network/classID: the `net_cls` cgroup controller is not available on this host"),
   found before anything is written; kernel memory limits only warn (NOT RECOMMENDED). The device policy
   is always written: deny all, the spec's rules in order, then runc's default allow list (v1
   devices.allow/deny, or a BPF_CGROUP_DEVICE program replacing any earlier one); `res` may be NULL (no
   linux.resources: only that default device policy). Values are assumed validated
   (cell_resources_validate). */
int cell_cgroup_apply (struct cell_cgroup *cg, const struct cell_spec_resources *res,
                       struct cell_error **err);
/* For `update`: like apply, but the device policy is left alone unless `res` carries device rules (and
   always in a cgroup created without one: a rootless runtime's, recorded in its serialised form); a
   limit below the current usage is refused with memory.checkBeforeUpdate; on v2 a lone cpu period or
   swap value is completed from the live cpu.max / memory.max. */
int cell_cgroup_update (struct cell_cgroup *cg, const struct cell_spec_resources *res,
                        struct cell_error **err);
/* Pids in the container's cgroup (caller frees *pids). */
int cell_cgroup_pids (struct cell_cgroup *cg, pid_t **pids, size_t *n, struct cell_error **err);
/* Signals every process (freezing around the listing; cgroup.kill for SIGKILL where the kernel has it);
   with SIGKILL also waits (bounded) until the cgroup is empty. */
int cell_cgroup_kill_all (struct cell_cgroup *cg, int sig, struct cell_error **err);
int cell_cgroup_freeze (struct cell_cgroup *cg, bool frozen, struct cell_error **err);
bool cell_cgroup_is_frozen (struct cell_cgroup *cg);
/* True when any of the container's directories exists. */
bool cell_cgroup_exists (const struct cell_cgroup *cg);
/* Kills what is left (SIGKILL, thawing first), waits for it to be empty, then rmdirs every directory
   the container owns (create made it; a cgroupsPath that existed before is left). Missing directories
   are fine. */
int cell_cgroup_destroy (struct cell_cgroup *cg, struct cell_error **err);
/* Serialised form for state.json and back (a single string: mode + path). */
char *cell_cgroup_serialize (const struct cell_cgroup *cg);
/* Strict: only a directory of the container's own is accepted, never a hierarchy root and never a path
   with an empty, "." or ".." component (`hybrid:/.`, `hybrid://`, `v1:/cell/.`, `...;memory=//` are
   errors), every part must be understood and name a hierarchy of this host, and the count of directories
   create made cannot exceed the path's. */
int cell_cgroup_deserialize (const char *s, struct cell_cgroup **out, struct cell_error **err);
/* Does the serialised state `s` name a pure cgroup2 container (its freezer the cgroup2 one)? */
bool cell_cgroup_state_is_v2 (const char *s);
/* On: the mounted hierarchies are read from /proc/self/mountinfo once and remembered (`list` looks up the
   freezer state of every container; the table is the same for all). Only for a process that neither mounts
   nor changes its mount namespace meanwhile, and that frees every cgroup deserialized meanwhile before it
   turns this off (they borrow the table's strings). Off: forgotten, read afresh every time (the default). */
void cell_cgroup_remember_mounts (bool on);
/* For tests: the same against a scratch tree (see cell_cgroup_new_at). */
int cell_cgroup_deserialize_at (const char *root, const char *s, struct cell_cgroup **out,
                                struct cell_error **err);
void cell_cgroup_free (struct cell_cgroup *cg);

/* ---- statistics (`events --stats`) ---- */

struct cell_cgroup_mem_entry
{
  uint64_t limit, usage, max, failcnt; /* bytes; max = peak usage */
};

struct cell_cgroup_stat_kv
{
  char *key;
  uint64_t value;
};

struct cell_cgroup_blkio_entry
{
  uint64_t major, minor;
  char *op; /* "Read", "Write", "Sync", "Async", "Discard", "Total" */
  uint64_t value;
};

struct cell_cgroup_hugetlb_stat
{
  char *size; /* "2MB" */
  uint64_t usage, max, failcnt;
};

/* Figures as runc reports them (units: ns for cpu, bytes for memory; a limit of "max" is UINT64_MAX). */
struct cell_cgroup_stats
{
  bool has_cpu, has_memory, has_pids;
  uint64_t cpu_total, cpu_kernel, cpu_user;
  uint64_t *cpu_percpu; /* v1 only */
  size_t n_cpu_percpu;
  uint64_t cpu_periods, cpu_throttled_periods, cpu_throttled_time;
  uint64_t memory_cache;
  struct cell_cgroup_mem_entry memory_usage, memory_swap, memory_kernel, memory_kernel_tcp;
  struct cell_cgroup_stat_kv *memory_raw; /* memory.stat */
  size_t n_memory_raw;
  uint64_t pids_current, pids_limit; /* limit 0: none */
  struct cell_cgroup_blkio_entry *io_service_bytes, *io_serviced;
  size_t n_io_service_bytes, n_io_serviced;
  struct cell_cgroup_hugetlb_stat *hugetlb;
  size_t n_hugetlb;
};

/* Reads the figures from the container's cgroup files (what a controller lacks stays 0). Changes
   nothing. Free with cell_cgroup_stats_clear. */
int cell_cgroup_stats (struct cell_cgroup *cg, struct cell_cgroup_stats *out, struct cell_error **err);
void cell_cgroup_stats_clear (struct cell_cgroup_stats *s);
/* runc's `events --stats` line: {"type":"stats","id":ID,"data":{"cpu":...,"memory":...,"pids":...,
   "blkio":...,"hugetlb":...}} with runc's field names and omissions (types/events.go). Caller frees. */
char *cell_cgroup_stats_json (const char *id, const struct cell_cgroup_stats *s);

/* ---- OOM kills (`events`) ---- */

struct cell_cgroup_oom;
/* Starts watching: v1 registers an eventfd for memory.oom_control (cgroup.event_control), v2 watches
   memory.events. Errors when the container has no memory controller. */
int cell_cgroup_oom_watch (struct cell_cgroup *cg, struct cell_cgroup_oom **out, struct cell_error **err);
/* The fd to poll: POLLIN (v1 eventfd) or POLLPRI (v2 memory.events): poll for both. */
int cell_cgroup_oom_fd (const struct cell_cgroup_oom *w);
/* OOM kills since the previous check (or the watch): rearms the fd. */
int cell_cgroup_oom_check (struct cell_cgroup_oom *w, uint64_t *new_kills, struct cell_error **err);
void cell_cgroup_oom_free (struct cell_cgroup_oom *w);
/* {"type":"oom","id":ID} (runc's OOM event). Caller frees. */
char *cell_cgroup_oom_json (const char *id);

#endif
