/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-v2.c: the unified backend: interface files, cgroup.freeze/kill and the eBPF device filter. */
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <linux/bpf.h>
#include "cgroup-internal.h"
#include "log.h"
#include "xalloc.h"

#define FREEZE_TIMEOUT_MS 5000

static struct cell_cgroup_hier *
leaf (struct cell_cgroup *cg)
{
  return cell_cgroup_find_v2 (cg);
}

static int
v2_write (struct cell_cgroup *cg, const char *file, const char *value, struct cell_error **err)
{
  return cell_cgroup_write (leaf (cg)->dir, file, value, err);
}

static int
v2_write_i64 (struct cell_cgroup *cg, const char *file, int64_t v, struct cell_error **err)
{
  char buf[32] = "max";
  if (v >= 0)
    snprintf (buf, sizeof buf, "%" PRId64, v);
  return v2_write (cg, file, buf, err);
}

static int
unsupported (const char *what, const char *file, struct cell_error **err)
{
  return cell_err (err, EOPNOTSUPP, "%s: cgroup v2 has no `%s`", what, file);
}

/* ---- the device filter --------------------------------------------------------------------------------- */

struct prog
{
  struct bpf_insn *v;
  size_t n, cap;
};

static size_t
emit (struct prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
  p->v = xgrow (p->v, &p->cap, p->n + 1, sizeof *p->v);
  p->v[p->n] = (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
  return p->n++;
}

static void
patch_to_here (struct prog *p, const size_t *jumps, size_t n)
{
  for (size_t i = 0; i < n; i++)
    p->v[jumps[i]].off = (int16_t)(p->n - (jumps[i] + 1));
}

/* Builds the BPF_PROG_TYPE_CGROUP_DEVICE program. The kernel passes struct bpf_cgroup_dev_ctx:
   access_type = (access << 16) | type, major, minor (include/uapi/linux/bpf.h). A request may carry
   several access bits (open O_RDWR asks for read and write); each bit is decided on its own by the LAST
   rule that names the device and that bit, as with the v1 exception list, and the request passes only
   if every bit does. No matching rule denies. */
static int
build_device_prog (const struct cell_spec_device_rule *rules, size_t n, struct prog *p,
                   struct cell_error **err)
{
  static const int bits[] = { 1 /* BPF_DEVCG_ACC_MKNOD */, 2 /* READ */, 4 /* WRITE */ };
  cleanup_free size_t *to_end = xcalloc (n + 1, sizeof (size_t));

  /* r2 = type, r3 = access, r4 = major, r5 = minor */
  emit (p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, 0, 0);
  emit (p, BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff);
  emit (p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_3, BPF_REG_1, 0, 0);
  emit (p, BPF_ALU | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);
  emit (p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1, 4, 0);
  emit (p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1, 8, 0);

  for (size_t b = 0; b < ARRAY_SIZE (bits); b++)
    {
      size_t n_end = 0;
      bool decided = false;
      /* Bit not requested: on to the next one. */
      emit (p, BPF_ALU | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_3, 0, 0);
      emit (p, BPF_ALU | BPF_AND | BPF_K, BPF_REG_6, 0, 0, bits[b]);
      to_end[n_end++] = emit (p, BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_6, 0, 0, 0);
      for (size_t i = n; i-- > 0;)
        {
          const struct cell_spec_device_rule *r = &rules[i];
          size_t next[3], n_next = 0;
          if (!(cell_cgroup_device_access (r->access) & bits[b]))
            continue;
          if (r->major > INT32_MAX || r->minor > INT32_MAX)
            return cell_err (err, 0, "device rule %" PRId64 ":%" PRId64 ": number out of range", r->major,
                             r->minor);
          if (r->type != 'a')
            next[n_next++] = emit (p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, 0,
                                   r->type == 'b' ? 1 /* BPF_DEVCG_DEV_BLOCK */ : 2 /* BPF_DEVCG_DEV_CHAR */);
          if (r->major >= 0)
            next[n_next++] = emit (p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0, 0, (int32_t)r->major);
          if (r->minor >= 0)
            next[n_next++] = emit (p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, 0, 0, (int32_t)r->minor);
          if (r->allow)
            to_end[n_end++] = emit (p, BPF_JMP | BPF_JA, 0, 0, 0, 0);
          else
            {
              emit (p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
              emit (p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
            }
          patch_to_here (p, next, n_next);
          if (n_next == 0)
            {
              decided = true; /* matches everything: earlier rules cannot decide this bit */
              break;
            }
        }
      if (!decided)
        {
          emit (p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
          emit (p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
        }
      patch_to_here (p, to_end, n_end);
    }
  emit (p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 1);
  emit (p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
  if (p->n > 30000)
    return cell_err (err, 0, "too many device rules (%zu)", n);
  return 0;
}

static int
sys_bpf (int cmd, union bpf_attr *attr)
{
  return (int)syscall (SYS_bpf, cmd, attr, sizeof *attr);
}

int
cell_cgroup_v2_devices (const char *dir, const struct cell_spec_device_rule *rules, size_t n,
                        struct cell_error **err)
{
  struct prog p = { 0 };
  cleanup_close int prog_fd = -1, dfd = -1;
  uint32_t old_ids[64];
  uint32_t n_old = 0;
  union bpf_attr attr;
  char log[4096] = "";

  if (build_device_prog (rules, n, &p, err) < 0)
    {
      free (p.v);
      return -1;
    }
  memset (&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t)(uintptr_t)p.v;
  attr.insn_cnt = (uint32_t)p.n;
  attr.license = (uint64_t)(uintptr_t) "GPL";
  attr.log_buf = (uint64_t)(uintptr_t)log;
  attr.log_size = sizeof log;
  attr.log_level = 1;
  prog_fd = sys_bpf (BPF_PROG_LOAD, &attr);
  if (prog_fd < 0 && errno == ENOSPC)
    {
      /* The verifier log did not fit: load again without one. */
      attr.log_buf = 0;
      attr.log_size = 0;
      attr.log_level = 0;
      prog_fd = sys_bpf (BPF_PROG_LOAD, &attr);
    }
  free (p.v);
  if (prog_fd < 0)
    {
      char *nl = strchr (log, '\n');
      if (nl)
        *nl = '\0';
      return cell_err_errno (err, "load the device filter (BPF_PROG_TYPE_CGROUP_DEVICE)%s%s",
                             *log ? ": " : "", log);
    }
  dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return cell_err_errno (err, "open `%s`", dir);

  /* Programs attached before (an earlier apply): replaced after the new one is in, so that there is no
     moment without a filter. */
  memset (&attr, 0, sizeof attr);
  attr.query.target_fd = dfd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (uint64_t)(uintptr_t)old_ids;
  attr.query.prog_cnt = ARRAY_SIZE (old_ids);
  if (sys_bpf (BPF_PROG_QUERY, &attr) == 0)
    n_old = attr.query.prog_cnt;

  memset (&attr, 0, sizeof attr);
  attr.target_fd = dfd;
  attr.attach_bpf_fd = prog_fd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf (BPF_PROG_ATTACH, &attr) < 0)
    return cell_err_errno (err, "attach the device filter to `%s`", dir);

  for (uint32_t i = 0; i < n_old && i < ARRAY_SIZE (old_ids); i++)
    {
      cleanup_close int old_fd = -1;
      memset (&attr, 0, sizeof attr);
      attr.prog_id = old_ids[i];
      old_fd = sys_bpf (BPF_PROG_GET_FD_BY_ID, &attr);
      if (old_fd < 0)
        continue;
      memset (&attr, 0, sizeof attr);
      attr.target_fd = dfd;
      attr.attach_bpf_fd = old_fd;
      attr.attach_type = BPF_CGROUP_DEVICE;
      if (sys_bpf (BPF_PROG_DETACH, &attr) < 0 && errno != ENOENT)
        return cell_err_errno (err, "detach the previous device filter from `%s`", dir);
    }
  return 0;
}

/* ---- resources ------------------------------------------------------------------------------------------
 */

static int
v2_memory (struct cell_cgroup *cg, const struct cell_spec_resources *res, struct cell_error **err)
{
  if (res->has_memory_limit && res->memory_limit != 0
      && v2_write_i64 (cg, "memory.max", res->memory_limit, err) < 0)
    return -1;
  /* OCI memory.swap is memory+swap; memory.swap.max is swap alone (runc's conversion). */
  if (res->has_memory_swap && res->memory_swap != 0)
    {
      int64_t lim = res->has_memory_limit ? res->memory_limit : 0, swap;
      if (res->memory_swap == -1)
        swap = -1;
      else if (lim <= 0)
        return cell_err (err, 0, "linux.resources.memory.swap needs memory.limit on cgroup v2");
      else if (res->memory_swap < lim)
        return cell_err (err, 0,
                         "linux.resources.memory.swap (%" PRId64 ") is below memory.limit (%" PRId64 ")",
                         res->memory_swap, lim);
      else
        swap = res->memory_swap - lim;
      if (v2_write_i64 (cg, "memory.swap.max", swap, err) < 0)
        return -1;
    }
  if (res->has_memory_reservation && res->memory_reservation != 0
      && v2_write_i64 (cg, "memory.low", res->memory_reservation, err) < 0)
    return -1;
  if (res->has_memory_swappiness)
    return unsupported ("linux.resources.memory.swappiness", "memory.swappiness", err);
  if (res->has_memory_disable_oom_killer && res->memory_disable_oom_killer)
    return unsupported ("linux.resources.memory.disableOOMKiller", "memory.oom_control", err);
  if (res->has_memory_use_hierarchy && !res->memory_use_hierarchy)
    return unsupported ("linux.resources.memory.useHierarchy=false", "memory.use_hierarchy", err);
  if (res->has_memory_kernel || res->has_memory_kernel_tcp)
    cell_warn ("linux.resources.memory.kernel and kernelTCP are ignored");
  return 0;
}

static int
v2_cpu (struct cell_cgroup *cg, const struct cell_spec_resources *res, struct cell_error **err)
{
  if (res->has_cpu_shares && res->cpu_shares != 0)
    {
      /* cpu.shares [2, 262144] -> cpu.weight [1, 10000], the mapping runc and crun share. */
      uint64_t s = res->cpu_shares < 2 ? 2 : res->cpu_shares > 262144 ? 262144 : res->cpu_shares;
      if (v2_write_i64 (cg, "cpu.weight", (int64_t)(1 + ((s - 2) * 9999) / 262142), err) < 0)
        return -1;
    }
  if ((res->has_cpu_quota && res->cpu_quota != 0) || (res->has_cpu_period && res->cpu_period != 0))
    {
      char buf[64], quota[24] = "max";
      uint64_t period = res->has_cpu_period && res->cpu_period ? res->cpu_period : 100000;
      if (res->has_cpu_quota && res->cpu_quota > 0)
        snprintf (quota, sizeof quota, "%" PRId64, res->cpu_quota);
      snprintf (buf, sizeof buf, "%s %" PRIu64, quota, period);
      if (v2_write (cg, "cpu.max", buf, err) < 0)
        return -1;
    }
  if (res->has_cpu_burst && v2_write_i64 (cg, "cpu.max.burst", (int64_t)res->cpu_burst, err) < 0)
    return -1;
  if ((res->has_cpu_realtime_runtime && res->cpu_realtime_runtime != 0)
      || (res->has_cpu_realtime_period && res->cpu_realtime_period != 0))
    return unsupported ("linux.resources.cpu.realtimeRuntime/realtimePeriod", "cpu.rt_runtime_us", err);
  if (res->has_cpu_idle && v2_write_i64 (cg, "cpu.idle", res->cpu_idle, err) < 0)
    return -1;
  if (res->cpu_cpus && *res->cpu_cpus && v2_write (cg, "cpuset.cpus", res->cpu_cpus, err) < 0)
    return -1;
  if (res->cpu_mems && *res->cpu_mems && v2_write (cg, "cpuset.mems", res->cpu_mems, err) < 0)
    return -1;
  return 0;
}

static int
v2_apply (struct cell_cgroup *cg, const struct cell_spec_resources *res, bool devices,
          struct cell_error **err)
{
  struct cell_cgroup_hier *h = leaf (cg);

  if (h == NULL)
    return cell_err (err, 0, "no cgroup2 directory");
  if (res->has_blkio_devices || res->has_rdma || res->has_net_priorities)
    return cell_err (err, 0,
                     "linux.resources: blockIO device lists, rdma and network priorities are not supported");
  if (v2_memory (cg, res, err) < 0 || v2_cpu (cg, res, err) < 0)
    return -1;
  if (res->has_pids_limit
      && v2_write_i64 (cg, "pids.max", res->pids_limit > 0 ? res->pids_limit : -1, err) < 0)
    return -1;
  if (res->has_blkio_weight && res->blkio_weight != 0)
    {
      /* BFQ takes the v1 scale; io.weight is [1, 10000] (runc's conversion from [10, 1000]). */
      if (cell_cgroup_file_exists (h->dir, "io.bfq.weight"))
        {
          if (v2_write_i64 (cg, "io.bfq.weight", res->blkio_weight, err) < 0)
            return -1;
        }
      else
        {
          int64_t w = res->blkio_weight < 10 ? 10 : res->blkio_weight > 1000 ? 1000 : res->blkio_weight;
          if (v2_write_i64 (cg, "io.weight", 1 + (w - 10) * 9999 / 990, err) < 0)
            return -1;
        }
    }
  if (res->has_blkio_leaf_weight && res->blkio_leaf_weight != 0)
    return unsupported ("linux.resources.blockIO.leafWeight", "blkio.leaf_weight", err);
  for (size_t i = 0; i < res->n_hugepage_limits; i++)
    {
      cleanup_free char *file = xasprintf ("hugetlb.%s.max", res->hugepage_limits[i].key);
      if (strchr (res->hugepage_limits[i].key, '/'))
        return cell_err (err, 0, "invalid hugepage size `%s`", res->hugepage_limits[i].key);
      if (v2_write (cg, file, res->hugepage_limits[i].value, err) < 0)
        return -1;
    }
  if (res->has_net_class_id)
    return unsupported ("linux.resources.network.classID", "net_cls.classid", err);
  for (size_t i = 0; i < res->n_unified; i++)
    {
      const char *k = res->unified[i].key;
      if (*k == '\0' || *k == '.' || strchr (k, '/'))
        return cell_err (err, 0, "invalid linux.resources.unified key `%s`", k);
      if (v2_write (cg, k, res->unified[i].value, err) < 0)
        return -1;
    }
  if (devices)
    {
      cleanup_free struct cell_spec_device_rule *rules = NULL;
      size_t n = 0;
      if (cell_cgroup_device_rules (res, &rules, &n, err) < 0)
        return -1;
      if (cell_cgroup_v2_devices (h->dir, rules, n, err) < 0)
        return -1;
    }
  return 0;
}

/* ---- freezer, processes, kill
 * ------------------------------------------------------------------------------ */

static long long
mono_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
events_frozen (const char *dir, struct cell_error **err)
{
  cleanup_free char *ev = NULL;
  char *p;
  if (cell_cgroup_read (dir, "cgroup.events", &ev, err) < 0)
    return *err ? -1 : cell_err (err, ENOENT, "read `%s/cgroup.events`", dir);
  p = strstr (ev, "frozen ");
  return p && p[7] == '1';
}

/* cgroup.freeze asks; cgroup.events "frozen 1" says it happened (cgroup-v2.rst, Linux 5.2). */
static int
v2_freeze (struct cell_cgroup *cg, bool frozen, struct cell_error **err)
{
  struct cell_cgroup_hier *h = leaf (cg);
  long long deadline = mono_ms () + FREEZE_TIMEOUT_MS;

  if (h == NULL)
    return cell_err (err, 0, "no cgroup2 directory");
  if (cell_cgroup_write (h->dir, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
    return -1;
  for (;;)
    {
      struct timespec ts = { 0, 1000000 };
      int r = events_frozen (h->dir, err);
      if (r < 0)
        return -1;
      if (r == (int)frozen)
        return 0;
      if (mono_ms () > deadline)
        {
          if (frozen)
            (void)cell_cgroup_write (h->dir, "cgroup.freeze", "0", NULL);
          return cell_err (err, ETIMEDOUT, "`%s/cgroup.events` does not report `frozen %d`", h->dir, frozen);
        }
      nanosleep (&ts, NULL);
    }
}

static bool
v2_is_frozen (struct cell_cgroup *cg)
{
  struct cell_cgroup_hier *h = leaf (cg);
  cleanup_free char *v = NULL;
  struct cell_error *e = NULL;
  if (h == NULL || cell_cgroup_read (h->dir, "cgroup.freeze", &v, &e) < 0)
    {
      cell_error_free (e);
      return false;
    }
  return streq (v, "1");
}

static struct cell_cgroup_hier *
v2_procs_hier (struct cell_cgroup *cg)
{
  return leaf (cg);
}

/* cgroup.kill (Linux 5.14) SIGKILLs the whole subtree, frozen or not, with no race against fork. */
static int
v2_kill_fast (struct cell_cgroup *cg, int sig, struct cell_error **err)
{
  struct cell_cgroup_hier *h = leaf (cg);
  if (sig != SIGKILL || h == NULL || !cell_cgroup_file_exists (h->dir, "cgroup.kill"))
    return 0;
  if (cell_cgroup_write (h->dir, "cgroup.kill", "1", err) < 0)
    return -1;
  return 1;
}

const struct cell_cgroup_ops cell_cgroup_v2_ops = {
  .apply = v2_apply,
  .freeze = v2_freeze,
  .is_frozen = v2_is_frozen,
  .procs_hier = v2_procs_hier,
  .kill_fast = v2_kill_fast,
};
