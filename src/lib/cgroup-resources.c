/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-resources.c: linux.resources -> interface file writes, for v1, v2 and hybrid hosts alike. Each
   controller is looked up where this host has it (a v1 hierarchy, else the cgroup2 one), one translator
   per spec object turns the fields into (file, value) pairs in that layout (the v1 <-> v2 conversions
   live here, side by side), and one loop writes them. Errors name the field's JSON pointer. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cgroup-internal.h"
#include "log.h"
#include "xalloc.h"

#define P "/linux/resources"

enum
{
  SET_WARN_MISSING = 1, /* a file this kernel lacks (or refuses with EOPNOTSUPP) only warns */
  SET_SWAP_FIRST = 2,   /* v1 memsw: on EINVAL write the next setting (the limit) first, then this again */
  SET_OPTIONAL = 4,     /* a helper write: skipped silently when the file is missing */
  SET_KMEM = 8,         /* kernel memory: warn when the kernel accepts the write but ignores it */
};

struct setting
{
  char *ptr;
  const struct cell_cgroup_hier *h;
  char *file;
  char *value;
  unsigned flags;
};

struct writes
{
  struct cell_cgroup *cg;
  const struct cell_spec_resources *r;
  bool update;
  struct setting *v;
  size_t n, cap;
};

PRINTF_LIKE (6, 7)
static void
add (struct writes *w, const struct cell_cgroup_hier *h, const char *ptr, unsigned flags, const char *file,
     const char *fmt, ...)
{
  va_list ap;
  struct setting *s;
  w->v = xgrow (w->v, &w->cap, w->n + 1, sizeof *w->v);
  s = &w->v[w->n++];
  s->ptr = xstrdup (ptr);
  s->h = h;
  s->file = xstrdup (file);
  s->flags = flags;
  va_start (ap, fmt);
  if (vasprintf (&s->value, fmt, ap) < 0)
    abort ();
  va_end (ap);
}

/* "-1" (unlimited) in v2 spelling */
static void
v2_limit (char *buf, size_t size, int64_t v)
{
  if (v < 0)
    snprintf (buf, size, "max");
  else
    snprintf (buf, size, "%" PRId64, v);
}

/* The hierarchy holding the controller (`v1` name on v1 hierarchies, `v2` name in the cgroup2 one; NULL:
   that layout has no such controller). */
static const struct cell_cgroup_hier *
where (struct writes *w, const char *v1, const char *v2, const char *ptr, bool *is_v2,
       struct cell_error **err)
{
  struct cell_cgroup_hier *h = v1 ? cell_cgroup_find_ctrl (w->cg, v1) : NULL;
  if (h)
    {
      *is_v2 = false;
      return h;
    }
  if (v2 && (h = cell_cgroup_locate (w->cg, v2, is_v2, err)) != NULL)
    return h;
  if (err && *err)
    return NULL;
  if (v2 == NULL && w->cg->mode == CELL_CGROUP_V2)
    cell_err (err, EOPNOTSUPP, "%s: cgroup v2 has no `%s` controller", ptr, v1);
  else
    cell_err (err, 0, "%s: the `%s` cgroup controller is not available on this host", ptr, v1 ? v1 : v2);
  return NULL;
}

static int
no_v2 (const char *ptr, const char *v1file, struct cell_error **err)
{
  return cell_err (err, EOPNOTSUPP, "%s: cgroup v2 has no equivalent of `%s`", ptr, v1file);
}

/* ---- memory ---- */

static int
check_before_update (struct writes *w, const struct cell_cgroup_hier *h, bool v2, struct cell_error **err)
{
  const struct cell_spec_resources *r = w->r;
  uint64_t usage = 0;
  int rc;
  /* config-linux.md: with checkBeforeUpdate a limit below the current usage MUST be rejected (v1 kernels
     refuse it themselves; v2 would OOM-kill). */
  if (!w->update || !r->has_memory_check_before_update || !r->memory_check_before_update
      || !r->has_memory_limit || r->memory_limit <= 0)
    return 0;
  rc = cell_cgroup_read_u64 (h->dir, v2 ? "memory.current" : "memory.usage_in_bytes", &usage, err);
  if (rc < 0)
    return -1;
  if (rc == 0 && (uint64_t)r->memory_limit < usage)
    return cell_err (
        err, 0, "%s/memory/limit: %" PRId64 " is below the current usage %" PRIu64 " (checkBeforeUpdate)", P,
        r->memory_limit, usage);
  return 0;
}

