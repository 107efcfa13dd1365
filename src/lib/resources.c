/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* resources.c: `linux.resources` as data: deep copy and free (driven by the decoder tables, so that they
   cover every field the decoder fills), the text dump, and the host-independent validation. */
#include <ctype.h>
#include <inttypes.h>
#include <string.h>
#include "resources.h"
#include "spec-tables.h"
#include "xalloc.h"

struct cell_spec_resources *
cell_resources_dup (const struct cell_spec_resources *r)
{
  struct cell_spec_resources *c;
  if (r == NULL)
    return NULL;
  c = xmalloc (sizeof *c);
  cell_spec_copy_object (&cell_spec_resources_desc, r, c);
  return c;
}

void
cell_resources_free (struct cell_spec_resources *r)
{
  if (r == NULL)
    return;
  cell_spec_free_object (&cell_spec_resources_desc, r);
  free (r);
}

/* ---- dump ------------------------------------------------------------------------------------------- */

static void
emit_line (void *ud, const char *path, const char *value)
{
  char **out = ud;
  char *n = xasprintf ("%s%s %s\n", *out, path, value);
  free (*out);
  *out = n;
}

char *
cell_resources_dump (const struct cell_spec_resources *r)
{
  char *out = xstrdup ("");
  if (r)
    cell_spec_dump_object (&cell_spec_resources_desc, r, "", emit_line, &out);
  return out;
}

/* ---- validation --------------------------------------------------------------------------------------- */

bool
cell_resources_cpuset_list_valid (const char *s)
{
  /* cpuset(7) "List format": comma-separated numbers or ascending ranges a-b (a kernel also takes a
     stride a-b:s/g; runc and crun pass them through, so do we). */
  while (*s)
    {
      unsigned long a, b;
      char *end;
      if (!isdigit ((unsigned char)*s))
        return false;
      a = strtoul (s, &end, 10);
      s = end;
      if (*s == '-')
        {
          if (!isdigit ((unsigned char)s[1]))
            return false;
          b = strtoul (s + 1, &end, 10);
          s = end;
          if (b < a)
            return false;
          if (*s == ':')
            {
              if (!isdigit ((unsigned char)s[1]))
                return false;
              strtoul (s + 1, &end, 10);
              s = end;
              if (*s != '/' || !isdigit ((unsigned char)s[1]))
                return false;
              strtoul (s + 1, &end, 10);
              s = end;
            }
        }
      if (*s == ',')
        {
          s++;
          if (*s == '\0')
            return false;
        }
      else if (*s != '\0')
        return false;
    }
  return true;
}

/* "<digits><K|M|G|T|P>B" (config-linux.md "Huge page limits": `<size><unit-prefix>B`). */
static bool
page_size_valid (const char *s)
{
  size_t n = strspn (s, "0123456789");
  return n > 0 && n <= 10 && s[n] && strchr ("KMGTP", s[n]) && s[n + 1] == 'B' && s[n + 2] == '\0';
}

/* A string written as one token of a cgroup file: non-empty, no whitespace or separators. */
static bool
token_valid (const char *s)
{
  if (*s == '\0')
    return false;
  for (; *s; s++)
    if (isspace ((unsigned char)*s) || *s == '/' || *s == '=' || *s == ':')
      return false;
  return true;
}

static int
limit_ok (bool has, int64_t v, const char *display, const char *ptr, const char *name,
          struct cell_error **err)
{
  if (has && v < -1)
    return cell_err (err, 0, "%s: %s/%s: %" PRId64 " is not a limit (-1 means unlimited)", display, ptr, name,
                     v);
  return 0;
}

static int
weight_ok (bool has, uint16_t w, const char *display, const char *ptr, const char *name,
           struct cell_error **err)
{
  /* blkio.weight takes [10, 1000] (cgroup-v1/blkio-controller.rst); 0 is "not set", as in runc. */
  if (has && w != 0 && (w < 10 || w > 1000))
    return cell_err (err, 0, "%s: %s/%s: %u is outside [10, 1000]", display, ptr, name, (unsigned)w);
  return 0;
}

