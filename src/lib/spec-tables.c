/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec-tables.c: the descriptor tables of every config.json object cell reads, and the custom decoders
   for the few properties that are not plain scalars (enums, one-letter types, hugepage limits). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "spec-tables.h"
#include "spec.h"
#include "xalloc.h"

#define NOFF CELL_NO_OFFSET
#define ROW(n, k, T, m)                                                                                      \
  {                                                                                                          \
    .name = n, .kind = k, .offset = offsetof (T, m), .has_offset = NOFF, .count_offset = NOFF                \
  }
#define ROWR(n, k, T, m)                                                                                     \
  {                                                                                                          \
    .name = n, .kind = k, .offset = offsetof (T, m), .has_offset = NOFF, .count_offset = NOFF,               \
    .required = true                                                                                         \
  }
#define ROWH(n, k, T, m, h)                                                                                  \
  {                                                                                                          \
    .name = n, .kind = k, .offset = offsetof (T, m), .has_offset = offsetof (T, h), .count_offset = NOFF     \
  }
#define ROWC(n, k, T, m, c)                                                                                  \
  {                                                                                                          \
    .name = n, .kind = k, .offset = offsetof (T, m), .has_offset = NOFF, .count_offset = offsetof (T, c)     \
  }
#define ARR(n, T, m, c, s)                                                                                   \
  {                                                                                                          \
    .name = n, .kind = CELL_F_ARRAY, .offset = offsetof (T, m), .has_offset = NOFF,                          \
    .count_offset = offsetof (T, c), .sub = &s                                                               \
  }
/* nested object inline in T at member m, with has-flag h */
#define OBJH(n, T, m, h, s)                                                                                  \
  {                                                                                                          \
    .name = n, .kind = CELL_F_OBJECT, .offset = offsetof (T, m), .has_offset = offsetof (T, h),              \
    .count_offset = NOFF, .sub = &s                                                                          \
  }
#define OBJ(n, T, m, s)                                                                                      \
  {                                                                                                          \
    .name = n, .kind = CELL_F_OBJECT, .offset = offsetof (T, m), .has_offset = NOFF, .count_offset = NOFF,   \
    .sub = &s                                                                                                \
  }
/* nested object whose members live in the parent struct itself (flattened) */
#define FLAT(n, s)                                                                                           \
  {                                                                                                          \
    .name = n, .kind = CELL_F_OBJECT, .offset = 0, .has_offset = NOFF, .count_offset = NOFF, .sub = &s       \
  }
#define FLATH(n, T, h, s)                                                                                    \
  {                                                                                                          \
    .name = n, .kind = CELL_F_OBJECT, .offset = 0, .has_offset = offsetof (T, h), .count_offset = NOFF,      \
    .sub = &s                                                                                                \
  }
#define CUSTOM(n, T, m, h, fn, sh, req)                                                                      \
  {                                                                                                          \
    .name = n, .kind = CELL_F_CUSTOM, .offset = offsetof (T, m), .has_offset = h, .count_offset = NOFF,      \
    .decode = fn, .show = sh, .required = req                                                                \
  }
#define PRESENT(n, T, h)                                                                                     \
  {                                                                                                          \
    .name = n, .kind = CELL_F_PRESENT, .offset = NOFF, .has_offset = offsetof (T, h), .count_offset = NOFF   \
  }
#define IGNORED(n)                                                                                           \
  {                                                                                                          \
    .name = n, .kind = CELL_F_IGNORED, .offset = NOFF, .has_offset = NOFF, .count_offset = NOFF              \
  }
#define DESC(var, label, T, rows)                                                                            \
  const struct cell_object_desc var = { label, sizeof (T), rows, sizeof (rows) / sizeof (rows[0]) }

static int
bad (struct cell_error **err, const char *display, const char *ptr, const char *what, const char *val)
{
  if (val)
    return cell_err (err, 0, "%s: %s: %s `%s`", display, ptr, what, val);
  return cell_err (err, 0, "%s: %s: %s", display, ptr, what);
}

static int
dec_ns_type (const struct cell_json *j, void *dst, const char *display, const char *ptr,
             struct cell_error **err)
{
  int t;
  if (j->type != CELL_JSON_STRING)
    return bad (err, display, ptr, "expected string", NULL);
  t = cell_ns_type_from_name (j->s);
  if (t < 0)
    return bad (err, display, ptr, "unknown namespace type", j->s);
  *(enum cell_ns_type *)dst = (enum cell_ns_type)t;
  return 0;
}