static int
memory_v1 (struct writes *w, const struct cell_cgroup_hier *h)
{
  const struct cell_spec_resources *r = w->r;
  bool limit = r->has_memory_limit && r->memory_limit != 0, swap = r->has_memory_swap && r->memory_swap != 0;

  /* memory.memsw.limit_in_bytes must stay >= memory.limit_in_bytes at every step: swap first (the limit
     going down), the limit first on EINVAL (going up). */
  if (limit && swap)
    {
      add (w, h, P "/memory/swap", SET_SWAP_FIRST, "memory.memsw.limit_in_bytes", "%" PRId64, r->memory_swap);
      add (w, h, P "/memory/limit", 0, "memory.limit_in_bytes", "%" PRId64, r->memory_limit);
    }
  else if (limit)
    {
      /* Unlimited memory needs unlimited memory+swap first (runc does the same). */
      if (r->memory_limit == -1)
        add (w, h, P "/memory/limit", SET_OPTIONAL, "memory.memsw.limit_in_bytes", "-1");
      add (w, h, P "/memory/limit", 0, "memory.limit_in_bytes", "%" PRId64, r->memory_limit);
    }
  else if (swap)
    add (w, h, P "/memory/swap", 0, "memory.memsw.limit_in_bytes", "%" PRId64, r->memory_swap);
  if (r->has_memory_reservation)
    add (w, h, P "/memory/reservation", 0, "memory.soft_limit_in_bytes", "%" PRId64, r->memory_reservation);
  /* Kernel memory limits are NOT RECOMMENDED (config-linux.md); Linux 5.16 and later accept
     kmem.limit_in_bytes and ignore it, so that one warns. kmem.tcp is still enforced. */
  if (r->has_memory_kernel)
    add (w, h, P "/memory/kernel", SET_WARN_MISSING | SET_KMEM, "memory.kmem.limit_in_bytes", "%" PRId64,
         r->memory_kernel);
  if (r->has_memory_kernel_tcp)
    add (w, h, P "/memory/kernelTCP", SET_WARN_MISSING, "memory.kmem.tcp.limit_in_bytes", "%" PRId64,
         r->memory_kernel_tcp);
  if (r->has_memory_swappiness)
    add (w, h, P "/memory/swappiness", 0, "memory.swappiness", "%" PRIu64, r->memory_swappiness);
  if (r->has_memory_disable_oom_killer)
    add (w, h, P "/memory/disableOOMKiller", 0, "memory.oom_control", "%d",
         r->memory_disable_oom_killer ? 1 : 0);
  if (r->has_memory_use_hierarchy)
    add (w, h, P "/memory/useHierarchy", 0, "memory.use_hierarchy", "%d", r->memory_use_hierarchy ? 1 : 0);
  return 0;
}