static int
validate_blkio (const struct cell_spec_resources *r, const char *display, const char *ptr,
                struct cell_error **err)
{
  const struct
  {
    const char *name;
    const struct cell_spec_blkio_throttle *v;
    size_t n;
  } thr[] = {
    { "throttleReadBpsDevice", r->blkio_read_bps, r->n_blkio_read_bps },
    { "throttleWriteBpsDevice", r->blkio_write_bps, r->n_blkio_write_bps },
    { "throttleReadIOPSDevice", r->blkio_read_iops, r->n_blkio_read_iops },
    { "throttleWriteIOPSDevice", r->blkio_write_iops, r->n_blkio_write_iops },
  };
  if (weight_ok (r->has_blkio_weight, r->blkio_weight, display, ptr, "blockIO/weight", err) < 0
      || weight_ok (r->has_blkio_leaf_weight, r->blkio_leaf_weight, display, ptr, "blockIO/leafWeight", err)
             < 0)
    return -1;
  for (size_t i = 0; i < r->n_blkio_weight_device; i++)
    {
      const struct cell_spec_blkio_weight_device *d = &r->blkio_weight_device[i];
      cleanup_free char *p = xasprintf ("%s/blockIO/weightDevice/%zu", ptr, i);
      if (d->major < 0 || d->minor < 0)
        return cell_err (err, 0, "%s: %s: major and minor must not be negative", display, p);
      if (!d->has_weight && !d->has_leaf_weight)
        return cell_err (err, 0, "%s: %s: needs weight or leafWeight", display, p);
      if (weight_ok (d->has_weight, d->weight, display, p, "weight", err) < 0
          || weight_ok (d->has_leaf_weight, d->leaf_weight, display, p, "leafWeight", err) < 0)
        return -1;
    }
  for (size_t t = 0; t < ARRAY_SIZE (thr); t++)
    for (size_t i = 0; i < thr[t].n; i++)
      if (thr[t].v[i].major < 0 || thr[t].v[i].minor < 0)
        return cell_err (err, 0, "%s: %s/blockIO/%s/%zu: major and minor must not be negative", display, ptr,
                         thr[t].name, i);
  return 0;
}

static int
validate_cpu (const struct cell_spec_resources *r, const char *display, const char *ptr,
              struct cell_error **err)
{
  if (r->has_cpu_quota && r->cpu_quota < -1)
    return cell_err (err, 0, "%s: %s/cpu/quota: %" PRId64 " is not a quota (-1 means unlimited)", display,
                     ptr, r->cpu_quota);
  /* config-linux.md "CPU": a positive quota MUST be no smaller than burst (runtimes MAY error). */
  if (r->has_cpu_burst && r->has_cpu_quota && r->cpu_quota > 0 && r->cpu_burst > (uint64_t)r->cpu_quota)
    return cell_err (err, 0, "%s: %s/cpu/burst: %" PRIu64 " is larger than quota %" PRId64, display, ptr,
                     r->cpu_burst, r->cpu_quota);
  if (r->has_cpu_realtime_runtime && r->cpu_realtime_runtime < -1)
    return cell_err (err, 0, "%s: %s/cpu/realtimeRuntime: %" PRId64 " is not a runtime (-1 means unlimited)",
                     display, ptr, r->cpu_realtime_runtime);
  if (r->has_cpu_idle && r->cpu_idle != 0 && r->cpu_idle != 1)
    return cell_err (err, 0, "%s: %s/cpu/idle: must be 0 or 1", display, ptr);
  if (r->cpu_cpus && !cell_resources_cpuset_list_valid (r->cpu_cpus))
    return cell_err (err, 0, "%s: %s/cpu/cpus: `%s` is not a CPU list", display, ptr, r->cpu_cpus);
  if (r->cpu_mems && !cell_resources_cpuset_list_valid (r->cpu_mems))
    return cell_err (err, 0, "%s: %s/cpu/mems: `%s` is not a memory node list", display, ptr, r->cpu_mems);
  return 0;
}

