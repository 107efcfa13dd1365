/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup-stats.c: what the container used, read from its cgroup files (cpu, memory, pids, blkio/io,
   hugetlb, on v1 or v2 layouts), rendered as runc's `events --stats` JSON; and OOM-kill notification
   (v1 memory.oom_control through an eventfd, v2 memory.events) for `events`. */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/eventfd.h>
#include "cgroup-internal.h"
#include "json.h"
#include "strv.h"
#include "xalloc.h"

/* Where a controller's files are, without enabling anything: reading must not change the hierarchy. */
static const struct cell_cgroup_hier *
find (struct cell_cgroup *cg, const char *ctrl, bool *v2)
{
  const struct cell_cgroup_hier *h = cell_cgroup_find_ctrl (cg, ctrl);
  *v2 = h == NULL;
  return h ? h : cell_cgroup_find_v2 (cg);
}

static uint64_t
u64_or_zero (const char *dir, const char *file)
{
  uint64_t v = 0;
  if (cell_cgroup_read_u64 (dir, file, &v, NULL) != 0)
    return 0;
  return v;
}

static uint64_t
key_or_zero (const char *dir, const char *file, const char *key)
{
  uint64_t v = 0;
  if (cell_cgroup_read_key (dir, file, key, &v, NULL) != 0)
    return 0;
  return v;
}

/* ---- cpu ---- */

static void
cpu_v1 (struct cell_cgroup *cg, struct cell_cgroup_stats *s)
{
  struct cell_cgroup_hier *acct = cell_cgroup_find_ctrl (cg, "cpuacct"),
                          *cpu = cell_cgroup_find_ctrl (cg, "cpu");
  if (acct)
    {
      cleanup_free char *percpu = NULL;
      s->has_cpu = true;
      s->cpu_total = u64_or_zero (acct->dir, "cpuacct.usage");
      if (cell_cgroup_read (acct->dir, "cpuacct.usage_percpu", &percpu, NULL) == 0)
        {
          cleanup_strv char **v = cell_cgroup_split (percpu, " ");
          s->n_cpu_percpu = cell_strv_len (v);
          s->cpu_percpu = xcalloc (s->n_cpu_percpu + 1, sizeof (uint64_t));
          for (size_t i = 0; i < s->n_cpu_percpu; i++)
            s->cpu_percpu[i] = strtoull (v[i], NULL, 10);
        }
      if (cell_cgroup_file_exists (acct->dir, "cpuacct.usage_user"))
        {
          s->cpu_user = u64_or_zero (acct->dir, "cpuacct.usage_user");
          s->cpu_kernel = u64_or_zero (acct->dir, "cpuacct.usage_sys");
        }
      else
        {
          /* cpuacct.stat counts USER_HZ ticks */
          uint64_t hz = (uint64_t)sysconf (_SC_CLK_TCK);
          s->cpu_user = key_or_zero (acct->dir, "cpuacct.stat", "user") * (1000000000 / (hz ? hz : 100));
          s->cpu_kernel = key_or_zero (acct->dir, "cpuacct.stat", "system") * (1000000000 / (hz ? hz : 100));
        }
    }
  if (cpu)
    {
      s->has_cpu = true;
      s->cpu_periods = key_or_zero (cpu->dir, "cpu.stat", "nr_periods");
      s->cpu_throttled_periods = key_or_zero (cpu->dir, "cpu.stat", "nr_throttled");
      s->cpu_throttled_time = key_or_zero (cpu->dir, "cpu.stat", "throttled_time");
    }
}

static void
cpu_v2 (const struct cell_cgroup_hier *h, struct cell_cgroup_stats *s)
{
  if (!cell_cgroup_file_exists (h->dir, "cpu.stat"))
    return;
  s->has_cpu = true;
  s->cpu_total = key_or_zero (h->dir, "cpu.stat", "usage_usec") * 1000;
  s->cpu_user = key_or_zero (h->dir, "cpu.stat", "user_usec") * 1000;
  s->cpu_kernel = key_or_zero (h->dir, "cpu.stat", "system_usec") * 1000;
  s->cpu_periods = key_or_zero (h->dir, "cpu.stat", "nr_periods");
  s->cpu_throttled_periods = key_or_zero (h->dir, "cpu.stat", "nr_throttled");
  s->cpu_throttled_time = key_or_zero (h->dir, "cpu.stat", "throttled_usec") * 1000;
}