static const char *
show_ns_type (const void *v, char *buf, size_t size)
{
  (void)buf;
  (void)size;
  return cell_ns_type_name (*(const enum cell_ns_type *)v);
}

static const char *
show_char (const void *v, char *buf, size_t size)
{
  snprintf (buf, size, "%c", *(const char *)v ? *(const char *)v : '-');
  return buf;
}

static int
dec_char (const struct cell_json *j, char *dst, const char *allowed, const char *display, const char *ptr,
          struct cell_error **err)
{
  if (j->type != CELL_JSON_STRING)
    return bad (err, display, ptr, "expected string", NULL);
  if (j->len != 1 || !strchr (allowed, j->s[0]))
    return bad (err, display, ptr, "invalid device type", j->s);
  *dst = j->s[0];
  return 0;
}

static int
dec_device_type (const struct cell_json *j, void *dst, const char *display, const char *ptr,
                 struct cell_error **err)
{
  return dec_char (j, dst, "cbup", display, ptr, err);
}

static int
dec_rule_type (const struct cell_json *j, void *dst, const char *display, const char *ptr,
               struct cell_error **err)
{
  return dec_char (j, dst, "acb", display, ptr, err);
}

/* hugepageLimits: [{"pageSize": "2MB", "limit": N}] -> kv (pageSize, decimal limit) */
static int
dec_hugepages (const struct cell_json *j, void *dst, const char *display, const char *ptr,
               struct cell_error **err)
{
  struct cell_spec_resources *r
      = (struct cell_spec_resources *)((char *)dst - offsetof (struct cell_spec_resources, hugepage_limits));
  if (j->type != CELL_JSON_ARRAY)
    return bad (err, display, ptr, "expected array", NULL);
  r->hugepage_limits = xcalloc (j->len + 1, sizeof (*r->hugepage_limits));
  for (size_t i = 0; i < j->len; i++)
    {
      const struct cell_json *e = j->items[i], *ps, *lim;
      if (e->type != CELL_JSON_OBJECT)
        return cell_err (err, 0, "%s: %s/%zu: expected object", display, ptr, i);
      ps = cell_json_get (e, "pageSize");
      lim = cell_json_get (e, "limit");
      if (!ps || ps->type != CELL_JSON_STRING)
        return cell_err (err, 0, "%s: %s/%zu/pageSize: expected string", display, ptr, i);
      if (!lim || lim->type != CELL_JSON_NUMBER || lim->s[strspn (lim->s, "0123456789")] != '\0')
        return cell_err (err, 0, "%s: %s/%zu/limit: expected unsigned integer", display, ptr, i);
      r->hugepage_limits[i].key = xstrdup (ps->s);
      r->hugepage_limits[i].value = xstrdup (lim->s);
      r->n_hugepage_limits++;
    }
  return 0;
}

/* rdma: {"mlx5_1": {"hcaHandles": 3, "hcaObjects": 10000}} -> kv (device, "hca_handle=3 hca_object=10000"),
   the line rdma.max takes after the device name. Each entry names at least one limit (config-linux.md
   "RDMA": MUST). */
static int
dec_rdma (const struct cell_json *j, void *dst, const char *display, const char *ptr, struct cell_error **err)
{
  struct cell_spec_resources *r
      = (struct cell_spec_resources *)((char *)dst - offsetof (struct cell_spec_resources, rdma));
  static const char *const props[][2] = { { "hcaHandles", "hca_handle" }, { "hcaObjects", "hca_object" } };
  if (j->type != CELL_JSON_OBJECT)
    return bad (err, display, ptr, "expected object", NULL);
  r->rdma = xcalloc (j->len + 1, sizeof (*r->rdma));
  for (size_t i = 0; i < j->len; i++)
    {
      const struct cell_json *e = j->items[i];
      cleanup_free char *line = xstrdup ("");
      if (e->type != CELL_JSON_OBJECT)
        return cell_err (err, 0, "%s: %s/%s: expected object", display, ptr, j->keys[i]);
      for (size_t k = 0; k < ARRAY_SIZE (props); k++)
        {
          const struct cell_json *v = cell_json_get (e, props[k][0]);
          char *next;
          if (v == NULL || v->type == CELL_JSON_NULL)
            continue;
          if (v->type != CELL_JSON_NUMBER || v->s[strspn (v->s, "0123456789")] != '\0' || strlen (v->s) > 10
              || strtoull (v->s, NULL, 10) > UINT32_MAX)
            return cell_err (err, 0, "%s: %s/%s/%s: expected unsigned 32-bit integer", display, ptr,
                             j->keys[i], props[k][0]);
          next = xasprintf ("%s%s%s=%s", line, *line ? " " : "", props[k][1], v->s);
          free (line);
          line = next;
        }
      if (*line == '\0')
        return cell_err (err, 0, "%s: %s/%s: needs hcaHandles or hcaObjects", display, ptr, j->keys[i]);
      r->rdma[i].key = xstrdup (j->keys[i]);
      r->rdma[i].value = steal_ptr (&line);
      r->n_rdma++;
    }
  return 0;
}