static int
memory_v2 (struct writes *w, const struct cell_cgroup_hier *h, struct cell_error **err)
{
  const struct cell_spec_resources *r = w->r;
  char buf[32];

  if (r->has_memory_limit && r->memory_limit != 0)
    {
      v2_limit (buf, sizeof buf, r->memory_limit);
      add (w, h, P "/memory/limit", 0, "memory.max", "%s", buf);
    }
  /* OCI swap is memory+swap; memory.swap.max is swap alone (runc's and crun's conversion). */
  if (r->has_memory_swap && r->memory_swap != 0)
    {
      int64_t lim = r->has_memory_limit ? r->memory_limit : 0;
      if (r->memory_swap == -1)
        add (w, h, P "/memory/swap", 0, "memory.swap.max", "max");
      else
        {
          if (lim == 0 && w->update)
            {
              uint64_t cur = 0;
              if (cell_cgroup_read_u64 (h->dir, "memory.max", &cur, err) < 0)
                return -1;
              lim = cur == UINT64_MAX ? -1 : (int64_t)cur;
            }
          if (lim <= 0)
            return cell_err (err, 0, "%s/memory/swap: on cgroup v2 a swap limit needs a memory limit", P);
          if (r->memory_swap < lim)
            return cell_err (err, 0, "%s/memory/swap: %" PRId64 " is below the memory limit %" PRId64, P,
                             r->memory_swap, lim);
          add (w, h, P "/memory/swap", 0, "memory.swap.max", "%" PRId64, r->memory_swap - lim);
        }
    }
  if (r->has_memory_reservation && r->memory_reservation != 0)
    {
      v2_limit (buf, sizeof buf, r->memory_reservation);
      add (w, h, P "/memory/reservation", 0, "memory.low", "%s", buf);
    }
  if (r->has_memory_kernel || r->has_memory_kernel_tcp)
    cell_warn ("%s/memory/kernel and kernelTCP: cgroup v2 has no kernel memory limits; ignored", P);
  if (r->has_memory_swappiness)
    return no_v2 (P "/memory/swappiness", "memory.swappiness", err);
  if (r->has_memory_disable_oom_killer && r->memory_disable_oom_killer)
    return no_v2 (P "/memory/disableOOMKiller", "memory.oom_control", err);
  if (r->has_memory_use_hierarchy && !r->memory_use_hierarchy)
    return cell_err (err, EOPNOTSUPP, "%s/memory/useHierarchy: cgroup v2 is always hierarchical", P);
  return 0;
}

static int
tr_memory (struct writes *w, struct cell_error **err)
{
  const struct cell_spec_resources *r = w->r;
  const struct cell_cgroup_hier *h;
  bool v2 = false;
  if (!(r->has_memory_limit || r->has_memory_reservation || r->has_memory_swap || r->has_memory_kernel
        || r->has_memory_kernel_tcp || r->has_memory_swappiness || r->has_memory_disable_oom_killer
        || r->has_memory_use_hierarchy))
    return 0;
  h = where (w, "memory", "memory", P "/memory", &v2, err);
  if (h == NULL || check_before_update (w, h, v2, err) < 0)
    return -1;
  return v2 ? memory_v2 (w, h, err) : memory_v1 (w, h);
}

/* ---- cpu, cpuset ---- */

