/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-v1.c: the legacy backend (also hybrid hosts): per-controller files, devices lists, freezer. */
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include "cgroup-internal.h"
#include "log.h"
#include "xalloc.h"

#define FREEZE_TIMEOUT_MS 5000

static int
v1_write (struct cell_cgroup *cg, const char *ctrl, const char *file, const char *value,
          struct cell_error **err)
{
  struct cell_cgroup_hier *h = cell_cgroup_find_ctrl (cg, ctrl);
  if (h == NULL)
    return cell_err (err, 0, "cannot write `%s`: the `%s` cgroup controller is not mounted", file, ctrl);
  return cell_cgroup_write (h->dir, file, value, err);
}

static int
v1_write_i64 (struct cell_cgroup *cg, const char *ctrl, const char *file, int64_t v, struct cell_error **err)
{
  char buf[32];
  snprintf (buf, sizeof buf, "%" PRId64, v);
  return v1_write (cg, ctrl, file, buf, err);
}

static int
v1_write_u64 (struct cell_cgroup *cg, const char *ctrl, const char *file, uint64_t v, struct cell_error **err)
{
  char buf[32];
  snprintf (buf, sizeof buf, "%" PRIu64, v);
  return v1_write (cg, ctrl, file, buf, err);
}

/* devices.deny "a" first (deny everything), then each rule in order: the kernel keeps an exception list,
   so a later line overrides an earlier one (Documentation/admin-guide/cgroup-v1/devices.rst). A rule of
   type `a` with a partial access or a number is written as its `c` and `b` halves, since the kernel reads
   any line starting with `a` as "all devices, all access". */