/* ---- tables ---- */

static const struct cell_field idmap_rows[] = {
  ROWR ("containerID", CELL_F_U32, struct cell_spec_id_map, container_id),
  ROWR ("hostID", CELL_F_U32, struct cell_spec_id_map, host_id),
  ROWR ("size", CELL_F_U32, struct cell_spec_id_map, size),
};
static DESC (idmap_desc, "idMapping", struct cell_spec_id_map, idmap_rows);

static const struct cell_field root_rows[] = {
  ROWR ("path", CELL_F_STRING, struct cell_spec_root, path),
  ROW ("readonly", CELL_F_BOOL, struct cell_spec_root, readonly),
};
static DESC (root_desc, "root", struct cell_spec_root, root_rows);

static const struct cell_field mount_rows[] = {
  ROWR ("destination", CELL_F_STRING, struct cell_spec_mount, destination),
  ROW ("type", CELL_F_STRING, struct cell_spec_mount, type),
  ROW ("source", CELL_F_STRING, struct cell_spec_mount, source),
  ROW ("options", CELL_F_STRV, struct cell_spec_mount, options),
  ARR ("uidMappings", struct cell_spec_mount, uid_mappings, n_uid_mappings, idmap_desc),
  ARR ("gidMappings", struct cell_spec_mount, gid_mappings, n_gid_mappings, idmap_desc),
};
static DESC (mount_desc, "mount", struct cell_spec_mount, mount_rows);

static const struct cell_field console_size_rows[] = {
  ROWR ("height", CELL_F_U32, struct cell_spec_console_size, height),
  ROWR ("width", CELL_F_U32, struct cell_spec_console_size, width),
};
static DESC (console_size_desc, "process.consoleSize", struct cell_spec_console_size, console_size_rows);

static const struct cell_field user_rows[] = {
  ROWR ("uid", CELL_F_U32, struct cell_spec_user, uid),
  ROWR ("gid", CELL_F_U32, struct cell_spec_user, gid),
  ROWH ("umask", CELL_F_U32, struct cell_spec_user, umask, has_umask),
  ROWC ("additionalGids", CELL_F_U32V, struct cell_spec_user, additional_gids, n_additional_gids),
  ROW ("username", CELL_F_STRING, struct cell_spec_user, username),
};
static DESC (user_desc, "process.user", struct cell_spec_user, user_rows);

static const struct cell_field caps_rows[] = {
  ROW ("bounding", CELL_F_STRV, struct cell_spec_caps, bounding),
  ROW ("effective", CELL_F_STRV, struct cell_spec_caps, effective),
  ROW ("inheritable", CELL_F_STRV, struct cell_spec_caps, inheritable),
  ROW ("permitted", CELL_F_STRV, struct cell_spec_caps, permitted),
  ROW ("ambient", CELL_F_STRV, struct cell_spec_caps, ambient),
};
static DESC (caps_desc, "process.capabilities", struct cell_spec_caps, caps_rows);

static const struct cell_field rlimit_rows[] = {
  ROWR ("type", CELL_F_STRING, struct cell_spec_rlimit, type),
  ROWR ("soft", CELL_F_U64, struct cell_spec_rlimit, soft),
  ROWR ("hard", CELL_F_U64, struct cell_spec_rlimit, hard),
};
static DESC (rlimit_desc, "process.rlimit", struct cell_spec_rlimit, rlimit_rows);

static const struct cell_field io_priority_rows[] = {
  ROWR ("class", CELL_F_STRING, struct cell_spec_process, io_priority_class),
  ROW ("priority", CELL_F_I32, struct cell_spec_process, io_priority_priority),
};
static DESC (io_priority_desc, "process.ioPriority", struct cell_spec_process, io_priority_rows);