static int
tr_cpu (struct writes *w, struct cell_error **err)
{
  const struct cell_spec_resources *r = w->r;
  const struct cell_cgroup_hier *h;
  bool v2 = false;

  if (!(r->has_cpu_shares || r->has_cpu_quota || r->has_cpu_period || r->has_cpu_burst
        || r->has_cpu_realtime_runtime || r->has_cpu_realtime_period || r->has_cpu_idle))
    return 0;
  h = where (w, "cpu", "cpu", P "/cpu", &v2, err);
  if (h == NULL)
    return -1;
  if (!v2)
    {
      if (r->has_cpu_shares && r->cpu_shares != 0)
        add (w, h, P "/cpu/shares", 0, "cpu.shares", "%" PRIu64, r->cpu_shares);
      /* The period first: the kernel checks quota against it. */
      if (r->has_cpu_period && r->cpu_period != 0)
        add (w, h, P "/cpu/period", 0, "cpu.cfs_period_us", "%" PRIu64, r->cpu_period);
      if (r->has_cpu_quota && r->cpu_quota != 0)
        add (w, h, P "/cpu/quota", 0, "cpu.cfs_quota_us", "%" PRId64, r->cpu_quota);
      if (r->has_cpu_burst)
        add (w, h, P "/cpu/burst", 0, "cpu.cfs_burst_us", "%" PRIu64, r->cpu_burst);
      if (r->has_cpu_realtime_period && r->cpu_realtime_period != 0)
        add (w, h, P "/cpu/realtimePeriod", 0, "cpu.rt_period_us", "%" PRIu64, r->cpu_realtime_period);
      if (r->has_cpu_realtime_runtime && r->cpu_realtime_runtime != 0)
        add (w, h, P "/cpu/realtimeRuntime", 0, "cpu.rt_runtime_us", "%" PRId64, r->cpu_realtime_runtime);
      if (r->has_cpu_idle)
        add (w, h, P "/cpu/idle", 0, "cpu.idle", "%" PRId64, r->cpu_idle);
      return 0;
    }
  if (r->has_cpu_shares && r->cpu_shares != 0)
    {
      /* cpu.shares [2, 262144] -> cpu.weight [1, 10000], the linear mapping of crun's cgroup v2 notes
         (runc used it up to 1.2). */
      uint64_t s = r->cpu_shares < 2 ? 2 : r->cpu_shares > 262144 ? 262144 : r->cpu_shares;
      add (w, h, P "/cpu/shares", 0, "cpu.weight", "%" PRIu64, 1 + ((s - 2) * 9999) / 262142);
    }
  if ((r->has_cpu_quota && r->cpu_quota != 0) || (r->has_cpu_period && r->cpu_period != 0))
    {
      /* cpu.max is "QUOTA PERIOD"; a lone QUOTA keeps the period, a lone period needs the current quota. */
      char quota[32] = "max";
      cleanup_free char *cur = NULL;
      if (r->has_cpu_quota && r->cpu_quota > 0)
        snprintf (quota, sizeof quota, "%" PRId64, r->cpu_quota);
      else if (!(r->has_cpu_quota && r->cpu_quota == -1)
               && cell_cgroup_read (h->dir, "cpu.max", &cur, NULL) == 0)
        snprintf (quota, sizeof quota, "%.*s", (int)strcspn (cur, " "), cur);
      if (r->has_cpu_period && r->cpu_period != 0)
        add (w, h, P "/cpu/period", 0, "cpu.max", "%s %" PRIu64, quota, r->cpu_period);
      else
        add (w, h, P "/cpu/quota", 0, "cpu.max", "%s", quota);
    }
  if (r->has_cpu_burst)
    add (w, h, P "/cpu/burst", 0, "cpu.max.burst", "%" PRIu64, r->cpu_burst);
  if ((r->has_cpu_realtime_runtime && r->cpu_realtime_runtime != 0)
      || (r->has_cpu_realtime_period && r->cpu_realtime_period != 0))
    return no_v2 (r->has_cpu_realtime_runtime ? P "/cpu/realtimeRuntime" : P "/cpu/realtimePeriod",
                  "cpu.rt_runtime_us", err);
  if (r->has_cpu_idle)
    add (w, h, P "/cpu/idle", 0, "cpu.idle", "%" PRId64, r->cpu_idle);
  return 0;
}

static int
tr_cpuset (struct writes *w, struct cell_error **err)
{
  const struct cell_spec_resources *r = w->r;
  const struct cell_cgroup_hier *h;
  bool v2 = false;
  bool cpus = r->cpu_cpus && *r->cpu_cpus, mems = r->cpu_mems && *r->cpu_mems;
  if (!cpus && !mems)
    return 0;
  h = where (w, "cpuset", "cpuset", cpus ? P "/cpu/cpus" : P "/cpu/mems", &v2, err);
  if (h == NULL)
    return -1;
  if (cpus)
    add (w, h, P "/cpu/cpus", 0, "cpuset.cpus", "%s", r->cpu_cpus);
  if (mems)
    add (w, h, P "/cpu/mems", 0, "cpuset.mems", "%s", r->cpu_mems);
  return 0;
}

/* ---- pids ---- */

static int
tr_pids (struct writes *w, struct cell_error **err)
{
  const struct cell_cgroup_hier *h;
  bool v2 = false;
  char buf[32] = "max";
  if (!w->r->has_pids_limit)
    return 0;
  h = where (w, "pids", "pids", P "/pids/limit", &v2, err);
  if (h == NULL)
    return -1;
  if (w->r->pids_limit > 0)
    snprintf (buf, sizeof buf, "%" PRId64, w->r->pids_limit);
  add (w, h, P "/pids/limit", 0, "pids.max", "%s", buf);
  return 0;
}

/* ---- blockIO ---- */

/* blkio.weight [10, 1000] -> io.weight [1, 10000] (runc's conversion). */
static uint64_t
io_weight (uint16_t w)
{
  uint64_t v = w < 10 ? 10 : w > 1000 ? 1000 : w;
  return 1 + (v - 10) * 9999 / 990;
}