int
cell_resources_validate (const struct cell_spec_resources *r, const char *display, const char *ptr,
                         struct cell_error **err)
{
  if (limit_ok (r->has_memory_limit, r->memory_limit, display, ptr, "memory/limit", err) < 0
      || limit_ok (r->has_memory_reservation, r->memory_reservation, display, ptr, "memory/reservation", err)
             < 0
      || limit_ok (r->has_memory_swap, r->memory_swap, display, ptr, "memory/swap", err) < 0
      || limit_ok (r->has_memory_kernel, r->memory_kernel, display, ptr, "memory/kernel", err) < 0
      || limit_ok (r->has_memory_kernel_tcp, r->memory_kernel_tcp, display, ptr, "memory/kernelTCP", err) < 0
      || limit_ok (r->has_pids_limit, r->pids_limit, display, ptr, "pids/limit", err) < 0)
    return -1;
  /* swap is memory+swap: below the memory limit it cannot be honoured (runc refuses it too). */
  if (r->has_memory_swap && r->has_memory_limit && r->memory_swap > 0 && r->memory_limit > 0
      && r->memory_swap < r->memory_limit)
    return cell_err (
        err, 0, "%s: %s/memory/swap: %" PRId64 " is below memory/limit %" PRId64 " (swap counts memory+swap)",
        display, ptr, r->memory_swap, r->memory_limit);
  if (r->has_memory_swappiness && r->memory_swappiness > 100)
    return cell_err (err, 0, "%s: %s/memory/swappiness: %" PRIu64 " is outside [0, 100]", display, ptr,
                     r->memory_swappiness);
  if (validate_cpu (r, display, ptr, err) < 0 || validate_blkio (r, display, ptr, err) < 0)
    return -1;
  for (size_t i = 0; i < r->n_hugepage_limits; i++)
    if (!page_size_valid (r->hugepage_limits[i].key))
      return cell_err (err, 0, "%s: %s/hugepageLimits/%zu/pageSize: `%s` is not a size like 2MB", display,
                       ptr, i, r->hugepage_limits[i].key);
  for (size_t i = 0; i < r->n_net_priorities; i++)
    if (!token_valid (r->net_priorities[i].name))
      return cell_err (err, 0, "%s: %s/network/priorities/%zu/name: invalid interface name `%s`", display,
                       ptr, i, r->net_priorities[i].name);
  for (size_t i = 0; i < r->n_rdma; i++)
    if (!token_valid (r->rdma[i].key))
      return cell_err (err, 0, "%s: %s/rdma/%s: invalid device name", display, ptr, r->rdma[i].key);
  for (size_t i = 0; i < r->n_unified; i++)
    {
      const char *k = r->unified[i].key;
      /* A file of the container's own cgroup directory, never a path out of it. */
      if (!*k || *k == '.' || strchr (k, '/') || strpbrk (k, " \t\n") || !strchr (k, '.'))
        return cell_err (err, 0, "%s: %s/unified/%s: not a cgroup interface file name", display, ptr, k);
    }
  for (size_t i = 0; i < r->n_devices; i++)
    {
      const struct cell_spec_device_rule *d = &r->devices[i];
      if (d->access && (!*d->access || d->access[strspn (d->access, "rwm")] != '\0'))
        return cell_err (err, 0, "%s: %s/devices/%zu/access: invalid access `%s`", display, ptr, i,
                         d->access);
      if ((d->has_major && d->major < -1) || (d->has_minor && d->minor < -1))
        return cell_err (err, 0, "%s: %s/devices/%zu: invalid device number", display, ptr, i);
    }
  return 0;
}