static const struct cell_field scheduler_rows[] = {
  ROWR ("policy", CELL_F_STRING, struct cell_spec_process, sched_policy),
  ROW ("nice", CELL_F_I32, struct cell_spec_process, sched_nice),
  ROW ("priority", CELL_F_I32, struct cell_spec_process, sched_priority),
  ROW ("flags", CELL_F_STRV, struct cell_spec_process, sched_flags),
  ROW ("runtime", CELL_F_U64, struct cell_spec_process, sched_runtime),
  ROW ("deadline", CELL_F_U64, struct cell_spec_process, sched_deadline),
  ROW ("period", CELL_F_U64, struct cell_spec_process, sched_period),
};
static DESC (scheduler_desc, "process.scheduler", struct cell_spec_process, scheduler_rows);

static const struct cell_field exec_cpu_affinity_rows[] = {
  ROW ("initial", CELL_F_STRING, struct cell_spec_process, exec_cpu_initial),
  ROW ("final", CELL_F_STRING, struct cell_spec_process, exec_cpu_final),
};
static DESC (exec_cpu_affinity_desc, "process.execCPUAffinity", struct cell_spec_process,
             exec_cpu_affinity_rows);

static const struct cell_field process_rows[] = {
  ROW ("terminal", CELL_F_BOOL, struct cell_spec_process, terminal),
  OBJH ("consoleSize", struct cell_spec_process, console_size, has_console_size, console_size_desc),
  OBJ ("user", struct cell_spec_process, user, user_desc),
  ROW ("args", CELL_F_STRV, struct cell_spec_process, args),
  ROW ("commandLine", CELL_F_STRING, struct cell_spec_process, command_line),
  ROW ("env", CELL_F_STRV, struct cell_spec_process, env),
  ROWR ("cwd", CELL_F_STRING, struct cell_spec_process, cwd),
  OBJH ("capabilities", struct cell_spec_process, caps, has_caps, caps_desc),
  ARR ("rlimits", struct cell_spec_process, rlimits, n_rlimits, rlimit_desc),
  ROW ("noNewPrivileges", CELL_F_BOOL, struct cell_spec_process, no_new_privileges),
  ROW ("apparmorProfile", CELL_F_STRING, struct cell_spec_process, apparmor_profile),
  ROWH ("oomScoreAdj", CELL_F_I32, struct cell_spec_process, oom_score_adj, has_oom_score_adj),
  ROW ("selinuxLabel", CELL_F_STRING, struct cell_spec_process, selinux_label),
  FLATH ("ioPriority", struct cell_spec_process, has_io_priority, io_priority_desc),
  FLATH ("scheduler", struct cell_spec_process, has_scheduler, scheduler_desc),
  FLATH ("execCPUAffinity", struct cell_spec_process, has_exec_cpu_affinity, exec_cpu_affinity_desc),
};
DESC (cell_spec_process_desc, "process", struct cell_spec_process, process_rows);

static const struct cell_field hook_rows[] = {
  ROWR ("path", CELL_F_STRING, struct cell_spec_hook, path),
  ROW ("args", CELL_F_STRV, struct cell_spec_hook, args),
  ROW ("env", CELL_F_STRV, struct cell_spec_hook, env),
  ROWH ("timeout", CELL_F_I64, struct cell_spec_hook, timeout, has_timeout),
};
static DESC (hook_desc, "hook", struct cell_spec_hook, hook_rows);

static const struct cell_field hooks_rows[] = {
  ARR ("prestart", struct cell_spec_hooks, prestart, n_prestart, hook_desc),
  ARR ("createRuntime", struct cell_spec_hooks, create_runtime, n_create_runtime, hook_desc),
  ARR ("createContainer", struct cell_spec_hooks, create_container, n_create_container, hook_desc),
  ARR ("startContainer", struct cell_spec_hooks, start_container, n_start_container, hook_desc),
  ARR ("poststart", struct cell_spec_hooks, poststart, n_poststart, hook_desc),
  ARR ("poststop", struct cell_spec_hooks, poststop, n_poststop, hook_desc),
};
DESC (cell_spec_hooks_desc, "hooks", struct cell_spec_hooks, hooks_rows);