static void
throttles (struct writes *w, const struct cell_cgroup_hier *h, bool v2)
{
  const struct cell_spec_resources *r = w->r;
  const struct
  {
    const char *name, *v1file, *v2key;
    const struct cell_spec_blkio_throttle *v;
    size_t n;
  } t[] = {
    { "throttleReadBpsDevice", "blkio.throttle.read_bps_device", "rbps", r->blkio_read_bps,
      r->n_blkio_read_bps },
    { "throttleWriteBpsDevice", "blkio.throttle.write_bps_device", "wbps", r->blkio_write_bps,
      r->n_blkio_write_bps },
    { "throttleReadIOPSDevice", "blkio.throttle.read_iops_device", "riops", r->blkio_read_iops,
      r->n_blkio_read_iops },
    { "throttleWriteIOPSDevice", "blkio.throttle.write_iops_device", "wiops", r->blkio_write_iops,
      r->n_blkio_write_iops },
  };
  for (size_t k = 0; k < ARRAY_SIZE (t); k++)
    for (size_t i = 0; i < t[k].n; i++)
      {
        const struct cell_spec_blkio_throttle *d = &t[k].v[i];
        cleanup_free char *ptr = xasprintf ("%s/blockIO/%s/%zu", P, t[k].name, i);
        if (v2)
          add (w, h, ptr, 0, "io.max", "%" PRId64 ":%" PRId64 " %s=%" PRIu64, d->major, d->minor, t[k].v2key,
               d->rate);
        else
          add (w, h, ptr, 0, t[k].v1file, "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor, d->rate);
      }
}

static int
tr_blkio (struct writes *w, struct cell_error **err)
{
  const struct cell_spec_resources *r = w->r;
  const struct cell_cgroup_hier *h;
  bool v2 = false, bfq;

  if (!(r->has_blkio_weight || r->has_blkio_leaf_weight || r->n_blkio_weight_device || r->n_blkio_read_bps
        || r->n_blkio_write_bps || r->n_blkio_read_iops || r->n_blkio_write_iops))
    return 0;
  h = where (w, "blkio", "io", P "/blockIO", &v2, err);
  if (h == NULL)
    return -1;
  /* With the BFQ scheduler the weight files are the bfq ones, on the v1 scale in both layouts. */
  bfq = !cell_cgroup_file_exists (h->dir, v2 ? "io.weight" : "blkio.weight")
        && cell_cgroup_file_exists (h->dir, v2 ? "io.bfq.weight" : "blkio.bfq.weight");
  if (v2 && r->has_blkio_leaf_weight && r->blkio_leaf_weight != 0)
    return no_v2 (P "/blockIO/leafWeight", "blkio.leaf_weight", err);
  if (r->has_blkio_weight && r->blkio_weight != 0)
    {
      if (v2 && !bfq)
        add (w, h, P "/blockIO/weight", 0, "io.weight", "%" PRIu64, io_weight (r->blkio_weight));
      else
        add (w, h, P "/blockIO/weight", 0,
             v2    ? "io.bfq.weight"
             : bfq ? "blkio.bfq.weight"
                   : "blkio.weight",
             "%u", (unsigned)r->blkio_weight);
    }
  if (!v2 && r->has_blkio_leaf_weight && r->blkio_leaf_weight != 0)
    add (w, h, P "/blockIO/leafWeight", 0, "blkio.leaf_weight", "%u", (unsigned)r->blkio_leaf_weight);
  for (size_t i = 0; i < r->n_blkio_weight_device; i++)
    {
      const struct cell_spec_blkio_weight_device *d = &r->blkio_weight_device[i];
      cleanup_free char *ptr = xasprintf ("%s/blockIO/weightDevice/%zu", P, i);
      if (d->has_weight && d->weight != 0)
        {
          if (v2 && !bfq)
            add (w, h, ptr, 0, "io.weight", "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
                 io_weight (d->weight));
          else
            add (w, h, ptr, 0,
                 v2    ? "io.bfq.weight"
                 : bfq ? "blkio.bfq.weight_device"
                       : "blkio.weight_device",
                 "%" PRId64 ":%" PRId64 " %u", d->major, d->minor, (unsigned)d->weight);
        }
      if (d->has_leaf_weight && d->leaf_weight != 0)
        {
          if (v2)
            return no_v2 (ptr, "blkio.leaf_weight_device", err);
          add (w, h, ptr, 0, "blkio.leaf_weight_device", "%" PRId64 ":%" PRId64 " %u", d->major, d->minor,
               (unsigned)d->leaf_weight);
        }
    }
  throttles (w, h, v2);
  return 0;
}

/* ---- hugetlb, network, rdma ---- */

static int
tr_hugetlb (struct writes *w, struct cell_error **err)
{
  const struct cell_spec_resources *r = w->r;
  const struct cell_cgroup_hier *h;
  bool v2 = false;
  if (r->n_hugepage_limits == 0)
    return 0;
  h = where (w, "hugetlb", "hugetlb", P "/hugepageLimits", &v2, err);
  if (h == NULL)
    return -1;
  for (size_t i = 0; i < r->n_hugepage_limits; i++)
    {
      const struct cell_spec_kv *kv = &r->hugepage_limits[i];
      cleanup_free char *ptr = xasprintf ("%s/hugepageLimits/%zu/limit", P, i);
      cleanup_free char *file = xasprintf (v2 ? "hugetlb.%s.max" : "hugetlb.%s.limit_in_bytes", kv->key);
      cleanup_free char *rsvd
          = xasprintf (v2 ? "hugetlb.%s.rsvd.max" : "hugetlb.%s.rsvd.limit_in_bytes", kv->key);
      if (strchr (kv->key, '/') || !cell_cgroup_file_exists (h->dir, file))
        return cell_err (err, 0, "%s/hugepageLimits/%zu/pageSize: this host has no %s huge pages (no `%s`)",
                         P, i, kv->key, file);
      add (w, h, ptr, 0, file, "%s", kv->value);
      /* Reservations too where the kernel accounts them (config-linux.md "Huge page limits"). */
      if (cell_cgroup_file_exists (h->dir, rsvd))
        add (w, h, ptr, 0, rsvd, "%s", kv->value);
    }
  return 0;
}

static int
tr_network (struct writes *w, struct cell_error **err)
{
  const struct cell_spec_resources *r = w->r;
  const struct cell_cgroup_hier *h;
  bool v2 = false;
  if (r->has_net_class_id)
    {
      if ((h = where (w, "net_cls", NULL, P "/network/classID", &v2, err)) == NULL)
        return -1;
      add (w, h, P "/network/classID", 0, "net_cls.classid", "%" PRIu32, r->net_class_id);
    }
  if (r->n_net_priorities > 0)
    {
      if ((h = where (w, "net_prio", NULL, P "/network/priorities", &v2, err)) == NULL)
        return -1;
      for (size_t i = 0; i < r->n_net_priorities; i++)
        {
          cleanup_free char *ptr = xasprintf ("%s/network/priorities/%zu", P, i);
          add (w, h, ptr, 0, "net_prio.ifpriomap", "%s %" PRIu32, r->net_priorities[i].name,
               r->net_priorities[i].priority);
        }
    }
  return 0;
}

static int
tr_rdma (struct writes *w, struct cell_error **err)
{
  const struct cell_cgroup_hier *h;
  bool v2 = false;
  if (w->r->n_rdma == 0)
    return 0;
  h = where (w, "rdma", "rdma", P "/rdma", &v2, err);
  if (h == NULL)
    return -1;
  for (size_t i = 0; i < w->r->n_rdma; i++)
    {
      cleanup_free char *ptr = xasprintf ("%s/rdma/%s", P, w->r->rdma[i].key);
      add (w, h, ptr, 0, "rdma.max", "%s %s", w->r->rdma[i].key, w->r->rdma[i].value);
    }
  return 0;
}

/* ---- unified ---- */

/* config-linux.md "Unified": every key is written as is; the runtime MUST enable the controller it needs
   and MUST error when the controller is absent or cannot be enabled. */
static int
tr_unified (struct writes *w, struct cell_error **err)
{
  const struct cell_spec_resources *r = w->r;
  struct cell_cgroup_hier *h;
  if (r->n_unified == 0)
    return 0;
  h = cell_cgroup_find_v2 (w->cg);
  if (h == NULL)
    return cell_err (err, 0, "%s/unified: needs cgroup v2 (this host has only cgroup v1)", P);
  for (size_t i = 0; i < r->n_unified; i++)
    {
      const char *k = r->unified[i].key;
      cleanup_free char *ptr = xasprintf ("%s/unified/%s", P, k);
      cleanup_free char *ctrl = xstrndup (k, strcspn (k, "."));
      bool v2 = true;
      if (*k == '\0' || *k == '.' || strchr (k, '/') || k[strlen (ctrl)] != '.')
        return cell_err (err, 0, "%s: not a cgroup interface file name", ptr);
      if (!streq (ctrl, "cgroup"))
        {
          if (w->cg->mode != CELL_CGROUP_V2 && cell_cgroup_find_ctrl (w->cg, ctrl))
            return cell_err (err, 0, "%s: the `%s` controller is bound to cgroup v1 on this host", ptr, ctrl);
          if (cell_cgroup_locate (w->cg, ctrl, &v2, err) == NULL)
            {
              if (err && *err)
                return -1;
              return cell_err (err, 0, "%s: the `%s` controller is not available in the cgroup v2 hierarchy",
                               ptr, ctrl);
            }
        }
      add (w, h, ptr, 0, k, "%s", r->unified[i].value);
    }
  return 0;
}

/* ---- the one write loop ---- */

static int
run (struct setting *s, struct cell_error **err)
{
  int r = cell_cgroup_write_raw (s->h->dir, s->file, s->value);
  if (r == 0 && (s->flags & SET_KMEM))
    {
      uint64_t back = 0;
      if (cell_cgroup_read_u64 (s->h->dir, s->file, &back, NULL) == 0 && back >= (UINT64_C (1) << 62)
          && !streq (s->value, "-1"))
        cell_warn ("%s: this kernel does not enforce kernel memory limits (`%s`); ignored", s->ptr, s->file);
      return 0;
    }
  if (r == 0)
    return 0;
  if ((s->flags & SET_OPTIONAL) && r == -ENOENT)
    return 0;
  if ((s->flags & SET_WARN_MISSING) && (r == -ENOENT || r == -EOPNOTSUPP || r == -524 /* ENOTSUPP */))
    {
      cell_warn ("%s: not supported by this kernel (no `%s`); ignored", s->ptr, s->file);
      return 0;
    }
  if (r == -ENOENT)
    return cell_err (err, 0, "%s: not supported on this host (no `%s` in `%s`)", s->ptr, s->file, s->h->dir);
  return cell_err (err, -r, "%s: write `%s` to `%s/%s`", s->ptr, s->value, s->h->dir, s->file);
}

static int
run_all (struct writes *w, struct cell_error **err)
{
  for (size_t i = 0; i < w->n; i++)
    {
      struct setting *s = &w->v[i];
      if ((s->flags & SET_SWAP_FIRST) && i + 1 < w->n)
        {
          int rc = cell_cgroup_write_raw (s->h->dir, s->file, s->value);
          if (rc == 0)
            continue;
          if (rc == -EINVAL)
            {
              if (run (&w->v[i + 1], err) < 0 || run (s, err) < 0)
                return -1;
              i++;
              continue;
            }
        }
      if (run (s, err) < 0)
        return -1;
    }
  return 0;
}

int
cell_cgroup_resources_apply (struct cell_cgroup *cg, const struct cell_spec_resources *res, bool devices,
                             bool update, struct cell_error **err)
{
  static int (*const translators[]) (struct writes *, struct cell_error **)
      = { tr_memory, tr_cpu, tr_cpuset, tr_pids, tr_blkio, tr_hugetlb, tr_network, tr_rdma, tr_unified };
  struct writes w = { .cg = cg, .r = res, .update = update };
  int r = 0;

  /* Every field is translated (and every controller looked up) before the first write, so that a field
     this host cannot honour fails before anything changed. */
  for (size_t i = 0; i < ARRAY_SIZE (translators) && r == 0; i++)
    r = translators[i](&w, err);
  if (r == 0 && devices)
    r = cell_cgroup_devices_apply (cg, res, err);
  if (r == 0)
    r = run_all (&w, err);
  for (size_t i = 0; i < w.n; i++)
    {
      free (w.v[i].ptr);
      free (w.v[i].file);
      free (w.v[i].value);
    }
  free (w.v);
  return r;
}
