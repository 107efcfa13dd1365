/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* spec-validate.c: every refusal of a config.json that needs no filesystem access, in one place: the
   runtime-spec's MUST-error rules (config.md, config-linux.md) and what cell cannot do, checked before
   anything is created, with the warnings the spec asks for. The compiler (plan-oci.c) then only
   translates. */
#include <ctype.h>
#include <string.h>
#include <sys/stat.h>
#include "caps.h"
#include "log.h"
#include "mount-opts.h"
#include "names.h"
#include "spec.h"
#include "strv.h"
#include "xalloc.h"

/* SemVer 2.0: MAJOR.MINOR.PATCH[-pre][+build], numeric parts without leading zeros. */
/* the runtime-spec minor version cell implements (`cell spec` writes 1.2.0) */
#define CELL_SPEC_MINOR 2

static bool
semver_major (const char *s, unsigned long *major, unsigned long *minor)
{
  for (int part = 0; part < 3; part++)
    {
      const char *start = s;
      unsigned long v = 0;
      while (isdigit ((unsigned char)*s))
        v = v * 10 + (unsigned long)(*s++ - '0');
      if (s == start || (s - start > 1 && *start == '0') || s - start > 9)
        return false;
      if (part == 0)
        *major = v;
      else if (part == 1)
        *minor = v;
      if (part < 2 && *s++ != '.')
        return false;
    }
  if (*s == '-')
    {
      s++;
      if (!*s || *s == '+')
        return false;
      s += strspn (s, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-.");
    }
  if (*s == '+')
    {
      s++;
      if (!*s)
        return false;
      s += strspn (s, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-.");
    }
  return *s == '\0';
}

static bool
has_ns (const struct cell_spec *spec, enum cell_ns_type t)
{
  for (size_t i = 0; i < spec->linux_.n_namespaces; i++)
    if (spec->linux_.namespaces[i].type == t)
      return true;
  return false;
}

/* Sysctls that belong to a namespace the container must own (as runc and the kernel's namespacing say);
   anything else would change the host. */
static int
check_sysctl (const struct cell_spec *spec, const char *display, const char *key, struct cell_error **err)
{
  static const char *const ipc[]
      = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
          "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced" };
  /* CVE-2022-0811: a key that walks out of /proc/sys, or carries a second assignment */
  if (!*key || strstr (key, "..") || key[0] == '.' || key[strcspn (key, "/= \t\n\r")] != '\0')
    return cell_err (err, 0, "%s: /linux/sysctl/%s: invalid sysctl name", display, key);
  for (size_t i = 0; i < ARRAY_SIZE (ipc); i++)
    if (streq (key, ipc[i]))
      {
        if (!has_ns (spec, CELL_NS_IPC))
          return cell_err (err, 0, "%s: /linux/sysctl/%s: needs an ipc namespace", display, key);
        return 0;
      }
  if (strncmp (key, "fs.mqueue.", 10) == 0)
    return has_ns (spec, CELL_NS_IPC)
               ? 0
               : cell_err (err, 0, "%s: /linux/sysctl/%s: needs an ipc namespace", display, key);
  if (strncmp (key, "net.", 4) == 0)
    return has_ns (spec, CELL_NS_NETWORK)
               ? 0
               : cell_err (err, 0, "%s: /linux/sysctl/%s: needs a network namespace", display, key);
  if (streq (key, "kernel.hostname") || streq (key, "kernel.domainname"))
    return cell_err (err, 0, "%s: /linux/sysctl/%s: set /%s instead", display, key,
                     streq (key, "kernel.hostname") ? "hostname" : "domainname");
  return cell_err (err, 0, "%s: /linux/sysctl/%s: not a namespaced sysctl", display, key);
}

static int
check_hooks (const struct cell_spec_hook *h, size_t n, const char *name, const char *display,
             struct cell_error **err)
{
  for (size_t i = 0; i < n; i++)
    {
      if (h[i].path[0] != '/')
        return cell_err (err, 0, "%s: /hooks/%s/%zu/path: must be an absolute path", display, name, i);
      if (h[i].has_timeout && h[i].timeout <= 0)
        return cell_err (err, 0, "%s: /hooks/%s/%zu/timeout: must be greater than zero", display, name, i);
    }
  return 0;
}

/* runtime-spec 1.1 config.md: an unknown capability is logged and SHOULD NOT fail the container. */
static void
warn_caps (const struct cell_spec_caps *c, const char *display, const char *ptr)
{
  char *const *sets[] = { c->bounding, c->effective, c->inheritable, c->permitted, c->ambient };
  static const char *const names[] = { "bounding", "effective", "inheritable", "permitted", "ambient" };
  for (size_t s = 0; s < ARRAY_SIZE (sets); s++)
    for (size_t i = 0; sets[s] && sets[s][i]; i++)
      if (cell_caps_from_name (sets[s][i]) < 0)
        cell_warn ("%s: %s/capabilities/%s/%zu: unknown capability `%s` left out", display, ptr, names[s], i,
                   sets[s][i]);
}

/* config.md "scheduler", with runc's rules (sched_setattr(2)): nice for the fair policies, a static priority
   for the real-time ones only, runtime/deadline/period for SCHED_DEADLINE only. */
static int
check_scheduler (const struct cell_spec_process *p, const char *display, const char *ptr,
                 struct cell_error **err)
{
  const char *pol = p->sched_policy;
  bool rt = streq (pol, "SCHED_FIFO") || streq (pol, "SCHED_RR");
  if (cell_sched_policy_from_name (pol) < 0)
    {
      if (streq (pol, "SCHED_ISO"))
        return cell_err (err, 0, "%s: %s/scheduler/policy: `SCHED_ISO` is not implemented by Linux", display,
                         ptr);
      return cell_err (err, 0, "%s: %s/scheduler/policy: unknown policy `%s`", display, ptr, pol);
    }
  if (p->sched_nice < -20 || p->sched_nice > 19)
    return cell_err (err, 0, "%s: %s/scheduler/nice: must be between -20 and 19", display, ptr);
  if (rt && (p->sched_priority < 1 || p->sched_priority > 99))
    return cell_err (err, 0, "%s: %s/scheduler/priority: must be between 1 and 99 for `%s`", display, ptr,
                     pol);
  if (!rt && p->sched_priority != 0)
    return cell_err (err, 0, "%s: %s/scheduler/priority: only SCHED_FIFO and SCHED_RR take a priority",
                     display, ptr);
  if (!streq (pol, "SCHED_DEADLINE") && (p->sched_runtime || p->sched_deadline || p->sched_period))
    return cell_err (err, 0, "%s: %s/scheduler: runtime, deadline and period are for SCHED_DEADLINE only",
                     display, ptr);
  for (size_t i = 0; p->sched_flags && p->sched_flags[i]; i++)
    if (cell_sched_flag_from_name (p->sched_flags[i]) < 0)
      return cell_err (err, 0, "%s: %s/scheduler/flags/%zu: unknown flag `%s`", display, ptr, i,
                       p->sched_flags[i]);
  return 0;
}

static int
check_process (const struct cell_spec_process *p, const char *display, const char *ptr,
               struct cell_error **err)
{
  if (p->args == NULL || p->args[0] == NULL)
    return cell_err (err, 0, "%s: %s/args: must not be empty", display, ptr);
  if (p->cwd[0] != '/')
    return cell_err (err, 0, "%s: %s/cwd: must be an absolute path", display, ptr);
  for (size_t i = 0; p->env && p->env[i]; i++)
    if (strchr (p->env[i], '=') == NULL || p->env[i][0] == '=')
      return cell_err (err, 0, "%s: %s/env/%zu: expected KEY=VALUE, got `%s`", display, ptr, i, p->env[i]);
  if (p->user.has_umask && p->user.umask > 0777)
    return cell_err (err, 0, "%s: %s/user/umask: %o is not a file mode mask", display, ptr, p->user.umask);
  if (p->has_oom_score_adj && (p->oom_score_adj < -1000 || p->oom_score_adj > 1000))
    return cell_err (err, 0, "%s: %s/oomScoreAdj: must be between -1000 and 1000", display, ptr);
  for (size_t i = 0; i < p->n_rlimits; i++)
    {
      if (cell_rlimit_from_name (p->rlimits[i].type) < 0)
        return cell_err (err, 0, "%s: %s/rlimits/%zu/type: unknown rlimit `%s`", display, ptr, i,
                         p->rlimits[i].type);
      if (p->rlimits[i].soft > p->rlimits[i].hard)
        return cell_err (err, 0, "%s: %s/rlimits/%zu: soft limit above hard limit", display, ptr, i);
      for (size_t k = 0; k < i; k++)
        if (streq (p->rlimits[k].type, p->rlimits[i].type))
          return cell_err (err, 0, "%s: %s/rlimits/%zu/type: duplicate `%s`", display, ptr, i,
                           p->rlimits[i].type);
    }
  if (p->has_io_priority)
    {
      if (!streq (p->io_priority_class, "IOPRIO_CLASS_RT") && !streq (p->io_priority_class, "IOPRIO_CLASS_BE")
          && !streq (p->io_priority_class, "IOPRIO_CLASS_IDLE"))
        return cell_err (err, 0, "%s: %s/ioPriority/class: unknown class `%s`", display, ptr,
                         p->io_priority_class);
      if (p->io_priority_priority < 0 || p->io_priority_priority > 7)
        return cell_err (err, 0, "%s: %s/ioPriority/priority: must be between 0 and 7", display, ptr);
    }
  if (p->has_caps)
    warn_caps (&p->caps, display, ptr);
  if (p->has_scheduler && check_scheduler (p, display, ptr, err) < 0)
    return -1;
  if (p->exec_cpu_initial && !cell_resources_cpuset_list_valid (p->exec_cpu_initial))
    return cell_err (err, 0, "%s: %s/execCPUAffinity/initial: invalid cpu list `%s`", display, ptr,
                     p->exec_cpu_initial);
  if (p->exec_cpu_final && !cell_resources_cpuset_list_valid (p->exec_cpu_final))
    return cell_err (err, 0, "%s: %s/execCPUAffinity/final: invalid cpu list `%s`", display, ptr,
                     p->exec_cpu_final);
  /* apparmorProfile and selinuxLabel need their LSM active on the host: lsm.c checks, before create */
  return 0;
}

/* Every range of a user namespace map: not empty, and inside the 32-bit id space on both sides. */
static int
check_id_maps (const struct cell_spec_id_map *m, size_t n, const char *display, const char *ptr,
               struct cell_error **err)
{
  for (size_t i = 0; i < n; i++)
    {
      if (m[i].size == 0)
        return cell_err (err, 0, "%s: %s/%zu/size: must not be zero", display, ptr, i);
      if ((uint64_t)m[i].container_id + m[i].size > UINT32_MAX
          || (uint64_t)m[i].host_id + m[i].size > UINT32_MAX)
        return cell_err (err, 0, "%s: %s/%zu: the range goes past the last id", display, ptr, i);
    }
  return 0;
}

static bool
id_mapped (const struct cell_spec_id_map *m, size_t n, uint32_t id)
{
  for (size_t i = 0; i < n; i++)
    if (id >= m[i].container_id && (uint64_t)id < (uint64_t)m[i].container_id + m[i].size)
      return true;
  return false;
}

/* The process's ids must exist in a user namespace the runtime creates (setresuid/setgroups to an unmapped
   id fail with EINVAL). Container id 0 need not: init then takes the process's ids, not root's, with the
   namespace's capabilities all the same. A joined namespace's maps are only known in init, which checks. */
static int
check_process_ids_mapped (const struct cell_spec *spec, const char *display, struct cell_error **err)
{
  const struct cell_spec_linux *l = &spec->linux_;
  const struct cell_spec_user *u = &spec->process.user;
  bool create = false;
  for (size_t i = 0; i < l->n_namespaces; i++)
    if (l->namespaces[i].type == CELL_NS_USER && !(l->namespaces[i].path && *l->namespaces[i].path))
      create = true;
  if (!spec->has_process || !create || !l->n_uid_mappings)
    return 0;
  if (!id_mapped (l->uid_mappings, l->n_uid_mappings, u->uid))
    return cell_err (err, 0, "%s: /process/user/uid: %u is not mapped by /linux/uidMappings", display,
                     (unsigned)u->uid);
  if (!id_mapped (l->gid_mappings, l->n_gid_mappings, u->gid))
    return cell_err (err, 0, "%s: /process/user/gid: %u is not mapped by /linux/gidMappings", display,
                     (unsigned)u->gid);
  for (size_t i = 0; i < u->n_additional_gids; i++)
    if (!id_mapped (l->gid_mappings, l->n_gid_mappings, u->additional_gids[i]))
      return cell_err (err, 0, "%s: /process/user/additionalGids/%zu: %u is not mapped by /linux/gidMappings",
                       display, i, (unsigned)u->additional_gids[i]);
  return 0;
}

/* config-linux.md "Memory policy", with runc's rules on the node count of each mode. */
static int
check_memory_policy (const struct cell_spec_linux *l, const char *display, struct cell_error **err)
{
  const char *m = l->mempolicy_mode;
  bool nodes = l->mempolicy_nodes && *l->mempolicy_nodes;
  bool stat = false, rel = false;
  if (cell_mempolicy_mode_from_name (m) < 0)
    return cell_err (err, 0, "%s: /linux/memoryPolicy/mode: unknown mode `%s`", display, m);
  if (l->mempolicy_nodes && !cell_resources_cpuset_list_valid (l->mempolicy_nodes))
    return cell_err (err, 0, "%s: /linux/memoryPolicy/nodes: invalid node list `%s`", display,
                     l->mempolicy_nodes);
  if ((streq (m, "MPOL_DEFAULT") || streq (m, "MPOL_LOCAL")) && nodes)
    return cell_err (err, 0, "%s: /linux/memoryPolicy/nodes: `%s` takes no nodes", display, m);
  if (!nodes && !streq (m, "MPOL_DEFAULT") && !streq (m, "MPOL_LOCAL") && !streq (m, "MPOL_PREFERRED"))
    return cell_err (err, 0, "%s: /linux/memoryPolicy/nodes: `%s` needs at least one node", display, m);
  for (size_t i = 0; l->mempolicy_flags && l->mempolicy_flags[i]; i++)
    {
      const char *f = l->mempolicy_flags[i];
      if (cell_mempolicy_flag_from_name (f) < 0)
        return cell_err (err, 0, "%s: /linux/memoryPolicy/flags/%zu: unknown flag `%s`", display, i, f);
      stat |= streq (f, "MPOL_F_STATIC_NODES");
      rel |= streq (f, "MPOL_F_RELATIVE_NODES");
    }
  if (stat && rel)
    return cell_err (err, 0,
                     "%s: /linux/memoryPolicy/flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES "
                     "exclude each other",
                     display);
  return 0;
}

/* An interface name the kernel takes (dev_valid_name): 1..15 bytes, not `.` or `..`, no `/`, `:` or space;
   a target may be a template ending in `%d`. */
static bool
ifname_valid (const char *n)
{
  size_t len = strlen (n);
  if (len == 0 || len >= 16 || streq (n, ".") || streq (n, ".."))
    return false;
  for (const char *c = n; *c; c++)
    if (*c == '/' || *c == ':' || isspace ((unsigned char)*c))
      return false;
  return true;
}

/* config-linux.md "Network Devices": moved into the container's own network namespace (runc: never the
   host's). */
static int
check_net_devices (const struct cell_spec *spec, const char *display, struct cell_error **err)
{
  const struct cell_spec_linux *l = &spec->linux_;
  if (!has_ns (spec, CELL_NS_NETWORK))
    return cell_err (err, 0, "%s: /linux/netDevices: needs a network namespace of the container's own",
                     display);
  for (size_t i = 0; i < l->n_net_devices; i++)
    {
      const char *host = l->net_devices[i].key, *name = l->net_devices[i].value;
      if (!ifname_valid (host))
        return cell_err (err, 0, "%s: /linux/netDevices/%s: invalid interface name", display, host);
      if (!ifname_valid (name))
        return cell_err (err, 0, "%s: /linux/netDevices/%s/name: invalid interface name `%s`", display, host,
                         name);
      for (size_t k = 0; k < i; k++)
        if (streq (l->net_devices[k].value, name) && !strstr (name, "%d"))
          return cell_err (err, 0, "%s: /linux/netDevices/%s/name: `%s` is taken by another device", display,
                           host, name);
    }
  return 0;
}

/* config-linux.md "IntelRdt": the value rules (MUST); whether the host has resctrl is checked before create.
 */
static int
check_intel_rdt (const struct cell_spec_linux *l, const char *display, struct cell_error **err)
{
  if (l->rdt_clos_id
      && (strchr (l->rdt_clos_id, '/') ? !streq (l->rdt_clos_id, "/") : streq (l->rdt_clos_id, "..")))
    return cell_err (err, 0, "%s: /linux/intelRdt/closID: invalid `%s`", display, l->rdt_clos_id);
  if (l->rdt_mem_bw_schema && strncmp (l->rdt_mem_bw_schema, "MB:", 3) != 0)
    return cell_err (err, 0, "%s: /linux/intelRdt/memBwSchema: must start with `MB:`", display);
  if ((l->rdt_l3_cache_schema && strpbrk (l->rdt_l3_cache_schema, "\n\r"))
      || (l->rdt_mem_bw_schema && strpbrk (l->rdt_mem_bw_schema, "\n\r")))
    return cell_err (err, 0, "%s: /linux/intelRdt: a schema holds a newline", display);
  for (size_t i = 0; l->rdt_schemata && l->rdt_schemata[i]; i++)
    if (strpbrk (l->rdt_schemata[i], "\n\r"))
      return cell_err (err, 0, "%s: /linux/intelRdt/schemata/%zu: holds a newline", display, i);
  return 0;
}

static int
check_linux (const struct cell_spec *spec, const char *display, struct cell_error **err)
{
  const struct cell_spec_linux *l = &spec->linux_;
  static const char *const props[]
      = { "shared", "slave", "private", "unbindable", "rshared", "rslave", "rprivate", "runbindable" };

  for (size_t i = 0; i < l->n_namespaces; i++)
    {
      for (size_t k = 0; k < i; k++)
        if (l->namespaces[k].type == l->namespaces[i].type)
          return cell_err (err, 0, "%s: /linux/namespaces/%zu: duplicate namespace `%s`", display, i,
                           cell_ns_type_name (l->namespaces[i].type));
      if (l->namespaces[i].path && l->namespaces[i].path[0] != '/')
        return cell_err (err, 0, "%s: /linux/namespaces/%zu/path: must be an absolute path", display, i);
    }
  for (size_t i = 0; i < l->n_namespaces; i++)
    if (l->namespaces[i].type == CELL_NS_USER && !(l->namespaces[i].path && *l->namespaces[i].path)
        && !l->n_uid_mappings && !l->n_gid_mappings)
      return cell_err (err, 0, "%s: /linux/uidMappings: a new user namespace needs uid and gid mappings",
                       display);
  if ((l->n_uid_mappings || l->n_gid_mappings) && !has_ns (spec, CELL_NS_USER))
    return cell_err (err, 0, "%s: /linux/uidMappings: user ID mappings need a user namespace", display);
  if (has_ns (spec, CELL_NS_USER) && (l->n_uid_mappings == 0) != (l->n_gid_mappings == 0))
    return cell_err (err, 0, "%s: /linux/%s: uidMappings and gidMappings go together", display,
                     l->n_uid_mappings ? "gidMappings" : "uidMappings");
  if (check_id_maps (l->uid_mappings, l->n_uid_mappings, display, "/linux/uidMappings", err) < 0
      || check_id_maps (l->gid_mappings, l->n_gid_mappings, display, "/linux/gidMappings", err) < 0
      || check_process_ids_mapped (spec, display, err) < 0)
    return -1;
  for (size_t i = 0; i < l->n_devices; i++)
    {
      const struct cell_spec_device *d = &l->devices[i];
      if (d->path[0] != '/')
        return cell_err (err, 0, "%s: /linux/devices/%zu/path: must be an absolute path", display, i);
      if (d->type != 'p' && (!d->has_major || !d->has_minor))
        return cell_err (err, 0, "%s: /linux/devices/%zu: major and minor are required for type `%c`",
                         display, i, d->type);
      if ((d->has_major && (d->major < 0 || d->major > 4095))
          || (d->has_minor && (d->minor < 0 || d->minor > 1048575)))
        return cell_err (err, 0, "%s: /linux/devices/%zu: device number out of range", display, i);
      if (d->has_file_mode && d->file_mode > 07777)
        {
          /* podman includes the file type bits (S_IFCHR|0600): they must say what `type` says */
          unsigned want = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
          if ((d->file_mode & ~(unsigned)07777) != want)
            return cell_err (err, 0, "%s: /linux/devices/%zu/fileMode: %o is not a file mode of type `%c`",
                             display, i, d->file_mode, d->type);
        }
    }
  if (l->rootfs_propagation && *l->rootfs_propagation)
    {
      bool ok = false;
      for (size_t i = 0; i < ARRAY_SIZE (props); i++)
        ok |= streq (l->rootfs_propagation, props[i]);
      if (!ok)
        return cell_err (err, 0, "%s: /linux/rootfsPropagation: unknown propagation `%s`", display,
                         l->rootfs_propagation);
    }
  for (size_t i = 0; l->masked_paths && l->masked_paths[i]; i++)
    if (l->masked_paths[i][0] != '/')
      return cell_err (err, 0, "%s: /linux/maskedPaths/%zu: must be an absolute path", display, i);
  for (size_t i = 0; l->readonly_paths && l->readonly_paths[i]; i++)
    if (l->readonly_paths[i][0] != '/')
      return cell_err (err, 0, "%s: /linux/readonlyPaths/%zu: must be an absolute path", display, i);
  for (size_t i = 0; i < l->n_sysctl; i++)
    {
      if (check_sysctl (spec, display, l->sysctl[i].key, err) < 0)
        return -1;
      if (strpbrk (l->sysctl[i].value, "\n\r"))
        return cell_err (err, 0, "%s: /linux/sysctl/%s: a value holds a newline", display, l->sysctl[i].key);
    }
  if (l->personality_domain && !streq (l->personality_domain, "LINUX")
      && !streq (l->personality_domain, "LINUX32"))
    return cell_err (err, 0, "%s: /linux/personality/domain: unknown domain `%s`", display,
                     l->personality_domain);
  if (l->has_time_offsets && !has_ns (spec, CELL_NS_TIME))
    return cell_err (err, 0, "%s: /linux/timeOffsets: needs a time namespace", display);
  /* mountLabel needs SELinux active on the host: lsm.c checks, before create */
  if (l->has_intel_rdt && check_intel_rdt (l, display, err) < 0)
    return -1;
  if (l->n_net_devices && check_net_devices (spec, display, err) < 0)
    return -1;
  if (l->has_memory_policy && check_memory_policy (l, display, err) < 0)
    return -1;
  if (l->has_resources && cell_resources_validate (&l->resources, display, "/linux/resources", err) < 0)
    return -1;
  return 0;
}

/* config.md "idmap": the mount's own mappings (both, or neither), else the container's user namespace's;
   only binds can be id-mapped (runc's rule: MOUNT_ATTR_IDMAP needs a mount to clone). */
static int
check_idmap (const struct cell_spec *spec, const struct cell_spec_mount *m, const struct cell_mount_opts *mo,
             bool bind, size_t i, const char *display, struct cell_error **err)
{
  cleanup_free char *uptr = xasprintf ("/mounts/%zu/uidMappings", i);
  cleanup_free char *gptr = xasprintf ("/mounts/%zu/gidMappings", i);
  if (!mo->idmap && !m->n_uid_mappings && !m->n_gid_mappings)
    return 0;
  if (!bind)
    return cell_err (err, 0, "%s: /mounts/%zu: id-mapped mounts must be bind mounts", display, i);
  if ((m->n_uid_mappings == 0) != (m->n_gid_mappings == 0))
    return cell_err (err, 0, "%s: %s: uidMappings and gidMappings go together", display,
                     m->n_uid_mappings ? gptr : uptr);
  if (!m->n_uid_mappings && !has_ns (spec, CELL_NS_USER))
    return cell_err (
        err, 0, "%s: /mounts/%zu/options: `%s` without uidMappings and gidMappings needs a user namespace",
        display, i, mo->ridmap ? "ridmap" : "idmap");
  if (check_id_maps (m->uid_mappings, m->n_uid_mappings, display, uptr, err) < 0
      || check_id_maps (m->gid_mappings, m->n_gid_mappings, display, gptr, err) < 0)
    return -1;
  return 0;
}

static int
check_mount (const struct cell_spec *spec, const struct cell_spec_mount *m, size_t i, const char *display,
             struct cell_error **err)
{
  cleanup_free char *ptr = xasprintf ("/mounts/%zu/options", i);
  struct cell_mount_opts mo;
  bool bind = m->type && streq (m->type, "bind");
  int r = 0;

  if (!*m->destination)
    return cell_err (err, 0, "%s: /mounts/%zu/destination: must not be empty", display, i);
  for (size_t k = 0; m->options && m->options[k]; k++)
    bind |= streq (m->options[k], "bind") || streq (m->options[k], "rbind");
  if (cell_mount_opts_parse (m->options, &mo, display, ptr, err) < 0)
    return -1;
  if (check_idmap (spec, m, &mo, bind, i, display, err) < 0)
    r = -1;
  else if (bind && (!m->source || !*m->source))
    r = cell_err (err, 0, "%s: /mounts/%zu/source: a bind mount needs a source", display, i);
  else if (!bind && (!m->type || !*m->type))
    r = cell_err (err, 0, "%s: /mounts/%zu/type: required for a non-bind mount", display, i);
  else if (!bind && streq (m->type, "overlay") && (!mo.data || !strstr (mo.data, "lowerdir=")))
    r = cell_err (err, 0, "%s: /mounts/%zu/options: an overlay mount needs lowerdir=", display, i);
  else if (mo.copyup && (bind || !streq (m->type, "tmpfs")))
    r = cell_err (err, 0, "%s: /mounts/%zu/options: `tmpcopyup` needs a tmpfs mount", display, i);
  else if (bind && mo.data)
    /* config.md: SHOULD be passed through; a bind has no filesystem of its own to take them */
    cell_debug ("%s: /mounts/%zu/options: filesystem options `%s` have no effect on a bind mount", display, i,
                mo.data);
  cell_mount_opts_clear (&mo);
  return r;
}

static int
check_mounts (const struct cell_spec *spec, const char *display, struct cell_error **err)
{
  const struct cell_spec_linux *l = &spec->linux_;
  for (size_t i = 0; i < spec->n_mounts; i++)
    if (check_mount (spec, &spec->mounts[i], i, display, err) < 0)
      return -1;
  /* runtime-spec: a namespace type not listed is inherited. In the runtime's own mount namespace cell
     mounts nothing (it would change the host's mount table): say what is left out. */
  if (!has_ns (spec, CELL_NS_MOUNT)
      && (spec->n_mounts || l->n_devices || (l->masked_paths && l->masked_paths[0])
          || (l->readonly_paths && l->readonly_paths[0]) || spec->root.readonly))
    cell_warn ("%s: /linux/namespaces: no mount namespace: the container shares the runtime's mount table, "
               "so its mounts, devices, masked and read-only paths are not applied",
               display);
  return 0;
}

static int
check_annotations (const struct cell_spec *spec, const char *display, struct cell_error **err)
{
  const char *size = cell_spec_annotation (spec, "run.cell.rootfs.size");
  if (size && *size)
    {
      size_t digits = strspn (size, "0123456789");
      if (digits == 0 || (size[digits] != '\0' && (!strchr ("kmgKMG%", size[digits]) || size[digits + 1])))
        return cell_err (err, 0, "%s: /annotations/run.cell.rootfs.size: invalid size `%s`", display, size);
    }
  return 0;
}

int
cell_spec_validate (const struct cell_spec *spec, const char *display, struct cell_error **err)
{
  unsigned long major = 0, minor = 0;

  if (!semver_major (spec->oci_version, &major, &minor))
    return cell_err (err, 0, "%s: /ociVersion: `%s` is not a SemVer version", display, spec->oci_version);
  if (major != 1)
    return cell_err (err, 0, "%s: /ociVersion: unsupported version `%s` (cell supports 1.x)", display,
                     spec->oci_version);
  /* a newer minor version only adds properties: they are ignored, as config.md asks of unknown ones */
  if (minor == 3)
    cell_warn ("%s: /ociVersion: `%s` is newer than the runtime-spec 1.%d cell implements (of 1.3 it has "
               "netDevices and memoryPolicy; a failing poststart hook stays a warning)",
               display, spec->oci_version, CELL_SPEC_MINOR);
  else if (minor > CELL_SPEC_MINOR)
    cell_warn ("%s: /ociVersion: `%s` is newer than the runtime-spec 1.%d cell implements: what it does not "
               "know is ignored",
               display, spec->oci_version, CELL_SPEC_MINOR);
  if (!spec->has_root || !spec->root.path || !*spec->root.path)
    return cell_err (err, 0, "%s: /root/path: required on Linux", display);
  /* runtime-spec runtime.md: `process` is needed by `start`, not by `create` */
  if (spec->has_process && check_process (&spec->process, display, "/process", err) < 0)
    return -1;
  if (check_mounts (spec, display, err) < 0 || check_annotations (spec, display, err) < 0)
    return -1;
  if (spec->hostname && *spec->hostname && !has_ns (spec, CELL_NS_UTS))
    return cell_err (err, 0, "%s: /hostname: needs a uts namespace", display);
  if (spec->domainname && *spec->domainname && !has_ns (spec, CELL_NS_UTS))
    return cell_err (err, 0, "%s: /domainname: needs a uts namespace", display);
#define HOOKS(field, name)                                                                                   \
  if (check_hooks (spec->hooks.field, spec->hooks.n_##field, name, display, err) < 0)                        \
    return -1;
  HOOKS (prestart, "prestart");
  HOOKS (create_runtime, "createRuntime");
  HOOKS (create_container, "createContainer");
  HOOKS (start_container, "startContainer");
  HOOKS (poststart, "poststart");
  HOOKS (poststop, "poststop");
#undef HOOKS
  return check_linux (spec, display, err);
}

int
cell_spec_validate_process (const struct cell_spec_process *p, const char *display, const char *ptr,
                            struct cell_error **err)
{
  return check_process (p, display, ptr, err);
}