static const struct cell_field namespace_rows[] = {
  CUSTOM ("type", struct cell_spec_namespace, type, NOFF, dec_ns_type, show_ns_type, true),
  ROW ("path", CELL_F_STRING, struct cell_spec_namespace, path),
};
static DESC (namespace_desc, "linux.namespace", struct cell_spec_namespace, namespace_rows);

static const struct cell_field device_rows[] = {
  ROWR ("path", CELL_F_STRING, struct cell_spec_device, path),
  CUSTOM ("type", struct cell_spec_device, type, NOFF, dec_device_type, show_char, true),
  ROWH ("major", CELL_F_I64, struct cell_spec_device, major, has_major),
  ROWH ("minor", CELL_F_I64, struct cell_spec_device, minor, has_minor),
  ROWH ("fileMode", CELL_F_U32, struct cell_spec_device, file_mode, has_file_mode),
  ROWH ("uid", CELL_F_U32, struct cell_spec_device, uid, has_uid),
  ROWH ("gid", CELL_F_U32, struct cell_spec_device, gid, has_gid),
};
static DESC (device_desc, "linux.device", struct cell_spec_device, device_rows);

static const struct cell_field device_rule_rows[] = {
  ROWR ("allow", CELL_F_BOOL, struct cell_spec_device_rule, allow),
  CUSTOM ("type", struct cell_spec_device_rule, type, NOFF, dec_rule_type, show_char, false),
  ROWH ("major", CELL_F_I64, struct cell_spec_device_rule, major, has_major),
  ROWH ("minor", CELL_F_I64, struct cell_spec_device_rule, minor, has_minor),
  ROW ("access", CELL_F_STRING, struct cell_spec_device_rule, access),
};
static DESC (device_rule_desc, "linux.resources.device", struct cell_spec_device_rule, device_rule_rows);

#define RES struct cell_spec_resources
static const struct cell_field memory_rows[] = {
  ROWH ("limit", CELL_F_I64, RES, memory_limit, has_memory_limit),
  ROWH ("reservation", CELL_F_I64, RES, memory_reservation, has_memory_reservation),
  ROWH ("swap", CELL_F_I64, RES, memory_swap, has_memory_swap),
  ROWH ("kernel", CELL_F_I64, RES, memory_kernel, has_memory_kernel),
  ROWH ("kernelTCP", CELL_F_I64, RES, memory_kernel_tcp, has_memory_kernel_tcp),
  ROWH ("swappiness", CELL_F_U64, RES, memory_swappiness, has_memory_swappiness),
  ROWH ("disableOOMKiller", CELL_F_BOOL, RES, memory_disable_oom_killer, has_memory_disable_oom_killer),
  ROWH ("useHierarchy", CELL_F_BOOL, RES, memory_use_hierarchy, has_memory_use_hierarchy),
  ROWH ("checkBeforeUpdate", CELL_F_BOOL, RES, memory_check_before_update, has_memory_check_before_update),
};
static DESC (memory_desc, "linux.resources.memory", RES, memory_rows);

static const struct cell_field cpu_rows[] = {
  ROWH ("shares", CELL_F_U64, RES, cpu_shares, has_cpu_shares),
  ROWH ("quota", CELL_F_I64, RES, cpu_quota, has_cpu_quota),
  ROWH ("burst", CELL_F_U64, RES, cpu_burst, has_cpu_burst),
  ROWH ("period", CELL_F_U64, RES, cpu_period, has_cpu_period),
  ROWH ("realtimeRuntime", CELL_F_I64, RES, cpu_realtime_runtime, has_cpu_realtime_runtime),
  ROWH ("realtimePeriod", CELL_F_U64, RES, cpu_realtime_period, has_cpu_realtime_period),
  ROW ("cpus", CELL_F_STRING, RES, cpu_cpus),
  ROW ("mems", CELL_F_STRING, RES, cpu_mems),
  ROWH ("idle", CELL_F_I64, RES, cpu_idle, has_cpu_idle),
};
static DESC (cpu_desc, "linux.resources.cpu", RES, cpu_rows);

static const struct cell_field pids_rows[] = {
  ROWH ("limit", CELL_F_I64, RES, pids_limit, has_pids_limit),
};
static DESC (pids_desc, "linux.resources.pids", RES, pids_rows);