static int
v1_devices (struct cell_cgroup *cg, const struct cell_spec_resources *res, struct cell_error **err)
{
  struct cell_cgroup_hier *h = cell_cgroup_find_ctrl (cg, "devices");
  cleanup_free struct cell_spec_device_rule *rules = NULL;
  size_t n = 0;

  if (h == NULL)
    {
      if (res->n_devices > 0)
        return cell_err (err, 0, "linux.resources.devices: the `devices` cgroup controller is not mounted");
      return 0;
    }
  if (cell_cgroup_device_rules (res, &rules, &n, err) < 0)
    return -1;
  if (cell_cgroup_write (h->dir, "devices.deny", "a", err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      struct cell_spec_device_rule r = rules[i];
      const char *file = r.allow ? "devices.allow" : "devices.deny";
      char line[96];
      bool whole = r.type == 'a' && r.major < 0 && r.minor < 0 && cell_cgroup_device_access (r.access) == 7;

      if (r.type == 'a' && !whole)
        {
          static const char halves[] = { 'c', 'b' };
          for (size_t k = 0; k < ARRAY_SIZE (halves); k++)
            {
              r.type = halves[k];
              cell_cgroup_device_rule_line (&r, line, sizeof line);
              if (cell_cgroup_write (h->dir, file, line, err) < 0)
                return -1;
            }
          continue;
        }
      if (whole)
        snprintf (line, sizeof line, "a");
      else
        cell_cgroup_device_rule_line (&r, line, sizeof line);
      if (cell_cgroup_write (h->dir, file, line, err) < 0)
        return -1;
    }
  return 0;
}

/* memory.memsw.limit_in_bytes must stay >= memory.limit_in_bytes at every step: try swap first (the limit
   is lowered) and fall back to limit first (raised) on EINVAL. */
static int
v1_memory (struct cell_cgroup *cg, const struct cell_spec_resources *res, struct cell_error **err)
{
  if (res->has_memory_limit && res->has_memory_swap)
    {
      struct cell_error *e = NULL;
      if (v1_write_i64 (cg, "memory", "memory.memsw.limit_in_bytes", res->memory_swap, &e) == 0)
        {
          if (v1_write_i64 (cg, "memory", "memory.limit_in_bytes", res->memory_limit, err) < 0)
            return -1;
        }
      else
        {
          int code = e->code;
          if (code != EINVAL)
            {
              *err = e;
              return -1;
            }
          cell_error_free (e);
          if (v1_write_i64 (cg, "memory", "memory.limit_in_bytes", res->memory_limit, err) < 0
              || v1_write_i64 (cg, "memory", "memory.memsw.limit_in_bytes", res->memory_swap, err) < 0)
            return -1;
        }
    }
  else if (res->has_memory_limit)
    {
      if (v1_write_i64 (cg, "memory", "memory.limit_in_bytes", res->memory_limit, err) < 0)
        return -1;
    }
  else if (res->has_memory_swap)
    {
      if (v1_write_i64 (cg, "memory", "memory.memsw.limit_in_bytes", res->memory_swap, err) < 0)
        return -1;
    }
  if (res->has_memory_reservation
      && v1_write_i64 (cg, "memory", "memory.soft_limit_in_bytes", res->memory_reservation, err) < 0)
    return -1;
  if (res->has_memory_swappiness
      && v1_write_u64 (cg, "memory", "memory.swappiness", res->memory_swappiness, err) < 0)
    return -1;
  if (res->has_memory_disable_oom_killer && res->memory_disable_oom_killer
      && v1_write (cg, "memory", "memory.oom_control", "1", err) < 0)
    return -1;
  if (res->has_memory_use_hierarchy
      && v1_write (cg, "memory", "memory.use_hierarchy", res->memory_use_hierarchy ? "1" : "0", err) < 0)
    return -1;
  /* Kernel memory limits are gone from the kernel (5.16 made kmem.limit_in_bytes a no-op); runc ignores
     them with a warning too. */
  if (res->has_memory_kernel || res->has_memory_kernel_tcp)
    cell_warn ("linux.resources.memory.kernel and kernelTCP are ignored");
  return 0;
}

static int
v1_cpu (struct cell_cgroup *cg, const struct cell_spec_resources *res, struct cell_error **err)
{
  if (res->has_cpu_shares && res->cpu_shares != 0
      && v1_write_u64 (cg, "cpu", "cpu.shares", res->cpu_shares, err) < 0)
    return -1;
  /* The period first: the kernel checks quota against it. */
  if (res->has_cpu_period && res->cpu_period != 0
      && v1_write_u64 (cg, "cpu", "cpu.cfs_period_us", res->cpu_period, err) < 0)
    return -1;
  if (res->has_cpu_quota && res->cpu_quota != 0
      && v1_write_i64 (cg, "cpu", "cpu.cfs_quota_us", res->cpu_quota, err) < 0)
    return -1;
  if (res->has_cpu_burst && v1_write_u64 (cg, "cpu", "cpu.cfs_burst_us", res->cpu_burst, err) < 0)
    return -1;
  if (res->has_cpu_realtime_period && res->cpu_realtime_period != 0
      && v1_write_u64 (cg, "cpu", "cpu.rt_period_us", res->cpu_realtime_period, err) < 0)
    return -1;
  if (res->has_cpu_realtime_runtime && res->cpu_realtime_runtime != 0
      && v1_write_i64 (cg, "cpu", "cpu.rt_runtime_us", res->cpu_realtime_runtime, err) < 0)
    return -1;
  if (res->has_cpu_idle && v1_write_i64 (cg, "cpu", "cpu.idle", res->cpu_idle, err) < 0)
    return -1;
  if (res->cpu_cpus && *res->cpu_cpus && v1_write (cg, "cpuset", "cpuset.cpus", res->cpu_cpus, err) < 0)
    return -1;
  if (res->cpu_mems && *res->cpu_mems && v1_write (cg, "cpuset", "cpuset.mems", res->cpu_mems, err) < 0)
    return -1;
  return 0;
}

static int
v1_apply (struct cell_cgroup *cg, const struct cell_spec_resources *res, bool devices,
          struct cell_error **err)
{
  if (res->has_blkio_devices || res->has_rdma || res->has_net_priorities)
    return cell_err (err, 0,
                     "linux.resources: blockIO device lists, rdma and network priorities are not supported");
  if (devices && v1_devices (cg, res, err) < 0)
    return -1;
  if (v1_memory (cg, res, err) < 0 || v1_cpu (cg, res, err) < 0)
    return -1;
  if (res->has_pids_limit)
    {
      char buf[32] = "max";
      if (res->pids_limit > 0)
        snprintf (buf, sizeof buf, "%" PRId64, res->pids_limit);
      if (v1_write (cg, "pids", "pids.max", buf, err) < 0)
        return -1;
    }
  if (res->has_blkio_weight && res->blkio_weight != 0
      && v1_write_u64 (cg, "blkio", "blkio.weight", res->blkio_weight, err) < 0)
    return -1;
  if (res->has_blkio_leaf_weight && res->blkio_leaf_weight != 0
      && v1_write_u64 (cg, "blkio", "blkio.leaf_weight", res->blkio_leaf_weight, err) < 0)
    return -1;
  for (size_t i = 0; i < res->n_hugepage_limits; i++)
    {
      cleanup_free char *file = xasprintf ("hugetlb.%s.limit_in_bytes", res->hugepage_limits[i].key);
      if (strchr (res->hugepage_limits[i].key, '/'))
        return cell_err (err, 0, "invalid hugepage size `%s`", res->hugepage_limits[i].key);
      if (v1_write (cg, "hugetlb", file, res->hugepage_limits[i].value, err) < 0)
        return -1;
    }
  if (res->has_net_class_id && v1_write_u64 (cg, "net_cls", "net_cls.classid", res->net_class_id, err) < 0)
    return -1;
  if (res->n_unified > 0)
    {
      struct cell_cgroup_hier *h = cell_cgroup_find_v2 (cg);
      if (h == NULL)
        return cell_err (err, 0, "linux.resources.unified needs cgroup v2 (this host has only v1)");
      for (size_t i = 0; i < res->n_unified; i++)
        {
          const char *k = res->unified[i].key;
          if (*k == '\0' || *k == '.' || strchr (k, '/'))
            return cell_err (err, 0, "invalid linux.resources.unified key `%s`", k);
          if (cell_cgroup_write (h->dir, k, res->unified[i].value, err) < 0)
            return -1;
        }
    }
  return 0;
}

static long long
mono_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* freezer.state goes FREEZING -> FROZEN once every task stopped; a task in an uninterruptible sleep can
   hold it in FREEZING, so keep writing FROZEN until it sticks or the timeout (runc retries the same). */
static int
v1_freeze (struct cell_cgroup *cg, bool frozen, struct cell_error **err)
{
  struct cell_cgroup_hier *h = cell_cgroup_find_ctrl (cg, "freezer");
  const char *want = frozen ? "FROZEN" : "THAWED";
  long long deadline = mono_ms () + FREEZE_TIMEOUT_MS;

  if (h == NULL)
    return cell_err (err, 0, "the `freezer` cgroup controller is not mounted");
  for (;;)
    {
      cleanup_free char *state = NULL;
      struct timespec ts = { 0, 1000000 };
      if (cell_cgroup_write (h->dir, "freezer.state", want, err) < 0)
        return -1;
      if (cell_cgroup_read (h->dir, "freezer.state", &state, err) < 0)
        return *err ? -1 : cell_err (err, ENOENT, "read `%s/freezer.state`", h->dir);
      if (streq (state, want))
        return 0;
      if (mono_ms () > deadline)
        {
          if (frozen)
            {
              struct cell_error *e = NULL;
              if (cell_cgroup_write (h->dir, "freezer.state", "THAWED", &e) < 0)
                cell_error_free (e);
            }
          return cell_err (err, ETIMEDOUT, "`%s/freezer.state` stays `%s`", h->dir, state);
        }
      nanosleep (&ts, NULL);
    }
}

static bool
v1_is_frozen (struct cell_cgroup *cg)
{
  struct cell_cgroup_hier *h = cell_cgroup_find_ctrl (cg, "freezer");
  cleanup_free char *state = NULL;
  struct cell_error *e = NULL;
  bool r;
  if (h == NULL)
    return false;
  if (cell_cgroup_read (h->dir, "freezer.state", &state, &e) < 0)
    {
      cell_error_free (e);
      return false;
    }
  r = streq (state, "FROZEN");
  return r;
}

static struct cell_cgroup_hier *
v1_procs_hier (struct cell_cgroup *cg)
{
  static const char *const prefer[] = { "freezer", "pids", "name=systemd", "memory", "cpu" };
  for (size_t i = 0; i < ARRAY_SIZE (prefer); i++)
    {
      struct cell_cgroup_hier *h = cell_cgroup_find_ctrl (cg, prefer[i]);
      if (h)
        return h;
    }
  return cg->n_h > 0 ? &cg->h[0] : NULL;
}

/* On a hybrid host the container also sits in a cgroup2 directory, whose cgroup.kill (Linux 5.14) kills
   every task at once without the freeze/list/kill race. */
static int
v1_kill_fast (struct cell_cgroup *cg, int sig, struct cell_error **err)
{
  struct cell_cgroup_hier *h = cell_cgroup_find_v2 (cg);
  int r;
  if (sig != SIGKILL || h == NULL || !cell_cgroup_file_exists (h->dir, "cgroup.kill"))
    return 0;
  r = cell_cgroup_write (h->dir, "cgroup.kill", "1", err);
  if (r < 0)
    return -1;
  return 1;
}

const struct cell_cgroup_ops cell_cgroup_v1_ops = {
  .apply = v1_apply,
  .freeze = v1_freeze,
  .is_frozen = v1_is_frozen,
  .procs_hier = v1_procs_hier,
  .kill_fast = v1_kill_fast,
};