/* ---- memory ---- */

static void
mem_raw (const char *dir, struct cell_cgroup_stats *s)
{
  cleanup_free char *stat = NULL;
  size_t cap = 0;
  if (cell_cgroup_read (dir, "memory.stat", &stat, NULL) != 0)
    return;
  for (char *save = NULL, *l = strtok_r (stat, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
    {
      char *sp = strchr (l, ' ');
      if (sp == NULL)
        continue;
      *sp = '\0';
      s->memory_raw = xgrow (s->memory_raw, &cap, s->n_memory_raw + 1, sizeof *s->memory_raw);
      s->memory_raw[s->n_memory_raw].key = xstrdup (l);
      s->memory_raw[s->n_memory_raw].value = strtoull (sp + 1, NULL, 10);
      s->n_memory_raw++;
    }
}

static void
mem_entry (const char *dir, const char *prefix, struct cell_cgroup_mem_entry *e)
{
  cleanup_free char *usage = xasprintf ("%s.usage_in_bytes", prefix),
                    *max = xasprintf ("%s.max_usage_in_bytes", prefix),
                    *fail = xasprintf ("%s.failcnt", prefix),
                    *limit = xasprintf ("%s.limit_in_bytes", prefix);
  e->usage = u64_or_zero (dir, usage);
  e->max = u64_or_zero (dir, max);
  e->failcnt = u64_or_zero (dir, fail);
  e->limit = u64_or_zero (dir, limit);
}

static void
memory (struct cell_cgroup *cg, struct cell_cgroup_stats *s)
{
  bool v2 = false;
  const struct cell_cgroup_hier *h = find (cg, "memory", &v2);
  if (h == NULL || !cell_cgroup_file_exists (h->dir, v2 ? "memory.current" : "memory.usage_in_bytes"))
    return;
  s->has_memory = true;
  mem_raw (h->dir, s);
  if (!v2)
    {
      mem_entry (h->dir, "memory", &s->memory_usage);
      mem_entry (h->dir, "memory.memsw", &s->memory_swap);
      mem_entry (h->dir, "memory.kmem", &s->memory_kernel);
      mem_entry (h->dir, "memory.kmem.tcp", &s->memory_kernel_tcp);
      s->memory_cache = key_or_zero (h->dir, "memory.stat", "cache");
      return;
    }
  s->memory_usage.usage = u64_or_zero (h->dir, "memory.current");
  s->memory_usage.limit = u64_or_zero (h->dir, "memory.max");
  s->memory_usage.max = u64_or_zero (h->dir, "memory.peak");
  s->memory_usage.failcnt = key_or_zero (h->dir, "memory.events", "max");
  /* As runc does, swap is reported as memory+swap, the figure the v1 memsw files give. */
  s->memory_swap.usage = u64_or_zero (h->dir, "memory.swap.current") + s->memory_usage.usage;
  s->memory_swap.limit = u64_or_zero (h->dir, "memory.swap.max");
  if (s->memory_swap.limit != UINT64_MAX && s->memory_usage.limit != UINT64_MAX)
    s->memory_swap.limit += s->memory_usage.limit;
  else
    s->memory_swap.limit = UINT64_MAX;
  s->memory_swap.max = u64_or_zero (h->dir, "memory.swap.peak");
  s->memory_swap.failcnt = key_or_zero (h->dir, "memory.swap.events", "max");
  s->memory_cache = key_or_zero (h->dir, "memory.stat", "file");
}

/* ---- blkio / io ---- */

static void
blkio_add (struct cell_cgroup_blkio_entry **v, size_t *n, size_t *cap, uint64_t major, uint64_t minor,
           const char *op, uint64_t value)
{
  *v = xgrow (*v, cap, *n + 1, sizeof **v);
  (*v)[*n] = (struct cell_cgroup_blkio_entry){
    .major = major, .minor = minor, .op = xstrdup (op), .value = value
  };
  (*n)++;
}

/* v1 "8:0 Read 4096" lines ("Total N" without a device is skipped). */
static bool
blkio_v1_file (const char *dir, const char *file, struct cell_cgroup_blkio_entry **v, size_t *n)
{
  cleanup_free char *s = NULL;
  size_t cap = 0;
  if (cell_cgroup_read (dir, file, &s, NULL) != 0)
    return false;
  for (char *save = NULL, *l = strtok_r (s, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
    {
      unsigned long long ma, mi, val;
      char op[32];
      if (sscanf (l, "%llu:%llu %31s %llu", &ma, &mi, op, &val) == 4)
        blkio_add (v, n, &cap, ma, mi, op, val);
    }
  return *n > 0;
}

static void
blkio (struct cell_cgroup *cg, struct cell_cgroup_stats *s)
{
  bool v2 = false;
  const struct cell_cgroup_hier *h = find (cg, "blkio", &v2);
  if (h == NULL)
    return;
  if (!v2)
    {
      /* The CFQ files, else BFQ's, else the throttling layer's (which counts every request): runc's
         order. */
      static const char *const prefix[] = { "blkio.", "blkio.bfq.", "blkio.throttle." };
      for (size_t i = 0; i < ARRAY_SIZE (prefix); i++)
        {
          cleanup_free char *bytes = xasprintf ("%sio_service_bytes_recursive", prefix[i]);
          cleanup_free char *ops = xasprintf ("%sio_serviced_recursive", prefix[i]);
          bool b = blkio_v1_file (h->dir, bytes, &s->io_service_bytes, &s->n_io_service_bytes);
          bool o = blkio_v1_file (h->dir, ops, &s->io_serviced, &s->n_io_serviced);
          if (b || o)
            return;
        }
      return;
    }
  {
    /* io.stat: "254:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=5 dios=6" */
    cleanup_free char *st = NULL;
    size_t cap_b = 0, cap_o = 0;
    static const struct
    {
      const char *key, *op;
      bool bytes;
    } map[] = { { "rbytes", "Read", true }, { "wbytes", "Write", true }, { "dbytes", "Discard", true },
                { "rios", "Read", false },  { "wios", "Write", false },  { "dios", "Discard", false } };
    if (cell_cgroup_read (h->dir, "io.stat", &st, NULL) != 0)
      return;
    for (char *save = NULL, *l = strtok_r (st, "\n", &save); l; l = strtok_r (NULL, "\n", &save))
      {
        unsigned long long ma, mi;
        cleanup_strv char **kv = cell_cgroup_split (l, " ");
        if (kv[0] == NULL || sscanf (kv[0], "%llu:%llu", &ma, &mi) != 2)
          continue;
        for (size_t k = 1; kv[k]; k++)
          for (size_t m = 0; m < ARRAY_SIZE (map); m++)
            {
              size_t kl = strlen (map[m].key);
              if (strncmp (kv[k], map[m].key, kl) != 0 || kv[k][kl] != '=')
                continue;
              if (map[m].bytes)
                blkio_add (&s->io_service_bytes, &s->n_io_service_bytes, &cap_b, ma, mi, map[m].op,
                           strtoull (kv[k] + kl + 1, NULL, 10));
              else
                blkio_add (&s->io_serviced, &s->n_io_serviced, &cap_o, ma, mi, map[m].op,
                           strtoull (kv[k] + kl + 1, NULL, 10));
            }
      }
  }
}

/* ---- hugetlb ---- */

static void
hugetlb (struct cell_cgroup *cg, struct cell_cgroup_stats *s)
{
  bool v2 = false;
  const struct cell_cgroup_hier *h = find (cg, "hugetlb", &v2);
  DIR *d;
  struct dirent *de;
  size_t cap = 0;
  if (h == NULL)
    return;
  d = opendir (h->dir);
  if (d == NULL)
    return;
  while ((de = readdir (d)) != NULL)
    {
      const char *suffix = v2 ? ".max" : ".limit_in_bytes";
      size_t len = strlen (de->d_name), sl = strlen (suffix);
      cleanup_free char *size = NULL, *f_usage = NULL, *f_max = NULL, *f_fail = NULL;
      struct cell_cgroup_hugetlb_stat *e;
      if (strncmp (de->d_name, "hugetlb.", 8) != 0 || len <= 8 + sl || !streq (de->d_name + len - sl, suffix)
          || strstr (de->d_name, ".rsvd."))
        continue;
      size = xstrndup (de->d_name + 8, len - 8 - sl);
      s->hugetlb = xgrow (s->hugetlb, &cap, s->n_hugetlb + 1, sizeof *s->hugetlb);
      e = &s->hugetlb[s->n_hugetlb++];
      memset (e, 0, sizeof *e);
      if (v2)
        {
          f_usage = xasprintf ("hugetlb.%s.current", size);
          f_fail = xasprintf ("hugetlb.%s.events", size);
          e->usage = u64_or_zero (h->dir, f_usage);
          e->failcnt = key_or_zero (h->dir, f_fail, "max");
        }
      else
        {
          f_usage = xasprintf ("hugetlb.%s.usage_in_bytes", size);
          f_max = xasprintf ("hugetlb.%s.max_usage_in_bytes", size);
          f_fail = xasprintf ("hugetlb.%s.failcnt", size);
          e->usage = u64_or_zero (h->dir, f_usage);
          e->max = u64_or_zero (h->dir, f_max);
          e->failcnt = u64_or_zero (h->dir, f_fail);
        }
      e->size = steal_ptr (&size);
    }
  closedir (d);
}

int
cell_cgroup_stats (struct cell_cgroup *cg, struct cell_cgroup_stats *s, struct cell_error **err)
{
  bool v2 = false;
  const struct cell_cgroup_hier *h;

  memset (s, 0, sizeof *s);
  if (cg->n_h == 0)
    return cell_err (err, 0, "no cgroup");
  if (cg->mode == CELL_CGROUP_V2)
    cpu_v2 (cell_cgroup_find_v2 (cg), s);
  else
    cpu_v1 (cg, s);
  memory (cg, s);
  if ((h = find (cg, "pids", &v2)) != NULL && cell_cgroup_file_exists (h->dir, "pids.current"))
    {
      s->has_pids = true;
      s->pids_current = u64_or_zero (h->dir, "pids.current");
      s->pids_limit = u64_or_zero (h->dir, "pids.max");
      if (s->pids_limit == UINT64_MAX)
        s->pids_limit = 0; /* runc: 0 = no limit */
    }
  blkio (cg, s);
  hugetlb (cg, s);
  return 0;
}

void
cell_cgroup_stats_clear (struct cell_cgroup_stats *s)
{
  free (s->cpu_percpu);
  for (size_t i = 0; i < s->n_memory_raw; i++)
    free (s->memory_raw[i].key);
  free (s->memory_raw);
  for (size_t i = 0; i < s->n_io_service_bytes; i++)
    free (s->io_service_bytes[i].op);
  free (s->io_service_bytes);
  for (size_t i = 0; i < s->n_io_serviced; i++)
    free (s->io_serviced[i].op);
  free (s->io_serviced);
  for (size_t i = 0; i < s->n_hugetlb; i++)
    free (s->hugetlb[i].size);
  free (s->hugetlb);
  memset (s, 0, sizeof *s);
}

/* ---- runc's JSON (types/events.go: field names and which ones are omitted when zero) ---- */

static void
kv_u64 (struct cell_json_gen *g, const char *key, uint64_t v, bool omit_zero)
{
  if (omit_zero && v == 0)
    return;
  cell_json_gen_key (g, key);
  cell_json_gen_uint (g, v);
}

static void
gen_mem_entry (struct cell_json_gen *g, const char *key, const struct cell_cgroup_mem_entry *e)
{
  cell_json_gen_key (g, key);
  cell_json_gen_map_open (g);
  kv_u64 (g, "limit", e->limit, false);
  kv_u64 (g, "usage", e->usage, true);
  kv_u64 (g, "max", e->max, true);
  kv_u64 (g, "failcnt", e->failcnt, false);
  cell_json_gen_map_close (g);
}

static void
gen_blkio (struct cell_json_gen *g, const char *key, const struct cell_cgroup_blkio_entry *v, size_t n)
{
  if (n == 0)
    return;
  cell_json_gen_key (g, key);
  cell_json_gen_array_open (g);
  for (size_t i = 0; i < n; i++)
    {
      cell_json_gen_map_open (g);
      kv_u64 (g, "major", v[i].major, true);
      kv_u64 (g, "minor", v[i].minor, true);
      if (v[i].op && *v[i].op)
        cell_json_gen_kv_string (g, "op", v[i].op);
      kv_u64 (g, "value", v[i].value, true);
      cell_json_gen_map_close (g);
    }
  cell_json_gen_array_close (g);
}

char *
cell_cgroup_stats_json (const char *id, const struct cell_cgroup_stats *s)
{
  struct cell_json_gen *g = cell_json_gen_new (false);

  cell_json_gen_map_open (g);
  cell_json_gen_kv_string (g, "type", "stats");
  cell_json_gen_kv_string (g, "id", id);
  cell_json_gen_key (g, "data");
  cell_json_gen_map_open (g);

  cell_json_gen_key (g, "cpu");
  cell_json_gen_map_open (g);
  cell_json_gen_key (g, "usage");
  cell_json_gen_map_open (g);
  kv_u64 (g, "total", s->cpu_total, true);
  if (s->n_cpu_percpu > 0)
    {
      cell_json_gen_key (g, "percpu");
      cell_json_gen_array_open (g);
      for (size_t i = 0; i < s->n_cpu_percpu; i++)
        cell_json_gen_uint (g, s->cpu_percpu[i]);
      cell_json_gen_array_close (g);
    }
  kv_u64 (g, "kernel", s->cpu_kernel, false);
  kv_u64 (g, "user", s->cpu_user, false);
  cell_json_gen_map_close (g);
  cell_json_gen_key (g, "throttling");
  cell_json_gen_map_open (g);
  kv_u64 (g, "periods", s->cpu_periods, true);
  kv_u64 (g, "throttledPeriods", s->cpu_throttled_periods, true);
  kv_u64 (g, "throttledTime", s->cpu_throttled_time, true);
  cell_json_gen_map_close (g);
  cell_json_gen_map_close (g);

  cell_json_gen_key (g, "memory");
  cell_json_gen_map_open (g);
  kv_u64 (g, "cache", s->memory_cache, true);
  gen_mem_entry (g, "usage", &s->memory_usage);
  gen_mem_entry (g, "swap", &s->memory_swap);
  gen_mem_entry (g, "kernel", &s->memory_kernel);
  gen_mem_entry (g, "kernelTCP", &s->memory_kernel_tcp);
  if (s->n_memory_raw > 0)
    {
      cell_json_gen_key (g, "raw");
      cell_json_gen_map_open (g);
      for (size_t i = 0; i < s->n_memory_raw; i++)
        kv_u64 (g, s->memory_raw[i].key, s->memory_raw[i].value, false);
      cell_json_gen_map_close (g);
    }
  cell_json_gen_map_close (g);

  cell_json_gen_key (g, "pids");
  cell_json_gen_map_open (g);
  kv_u64 (g, "current", s->pids_current, true);
  kv_u64 (g, "limit", s->pids_limit, true);
  cell_json_gen_map_close (g);

  cell_json_gen_key (g, "blkio");
  cell_json_gen_map_open (g);
  gen_blkio (g, "ioServiceBytesRecursive", s->io_service_bytes, s->n_io_service_bytes);
  gen_blkio (g, "ioServicedRecursive", s->io_serviced, s->n_io_serviced);
  cell_json_gen_map_close (g);

  cell_json_gen_key (g, "hugetlb");
  cell_json_gen_map_open (g);
  for (size_t i = 0; i < s->n_hugetlb; i++)
    {
      cell_json_gen_key (g, s->hugetlb[i].size);
      cell_json_gen_map_open (g);
      kv_u64 (g, "usage", s->hugetlb[i].usage, true);
      kv_u64 (g, "max", s->hugetlb[i].max, true);
      kv_u64 (g, "failcnt", s->hugetlb[i].failcnt, false);
      cell_json_gen_map_close (g);
    }
  cell_json_gen_map_close (g);

  cell_json_gen_map_close (g);
  cell_json_gen_map_close (g);
  return cell_json_gen_finish (g, NULL);
}

/* ---- OOM ---- */

struct cell_cgroup_oom
{
  int fd;        /* v1: the eventfd; v2: memory.events */
  int events_fd; /* v1: memory.oom_control (kept open: the registration lives as long as it) */
  char *dir;
  bool v2;
  uint64_t seen; /* oom_kill count at the last check */
};

static int
oom_kills (struct cell_cgroup_oom *w, uint64_t *out, struct cell_error **err)
{
  if (!w->v2)
    {
      int r = cell_cgroup_read_key (w->dir, "memory.oom_control", "oom_kill", out, err);
      return r == CELL_CGROUP_MISSING
                 ? cell_err (err, ENOENT, "read `oom_kill` from `%s/memory.oom_control`", w->dir)
                 : r;
    }
  {
    /* Reading through the polled fd re-arms its notification (kernfs). */
    char buf[4096];
    ssize_t n = pread (w->fd, buf, sizeof buf - 1, 0);
    char *p;
    if (n < 0)
      return cell_err_errno (err, "read `%s/memory.events`", w->dir);
    buf[n] = '\0';
    p = strstr (buf, "oom_kill ");
    *out = p ? strtoull (p + 9, NULL, 10) : 0;
    return 0;
  }
}

int
cell_cgroup_oom_watch (struct cell_cgroup *cg, struct cell_cgroup_oom **out, struct cell_error **err)
{
  bool v2 = false;
  const struct cell_cgroup_hier *h = find (cg, "memory", &v2);
  struct cell_cgroup_oom *w;

  *out = NULL;
  if (h == NULL || !cell_cgroup_file_exists (h->dir, v2 ? "memory.events" : "memory.oom_control"))
    return cell_err (err, 0, "no memory cgroup controller: OOM events are not available");
  w = xzalloc (sizeof *w);
  w->fd = w->events_fd = -1;
  w->dir = xstrdup (h->dir);
  w->v2 = v2;
  if (v2)
    {
      cleanup_free char *path = xasprintf ("%s/memory.events", h->dir);
      w->fd = open (path, O_RDONLY | O_CLOEXEC);
      if (w->fd < 0)
        {
          cell_err_errno (err, "open `%s`", path);
          cell_cgroup_oom_free (w);
          return -1;
        }
    }
  else
    {
      /* cgroup-v1/memory.rst "Memory thresholds"/"OOM Control": register an eventfd for
         memory.oom_control in cgroup.event_control. */
      cleanup_free char *path = xasprintf ("%s/memory.oom_control", h->dir);
      char line[64];
      w->events_fd = open (path, O_RDONLY | O_CLOEXEC);
      w->fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
      if (w->events_fd < 0 || w->fd < 0)
        {
          cell_err_errno (err, "open `%s`", path);
          cell_cgroup_oom_free (w);
          return -1;
        }
      snprintf (line, sizeof line, "%d %d", w->fd, w->events_fd);
      if (cell_cgroup_write (h->dir, "cgroup.event_control", line, err) < 0)
        {
          cell_cgroup_oom_free (w);
          return -1;
        }
    }
  if (oom_kills (w, &w->seen, err) < 0)
    {
      cell_cgroup_oom_free (w);
      return -1;
    }
  *out = w;
  return 0;
}

int
cell_cgroup_oom_fd (const struct cell_cgroup_oom *w)
{
  return w->fd;
}

int
cell_cgroup_oom_check (struct cell_cgroup_oom *w, uint64_t *new_kills, struct cell_error **err)
{
  uint64_t now = 0;
  if (!w->v2)
    {
      uint64_t counter;
      while (read (w->fd, &counter, sizeof counter) == (ssize_t)sizeof counter)
        ;
    }
  if (oom_kills (w, &now, err) < 0)
    return -1;
  *new_kills = now > w->seen ? now - w->seen : 0;
  w->seen = now;
  return 0;
}

void
cell_cgroup_oom_free (struct cell_cgroup_oom *w)
{
  if (w == NULL)
    return;
  cell_closep (&w->fd);
  cell_closep (&w->events_fd);
  free (w->dir);
  free (w);
}

char *
cell_cgroup_oom_json (const char *id)
{
  struct cell_json_gen *g = cell_json_gen_new (false);
  cell_json_gen_map_open (g);
  cell_json_gen_kv_string (g, "type", "oom");
  cell_json_gen_kv_string (g, "id", id);
  cell_json_gen_map_close (g);
  return cell_json_gen_finish (g, NULL);
}