static const struct cell_field blkio_weight_device_rows[] = {
  ROWR ("major", CELL_F_I64, struct cell_spec_blkio_weight_device, major),
  ROWR ("minor", CELL_F_I64, struct cell_spec_blkio_weight_device, minor),
  ROWH ("weight", CELL_F_U16, struct cell_spec_blkio_weight_device, weight, has_weight),
  ROWH ("leafWeight", CELL_F_U16, struct cell_spec_blkio_weight_device, leaf_weight, has_leaf_weight),
};
static DESC (blkio_weight_device_desc, "linux.resources.blockIO.weightDevice",
             struct cell_spec_blkio_weight_device, blkio_weight_device_rows);

static const struct cell_field blkio_throttle_rows[] = {
  ROWR ("major", CELL_F_I64, struct cell_spec_blkio_throttle, major),
  ROWR ("minor", CELL_F_I64, struct cell_spec_blkio_throttle, minor),
  ROWR ("rate", CELL_F_U64, struct cell_spec_blkio_throttle, rate),
};
static DESC (blkio_throttle_desc, "linux.resources.blockIO.throttleDevice", struct cell_spec_blkio_throttle,
             blkio_throttle_rows);

static const struct cell_field blkio_rows[] = {
  ROWH ("weight", CELL_F_U16, RES, blkio_weight, has_blkio_weight),
  ROWH ("leafWeight", CELL_F_U16, RES, blkio_leaf_weight, has_blkio_leaf_weight),
  ARR ("weightDevice", RES, blkio_weight_device, n_blkio_weight_device, blkio_weight_device_desc),
  ARR ("throttleReadBpsDevice", RES, blkio_read_bps, n_blkio_read_bps, blkio_throttle_desc),
  ARR ("throttleWriteBpsDevice", RES, blkio_write_bps, n_blkio_write_bps, blkio_throttle_desc),
  ARR ("throttleReadIOPSDevice", RES, blkio_read_iops, n_blkio_read_iops, blkio_throttle_desc),
  ARR ("throttleWriteIOPSDevice", RES, blkio_write_iops, n_blkio_write_iops, blkio_throttle_desc),
};
static DESC (blkio_desc, "linux.resources.blockIO", RES, blkio_rows);

static const struct cell_field net_priority_rows[] = {
  ROWR ("name", CELL_F_STRING, struct cell_spec_net_priority, name),
  ROWR ("priority", CELL_F_U32, struct cell_spec_net_priority, priority),
};
static DESC (net_priority_desc, "linux.resources.network.priority", struct cell_spec_net_priority,
             net_priority_rows);

static const struct cell_field network_rows[] = {
  ROWH ("classID", CELL_F_U32, RES, net_class_id, has_net_class_id),
  ARR ("priorities", RES, net_priorities, n_net_priorities, net_priority_desc),
};
static DESC (network_desc, "linux.resources.network", RES, network_rows);

static const struct cell_field resources_rows[] = {
  ARR ("devices", RES, devices, n_devices, device_rule_desc),
  FLAT ("memory", memory_desc),
  FLAT ("cpu", cpu_desc),
  FLAT ("pids", pids_desc),
  FLAT ("blockIO", blkio_desc),
  { .name = "hugepageLimits",
    .kind = CELL_F_CUSTOM_KV,
    .offset = offsetof (RES, hugepage_limits),
    .has_offset = NOFF,
    .count_offset = offsetof (RES, n_hugepage_limits),
    .decode = dec_hugepages },
  FLAT ("network", network_desc),
  { .name = "rdma",
    .kind = CELL_F_CUSTOM_KV,
    .offset = offsetof (RES, rdma),
    .has_offset = NOFF,
    .count_offset = offsetof (RES, n_rdma),
    .decode = dec_rdma },
  ROWC ("unified", CELL_F_KV, RES, unified, n_unified),
};
DESC (cell_spec_resources_desc, "linux.resources", RES, resources_rows);
#undef RES

static const struct cell_field seccomp_arg_rows[] = {
  ROWR ("index", CELL_F_U32, struct cell_spec_seccomp_arg, index),
  ROWR ("value", CELL_F_U64, struct cell_spec_seccomp_arg, value),
  ROW ("valueTwo", CELL_F_U64, struct cell_spec_seccomp_arg, value_two),
  ROWR ("op", CELL_F_STRING, struct cell_spec_seccomp_arg, op),
};
static DESC (seccomp_arg_desc, "linux.seccomp.syscall.arg", struct cell_spec_seccomp_arg, seccomp_arg_rows);

static const struct cell_field seccomp_syscall_rows[] = {
  ROWR ("names", CELL_F_STRV, struct cell_spec_seccomp_syscall, names),
  ROWR ("action", CELL_F_STRING, struct cell_spec_seccomp_syscall, action),
  ROWH ("errnoRet", CELL_F_U32, struct cell_spec_seccomp_syscall, errno_ret, has_errno_ret),
  ARR ("args", struct cell_spec_seccomp_syscall, args, n_args, seccomp_arg_desc),
};
static DESC (seccomp_syscall_desc, "linux.seccomp.syscall", struct cell_spec_seccomp_syscall,
             seccomp_syscall_rows);

static const struct cell_field seccomp_rows[] = {
  ROWR ("defaultAction", CELL_F_STRING, struct cell_spec_seccomp, default_action),
  ROWH ("defaultErrnoRet", CELL_F_U32, struct cell_spec_seccomp, default_errno_ret, has_default_errno_ret),
  ROW ("architectures", CELL_F_STRV, struct cell_spec_seccomp, architectures),
  ROW ("flags", CELL_F_STRV, struct cell_spec_seccomp, flags),
  ROW ("listenerPath", CELL_F_STRING, struct cell_spec_seccomp, listener_path),
  ROW ("listenerMetadata", CELL_F_STRING, struct cell_spec_seccomp, listener_metadata),
  ARR ("syscalls", struct cell_spec_seccomp, syscalls, n_syscalls, seccomp_syscall_desc),
};
DESC (cell_spec_seccomp_desc, "linux.seccomp", struct cell_spec_seccomp, seccomp_rows);

static const struct cell_field personality_rows[] = {
  ROWR ("domain", CELL_F_STRING, struct cell_spec_linux, personality_domain),
  IGNORED ("flags"), /* runtime-spec: no flags are defined yet */
};
static DESC (personality_desc, "linux.personality", struct cell_spec_linux, personality_rows);

static const struct cell_field boottime_rows[] = {
  ROW ("secs", CELL_F_I64, struct cell_spec_linux, time_offset_boottime_secs),
  ROW ("nanosecs", CELL_F_U32, struct cell_spec_linux, time_offset_boottime_nanosecs),
};
static DESC (boottime_desc, "linux.timeOffsets.boottime", struct cell_spec_linux, boottime_rows);
static const struct cell_field monotonic_rows[] = {
  ROW ("secs", CELL_F_I64, struct cell_spec_linux, time_offset_monotonic_secs),
  ROW ("nanosecs", CELL_F_U32, struct cell_spec_linux, time_offset_monotonic_nanosecs),
};
static DESC (monotonic_desc, "linux.timeOffsets.monotonic", struct cell_spec_linux, monotonic_rows);
static const struct cell_field time_offsets_rows[] = {
  FLAT ("boottime", boottime_desc),
  FLAT ("monotonic", monotonic_desc),
};
static DESC (time_offsets_desc, "linux.timeOffsets", struct cell_spec_linux, time_offsets_rows);

static const struct cell_field memory_policy_rows[] = {
  ROWR ("mode", CELL_F_STRING, struct cell_spec_linux, mempolicy_mode),
  ROW ("nodes", CELL_F_STRING, struct cell_spec_linux, mempolicy_nodes),
  ROW ("flags", CELL_F_STRV, struct cell_spec_linux, mempolicy_flags),
};
static DESC (memory_policy_desc, "linux.memoryPolicy", struct cell_spec_linux, memory_policy_rows);

static const struct cell_field intel_rdt_rows[] = {
  ROW ("closID", CELL_F_STRING, struct cell_spec_linux, rdt_clos_id),
  ROW ("l3CacheSchema", CELL_F_STRING, struct cell_spec_linux, rdt_l3_cache_schema),
  ROW ("memBwSchema", CELL_F_STRING, struct cell_spec_linux, rdt_mem_bw_schema),
  ROW ("schemata", CELL_F_STRV, struct cell_spec_linux, rdt_schemata),
  ROW ("enableCMT", CELL_F_BOOL, struct cell_spec_linux, rdt_enable_cmt),
  ROW ("enableMBM", CELL_F_BOOL, struct cell_spec_linux, rdt_enable_mbm),
};
static DESC (intel_rdt_desc, "linux.intelRdt", struct cell_spec_linux, intel_rdt_rows);

/* netDevices: {"eth0": {"name": "c0"}} -> kv (eth0, c0); an entry without a name keeps the host's name. */
static int
dec_net_devices (const struct cell_json *j, void *dst, const char *display, const char *ptr,
                 struct cell_error **err)
{
  struct cell_spec_linux *l
      = (struct cell_spec_linux *)((char *)dst - offsetof (struct cell_spec_linux, net_devices));
  if (j->type != CELL_JSON_OBJECT)
    return bad (err, display, ptr, "expected object", NULL);
  l->net_devices = xcalloc (j->len + 1, sizeof (*l->net_devices));
  for (size_t i = 0; i < j->len; i++)
    {
      const struct cell_json *e = j->items[i], *name;
      if (e->type != CELL_JSON_OBJECT)
        return cell_err (err, 0, "%s: %s/%s: expected object", display, ptr, j->keys[i]);
      name = cell_json_get (e, "name");
      if (name && name->type != CELL_JSON_NULL && name->type != CELL_JSON_STRING)
        return cell_err (err, 0, "%s: %s/%s/name: expected string", display, ptr, j->keys[i]);
      l->net_devices[i].key = xstrdup (j->keys[i]);
      l->net_devices[i].value = xstrdup (name && name->type == CELL_JSON_STRING ? name->s : j->keys[i]);
      l->n_net_devices++;
    }
  return 0;
}

#define LNX struct cell_spec_linux
static const struct cell_field linux_rows[] = {
  ARR ("namespaces", LNX, namespaces, n_namespaces, namespace_desc),
  ARR ("uidMappings", LNX, uid_mappings, n_uid_mappings, idmap_desc),
  ARR ("gidMappings", LNX, gid_mappings, n_gid_mappings, idmap_desc),
  ARR ("devices", LNX, devices, n_devices, device_desc),
  ROW ("cgroupsPath", CELL_F_STRING, LNX, cgroups_path),
  OBJH ("resources", LNX, resources, has_resources, cell_spec_resources_desc),
  ROW ("rootfsPropagation", CELL_F_STRING, LNX, rootfs_propagation),
  ROW ("maskedPaths", CELL_F_STRV, LNX, masked_paths),
  ROW ("readonlyPaths", CELL_F_STRV, LNX, readonly_paths),
  ROW ("mountLabel", CELL_F_STRING, LNX, mount_label),
  ROWC ("sysctl", CELL_F_KV, LNX, sysctl, n_sysctl),
  { .name = "seccomp",
    .kind = CELL_F_OBJECT_PTR,
    .offset = offsetof (LNX, seccomp),
    .has_offset = NOFF,
    .count_offset = NOFF,
    .sub = &cell_spec_seccomp_desc },
  FLAT ("personality", personality_desc),
  FLATH ("timeOffsets", LNX, has_time_offsets, time_offsets_desc),
  FLATH ("intelRdt", LNX, has_intel_rdt, intel_rdt_desc),
  { .name = "netDevices",
    .kind = CELL_F_CUSTOM_KV,
    .offset = offsetof (LNX, net_devices),
    .has_offset = NOFF,
    .count_offset = offsetof (LNX, n_net_devices),
    .decode = dec_net_devices },
  FLATH ("memoryPolicy", LNX, has_memory_policy, memory_policy_desc),
};
static DESC (linux_desc, "linux", LNX, linux_rows);
#undef LNX

static const struct cell_field spec_rows[] = {
  ROWR ("ociVersion", CELL_F_STRING, struct cell_spec, oci_version),
  OBJH ("root", struct cell_spec, root, has_root, root_desc),
  ARR ("mounts", struct cell_spec, mounts, n_mounts, mount_desc),
  OBJH ("process", struct cell_spec, process, has_process, cell_spec_process_desc),
  ROW ("hostname", CELL_F_STRING, struct cell_spec, hostname),
  ROW ("domainname", CELL_F_STRING, struct cell_spec, domainname),
  OBJ ("hooks", struct cell_spec, hooks, cell_spec_hooks_desc),
  ROWC ("annotations", CELL_F_KV, struct cell_spec, annotations, n_annotations),
  OBJH ("linux", struct cell_spec, linux_, has_linux, linux_desc),
  /* other platforms' sections: valid in a config.json, meaningless here */
  IGNORED ("windows"),
  IGNORED ("solaris"),
  IGNORED ("vm"),
  IGNORED ("zos"),
};
DESC (cell_spec_desc, "config", struct cell_spec, spec_rows);
